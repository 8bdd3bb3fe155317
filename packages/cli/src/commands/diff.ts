import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findRoot } from '@ztp/compiler';
import { readBundle, verifyBundle } from '@ztp/verify';
import { readBundlesDir, type BundleOnDisk } from '../bundles.ts';
import type { Command } from '../command.ts';
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

/** What one environment's change opens and closes. */
export interface EnvironmentDiff {
  readonly environment: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly opened: readonly string[];
  readonly closed: readonly string[];
  readonly flowsAdded: readonly string[];
  readonly flowsRemoved: readonly string[];
}

function allowedSet(files: ReadonlyMap<string, string>): Set<string> {
  return new Set(verifyBundle({ files }).checks.filter((c) => c.layer === 'all' && c.observed === 'allowed').map((c) => c.id));
}

function flowSet(files: ReadonlyMap<string, string>): Set<string> {
  const { manifest } = readBundle({ files });
  return new Set(
    manifest.intent.flows.map((f) => {
      const from = 'workload' in f.from ? f.from.workload : 'namespace' in f.from ? `namespace ${f.from.namespace}` : f.from.cidr;
      const http = f.http ? ` ${f.http.map((h) => `${(h.methods ?? ['*']).join('|')} ${(h.paths ?? ['*']).join('|')}`).join('; ')}` : '';
      return `${from} -> ${f.to}:${f.ports.map((p) => `${p.port}/${p.protocol}`).join(',')}${http}`;
    }),
  );
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

/** Compares two sets of bundles. */
export function diffBundles(base: readonly BundleOnDisk[], head: readonly BundleOnDisk[]): EnvironmentDiff[] {
  const names = [...new Set([...base.map((b) => b.environment), ...head.map((b) => b.environment)])].sort();
  return names.map((environment) => {
    const b = base.find((x) => x.environment === environment);
    const h = head.find((x) => x.environment === environment);
    const empty = new Set<string>();
    const ab = b ? allowedSet(b.files) : empty;
    const ah = h ? allowedSet(h.files) : empty;
    const fb = b ? flowSet(b.files) : empty;
    const fh = h ? flowSet(h.files) : empty;
    const opened = minus(ah, ab);
    const closed = minus(ab, ah);
    const flowsAdded = minus(fh, fb);
    const flowsRemoved = minus(fb, fh);
    const same = b && h && [...b.files].length === [...h.files].length && [...b.files].every(([k, v]) => h.files.get(k) === v);
    const status = !b ? 'added' : !h ? 'removed' : same ? 'unchanged' : 'changed';
    return { environment, status, opened, closed, flowsAdded, flowsRemoved };
  });
}

/** Text, JSON or markdown of a diff. */
export function formatDiff(d: readonly EnvironmentDiff[], format: 'txt' | 'json' | 'md'): string {
  if (format === 'json') return JSON.stringify(d, null, 2);
  const out: string[] = [];
  for (const e of d) {
    if (format === 'md') {
      out.push(`#### ${e.environment} (${e.status}): ${e.opened.length} opened, ${e.closed.length} closed`, '');
      for (const f of e.flowsAdded) out.push(`- flow added: \`${f}\``);
      for (const f of e.flowsRemoved) out.push(`- flow removed: \`${f}\``);
      for (const c of e.opened) out.push(`- opened: \`${c}\``);
      for (const c of e.closed) out.push(`- closed: \`${c}\``);
      out.push('');
    } else {
      out.push(`${e.environment}: ${e.status}, ${e.opened.length} opened, ${e.closed.length} closed`);
      for (const f of e.flowsAdded) out.push(`  + flow ${f}`);
      for (const f of e.flowsRemoved) out.push(`  - flow ${f}`);
      for (const c of e.opened) out.push(`  + ${c}`);
      for (const c of e.closed) out.push(`  - ${c}`);
    }
  }
  return out.join('\n');
}

/** The bundles of a side: a folder as it is, or a git ref compiled with its own ztp. */
function sideBundles(spec: string, io: Io, root: string | undefined, temps: string[]): BundleOnDisk[] {
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
  let root: string | undefined;
  try {
    root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  } catch {
    root = undefined;
  }
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
