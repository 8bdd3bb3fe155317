import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A compiled bundle: its environment and its files (relative path → content). */
export interface NamedBundle {
  readonly environment: string;
  readonly files: ReadonlyMap<string, string>;
}

function listFiles(dir: string): string[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(dir)
    .map((f) => relative(dir, f).split('\\').join('/'))
    .sort();
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
