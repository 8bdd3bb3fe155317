import { resolve } from 'node:path';
import { discoverEnvironments, findRoot, loadEnvironment } from '@ztp/compiler';
import type { Environment } from '@ztp/model';

/** Every environment of the repository at or above `cwd` (or `--root`), loaded, with the root. */
export async function loadAllEnvironments(cwd: string, root?: string): Promise<{ root: string; all: Environment[] }> {
  const dir = root ? resolve(cwd, root) : findRoot(cwd);
  const all: Environment[] = [];
  for (const s of discoverEnvironments(dir)) all.push(await loadEnvironment(s));
  return { root: dir, all };
}

/** The repository root (`--root`, else found upwards from `cwd`), or undefined outside a repository. */
export function rootOrUndefined(cwd: string, root?: string): string | undefined {
  if (root !== undefined) return resolve(cwd, root);
  try {
    return findRoot(cwd);
  } catch {
    return undefined;
  }
}
