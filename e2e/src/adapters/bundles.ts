import { compileEnvironments, discoverEnvironments, findRoot, loadEnvironment, loadGitOpsSettings } from '@ztp/compiler';
import type { NamedBundle } from './bundle-dir.ts';

export type { NamedBundle } from './bundle-dir.ts';

/** The environment names of the repository at `root` (its `environments/<name>/` projects). */
export function environmentNames(root: string = findRoot()): string[] {
  return discoverEnvironments(root).map((s) => s.name);
}

/**
 * Compiles environments from source, in memory (as `ztp verify` does by default): `names`, or
 * every environment when empty. Unknown names are an error that lists the known ones.
 */
export async function compileBundles(names: readonly string[], root: string = findRoot()): Promise<NamedBundle[]> {
  const sources = discoverEnvironments(root);
  const unknown = names.filter((n) => !sources.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown environment ${unknown.join(', ')}; the repository has ${sources.map((s) => s.name).join(', ')}`);
  const all = [];
  for (const s of sources) all.push(await loadEnvironment(s));
  const chosen = names.length === 0 ? all : all.filter((e) => names.includes(e.name));
  return [...compileEnvironments(chosen, root, loadGitOpsSettings(root), all).bundles].map((b) => ({ environment: b.environment, files: b.files }));
}

