/**
 * Where inputs live: the repository root, and the shared conformance data
 * (`ZTP_CONFORMANCE_DIR`, else `../shared/conformance` from the repository root; never copied
 * into the repository).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor of this file holding `nx.json`. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root (nx.json) not found');
    dir = parent;
  }
  return dir;
}

/** A conformance data folder and, when it is missing, why the tests using it cannot run. */
export interface ConformanceData {
  readonly dir: string;
  readonly present: boolean;
  /** Set when the folder is missing. */
  readonly reason?: string;
}

/** The conformance data folder `subdir`. */
export function conformanceData(subdir: string, env: Readonly<Record<string, string | undefined>> = process.env): ConformanceData {
  const fromEnv = env['ZTP_CONFORMANCE_DIR'];
  const base = fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(repositoryRoot(), '..', 'shared', 'conformance');
  const dir = join(base, subdir);
  if (existsSync(dir)) return { dir, present: true };
  const source = fromEnv !== undefined && fromEnv !== '' ? 'ZTP_CONFORMANCE_DIR' : '../shared/conformance from the repository root';
  return { dir, present: false, reason: `conformance data ${dir} not found (looked in ${source}); set ZTP_CONFORMANCE_DIR to the shared conformance folder` };
}
