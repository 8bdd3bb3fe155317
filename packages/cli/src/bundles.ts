import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles } from '@ztp/compiler';
import { UsageError } from './exit-codes.ts';

/** A bundle read from disk: relative path → content. */
export interface BundleOnDisk {
  readonly environment: string;
  readonly dir: string;
  readonly files: ReadonlyMap<string, string>;
}

/** Reads one bundle folder (the one holding `manifest.json`). */
export function readBundleDir(dir: string): BundleOnDisk {
  if (!existsSync(join(dir, 'manifest.json'))) throw new UsageError(`${dir} is not a ztp bundle (no manifest.json); run 'ztp compile' first`);
  const files = new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const environment = (JSON.parse(files.get('manifest.json') ?? '{}') as { environment?: string }).environment ?? dir;
  return { environment, dir, files };
}

/** The bundles under a folder: the folder itself if it is one, else each sub-folder that is. */
export function readBundlesDir(dir: string): BundleOnDisk[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
  if (existsSync(join(dir, 'manifest.json'))) return [readBundleDir(dir)];
  const subs = listFiles(dir)
    .filter((f) => f.endsWith('/manifest.json') && f.split('/').length === 2)
    .map((f) => join(dir, f.split('/')[0] ?? ''));
  if (subs.length === 0) throw new UsageError(`${dir} holds no ztp bundles (no <env>/manifest.json)`);
  return subs.map(readBundleDir);
}
