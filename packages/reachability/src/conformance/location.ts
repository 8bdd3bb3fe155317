/**
 * Where the shared conformance data lives: `ZTP_CONFORMANCE_DIR`, else `../shared/conformance`
 * from the repository root. The data stays outside the repository.
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

/** The conformance folder and whether it exists. */
export function conformanceDir(env: NodeJS.ProcessEnv = process.env): { dir: string; present: boolean; source: string } {
  const fromEnv = env.ZTP_CONFORMANCE_DIR;
  const dir = fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(repositoryRoot(), '..', 'shared', 'conformance');
  const source = fromEnv !== undefined && fromEnv !== '' ? 'ZTP_CONFORMANCE_DIR' : '../shared/conformance from the repository root';
  return { dir, present: existsSync(dir), source };
}
