import { installCommand, ToolMissingError } from './errors.ts';
import type { ResolveOptions } from './resolve.ts';
import { toolStatus } from './resolve.ts';

/** Whether `CI` is set, as CI systems set it (`CI=false` and `CI=0` count as unset). */
export function isCI(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * For tests that need real engines. Resolves `names`; when all are there, returns undefined.
 * When some are missing: under CI (`CI` set) throws ToolMissingError, because a missing engine is
 * an error in CI and never a silent skip; elsewhere returns the reason to print when skipping,
 * e.g. `not run, because kyverno v1.19.1 is not installed (node scripts/src/install-tools.ts kyverno)`.
 *
 *     const reason = await requireTools(['kyverno']);
 *     it.skipIf(reason !== undefined)('...', ...)  // and print `reason`, or call ctx.skip(reason)
 */
export async function requireTools(names: readonly string[], options: ResolveOptions = {}): Promise<string | undefined> {
  const missing = (await toolStatus(names, options)).filter((status) => status.path === undefined);
  if (missing.length === 0) return undefined;
  if (isCI(options.env ?? process.env)) {
    throw new ToolMissingError(missing.map((m) => ({ name: m.name, version: m.version, rejected: m.rejected })));
  }
  const what = list(missing.map((m) => `${m.name} ${m.version}`));
  const verb = missing.length === 1 ? 'is' : 'are';
  return `not run, because ${what} ${verb} not installed (${installCommand(missing.map((m) => m.name))})`;
}
