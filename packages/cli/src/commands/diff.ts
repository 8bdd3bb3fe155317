import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diffBundles, formatDiff } from '@ztp/verify';
import { readBundlesDir, type BundleOnDisk } from '../bundles.ts';
import type { Command } from '../command.ts';
import { rootOrUndefined } from '../environments.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';

export const DIFF_HELP = `Usage: ztp diff <base> <head> [-o txt|json|md] [--root DIR]

Which connections a change opens and closes, per environment. <base> and <head> are each a folder
of bundles (dist/bundles, or one bundle folder) or a git ref of the policy repository, which is
compiled with that ref's own ztp. Connections are compared end to end (NetworkPolicy or Cilium,
Cilium L7, Istio) over the verifier's probe set: every declared workload port and an undeclared
one, from every workload, an undeclared pod per namespace, callers in other namespaces and
outside the cluster, and the declared HTTP requests. Declared flows added and removed are listed
too.
`;

/** The bundles of a side: a folder as it is, or a git ref compiled with its own ztp. */
export function sideBundles(spec: string, io: Io, root: string | undefined, temps: string[]): BundleOnDisk[] {
  const asPath = resolve(io.cwd, spec);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return readBundlesDir(asPath);
  if (root === undefined) throw new UsageError(`${spec} is neither a folder nor a git ref of a ztp repository`);
  try {
    execFileSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', `${spec}^{commit}`], { stdio: 'pipe' });
  } catch {
    throw new UsageError(`${spec} is neither a folder nor a git ref in ${root}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ztp-diff-'));
  temps.push(dir);
  execFileSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', root, spec, dir], { stdio: 'pipe' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const cli = join(dir, 'packages', 'cli', 'src', 'bin.ts');
  if (!existsSync(cli)) throw new UsageError(`${spec} has no ztp CLI to compile it with`);
  try {
    execFileSync(process.execPath, [cli, 'compile', '--out', join(dir, 'dist', 'bundles')], { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new UsageError(`${spec} does not compile:\n${stderr.trim()}`);
  }
  return readBundlesDir(join(dir, 'dist', 'bundles'));
}

export async function runDiff(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { output: { type: 'string', short: 'o', default: 'txt' }, root: { type: 'string' } } });
  if (positionals.length !== 2) throw new UsageError('ztp diff takes exactly two arguments: <base> <head>');
  const format = values.output;
  if (format !== 'txt' && format !== 'json' && format !== 'md') throw new UsageError(`-o must be txt, json or md, not '${format}'`);
  const root = rootOrUndefined(io.cwd, values.root);
  const temps: string[] = [];
  try {
    const base = sideBundles(positionals[0] as string, io, root, temps);
    const head = sideBundles(positionals[1] as string, io, root, temps);
    io.out(formatDiff(diffBundles(base, head), format));
    return EXIT.ok;
  } finally {
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  }
}

export const diffCommand: Command = { name: 'diff', summary: 'which connections a change opens and closes (<base> <head>: ref or folder)', help: DIFF_HELP, run: runDiff };
