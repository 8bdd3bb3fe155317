import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileEnvironments, discoverEnvironments, findRoot, listFiles, loadEnvironment, loadGitOpsSettings } from '@ztp/compiler';

/** A compiled bundle: its environment and its files (relative path → content). */
export interface NamedBundle {
  readonly environment: string;
  readonly files: ReadonlyMap<string, string>;
}

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

/** Reads bundles written by `ztp compile`: `dir/<env>/` for each of `names` (all when empty), or `dir` itself when it is one bundle. */
export function readBundles(dir: string, names: readonly string[]): NamedBundle[] {
  const read = (d: string): NamedBundle => {
    const files = new Map(listFiles(d).map((f) => [f, readFileSync(join(d, f), 'utf8')] as const));
    const environment = (JSON.parse(files.get('manifest.json') ?? '{}') as { environment?: string }).environment ?? d;
    return { environment, files };
  };
  if (existsSync(join(dir, 'manifest.json'))) return [read(dir)].filter((b) => names.length === 0 || names.includes(b.environment));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder of bundles; run 'npm run compile' first`);
  const found = readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'manifest.json')))
    .sort();
  const missing = names.filter((n) => !found.includes(n));
  if (missing.length > 0) throw new Error(`no bundle for ${missing.join(', ')} in ${dir} (it has ${found.join(', ') || 'none'}); run 'npm run compile'`);
  return found.filter((n) => names.length === 0 || names.includes(n)).map((n) => read(join(dir, n)));
}
