import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileEnvironments, listFiles, loadGitOpsSettings } from '@ztp/compiler';
import { checkIntegrity } from '@ztp/verify/integrity';
import { loadAllEnvironments } from './environments.ts';
import { UsageError } from './exit-codes.ts';

/** A bundle read from disk: relative path → content. */
export interface BundleOnDisk {
  readonly environment: string;
  readonly dir: string;
  readonly files: ReadonlyMap<string, string>;
  /** The same files as read, byte for byte (to check them against `manifest.json`). */
  readonly bytes: ReadonlyMap<string, Uint8Array>;
}

/** Reads one bundle folder (the one holding `manifest.json`). */
export function readBundleDir(dir: string): BundleOnDisk {
  if (!existsSync(join(dir, 'manifest.json'))) throw new UsageError(`${dir} is not a ztp bundle (no manifest.json); run 'ztp compile' first`);
  const bytes = new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f))] as const));
  const files = new Map([...bytes].map(([f, b]) => [f, b.toString('utf8')] as const));
  let environment: string;
  try {
    environment = (JSON.parse(files.get('manifest.json') ?? '{}') as { environment?: string }).environment ?? dir;
  } catch (e) {
    throw new UsageError(`${join(dir, 'manifest.json')} is not JSON (${(e as Error).message}); compile the bundle again`);
  }
  return { environment, dir, files, bytes };
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

/**
 * The bundles a command works on: with `dir`, the bundles written there (of `names`, or all);
 * else `names` (or every environment) compiled from source, in memory. Unknown names are a
 * usage error that lists the known ones.
 */
export async function selectBundles(
  cwd: string,
  names: readonly string[],
  options: { dir?: string | undefined; root?: string | undefined } = {},
): Promise<{ environment: string; files: ReadonlyMap<string, string>; bytes?: ReadonlyMap<string, Uint8Array> }[]> {
  if (options.dir !== undefined) {
    const bundles = readBundlesDir(resolve(cwd, options.dir)).filter((b) => names.length === 0 || names.includes(b.environment));
    const missing = names.filter((e) => !bundles.some((b) => b.environment === e));
    if (missing.length > 0) throw new UsageError(`no bundle for ${missing.join(', ')} in ${options.dir}`);
    return bundles;
  }
  const { root, all } = await loadAllEnvironments(cwd, options.root);
  const unknown = names.filter((e) => !all.some((s) => s.name === e));
  if (unknown.length > 0) throw new UsageError(`unknown environment ${unknown.join(', ')}; the repository has ${all.map((s) => s.name).join(', ')}`);
  const chosen = names.length === 0 ? all : all.filter((e) => names.includes(e.name));
  return [...compileEnvironments(chosen, root, loadGitOpsSettings(root), all).bundles];
}

/**
 * Why a bundle read from disk is not whole (every file listed in `manifest.json` with its sha256,
 * the compiler's kustomization), or nothing: what a command checks there is then not all that
 * Argo CD would apply. Bundles compiled in memory are whole by construction.
 */
export function integrityProblems(bundle: { environment: string; bytes?: ReadonlyMap<string, Uint8Array> | undefined }): string[] {
  return bundle.bytes === undefined ? [] : checkIntegrity(bundle.environment, bundle.bytes);
}
