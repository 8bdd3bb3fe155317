/**
 * The example bundles: every environment of the repository compiled in memory with
 * @ztp/compiler (the same bytes `ztp compile` writes to dist/bundles/<env>/, without depending on
 * a possibly stale dist folder), or a bundle folder read from disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileEnvironment, discoverEnvironments, loadEnvironment } from '@ztp/compiler';
import { caseFromCluster } from '../case.ts';
import type { CrossCheckCase } from '../case.ts';
import { repositoryRoot } from './location.ts';
import { bundleCluster } from './synthesize.ts';

/** A bundle: its environment and its files by path. */
export interface BundleFiles {
  readonly environment: string;
  readonly files: ReadonlyMap<string, string>;
}

/** Compiles every environment under `root`/environments in memory. */
export async function compileExampleBundles(root: string = repositoryRoot()): Promise<BundleFiles[]> {
  const bundles: BundleFiles[] = [];
  for (const source of discoverEnvironments(root)) {
    const bundle = compileEnvironment(await loadEnvironment(source), root);
    bundles.push({ environment: bundle.environment, files: bundle.files });
  }
  return bundles;
}

/** Reads a bundle folder (e.g. dist/bundles/<env>) from disk. */
export function readBundleFolder(dir: string, environment: string): BundleFiles {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return { environment, files };
}

/** A bundle with its synthesized workloads as a cross-check case, named `bundle/<env>`. */
export function bundleCase(bundle: BundleFiles): CrossCheckCase {
  return caseFromCluster(`bundle/${bundle.environment}`, bundleCluster(bundle.files));
}
