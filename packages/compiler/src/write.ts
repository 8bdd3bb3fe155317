import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Bundle } from './bundle.ts';

/** Every file under `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** How a bundle on disk differs from the compiled one. */
export interface BundleDiff {
  readonly environment: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** Compares the compiled bundle with what is in `dir`. */
export function diffBundle(bundle: Bundle, dir: string): BundleDiff {
  const onDisk = new Set(listFiles(dir));
  const added: string[] = [];
  const changed: string[] = [];
  for (const [file, text] of bundle.files) {
    if (!onDisk.has(file)) added.push(file);
    else if (readFileSync(join(dir, file), 'utf8') !== text) changed.push(file);
    onDisk.delete(file);
  }
  return { environment: bundle.environment, added, removed: [...onDisk], changed };
}

/** Whether a diff is empty. */
export function isClean(d: BundleDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length === 0;
}

/**
 * Replaces `target` with exactly `files`, atomically: everything is written to a sibling temporary
 * folder first, then swapped in with renames. If writing fails, `target` is left as it was.
 */
export function writeTreeAtomically(target: string, files: ReadonlyMap<string, string>): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.ztp-tmp-${tag}`);
  const old = join(parent, `.ztp-old-${tag}`);
  try {
    for (const [file, text] of files) {
      const p = join(tmp, file);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    if (files.size === 0) mkdirSync(tmp, { recursive: true });
    const hadTarget = existsSync(target) && statSync(target).isDirectory();
    if (hadTarget) renameSync(target, old);
    try {
      renameSync(tmp, target);
    } catch (e) {
      if (hadTarget) renameSync(old, target);
      throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** Writes each bundle to `<outDir>/<environment>`, each atomically. */
export function writeBundles(outDir: string, bundles: readonly Bundle[]): void {
  for (const b of bundles) writeTreeAtomically(join(outDir, b.environment), b.files);
}
