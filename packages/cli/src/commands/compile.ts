import { join, relative, resolve } from 'node:path';
import {
  compileEnvironments,
  diffBundle,
  discoverEnvironments,
  findRoot,
  isClean,
  loadEnvironment,
  loadGitOpsSettings,
  replaceProblem,
  writeTreeAtomically,
  type BundleDiff,
} from '@ztp/compiler';
import type { Environment } from '@ztp/model';
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { EXIT, OutputError, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { crdsDir } from '@ztp/crd-schema';

/** Options of `ztp compile`. */
export interface CompileOptions {
  readonly environments: readonly string[];
  readonly check: boolean;
  readonly json: boolean;
  readonly out: string | undefined;
  readonly root: string | undefined;
  /** Have a real kube-apiserver check every object before anything is written. @default false */
  readonly validate?: boolean;
}

export const COMPILE_HELP = `Usage: ztp compile [env...] [--check] [--out DIR] [--json] [--root DIR]

Compiles each environment (default: all under environments/) into dist/bundles/<env>/. Without
env arguments it also writes the Argo CD ApplicationSet over all of them to
dist/argocd/applicationset.yaml. Every bundle is computed in memory first; if any environment
fails, nothing is written. Each bundle folder is replaced atomically, never a folder holding files
ztp did not write there (a bundle has its manifest.json; the argocd folder only the ApplicationSet).
Every environment of the repository is loaded and checked against the chosen ones (shared
namespaces on one cluster).

  --check      write nothing; exit 1 if the bundles in --out differ from what would be written
  --out DIR    bundle folder (default: <root>/dist/bundles)
  --json       print the result as JSON
  --root DIR   the policy repository (default: found upwards from the current folder)
  --validate   before writing, have a real kube-apiserver check every object (as ztp validate);
               if it rejects any, print why and write nothing (exit 1)
`;

/** `ztp compile`: returns the exit code. */
export async function runCompile(o: CompileOptions, io: Io): Promise<number> {
  const root = o.root ? resolve(io.cwd, o.root) : findRoot(io.cwd);
  const out = o.out ? resolve(io.cwd, o.out) : join(root, 'dist', 'bundles');
  const argocdDir = join(out, '..', 'argocd');
  const sources = discoverEnvironments(root);
  if (sources.length === 0) throw new UsageError(`no environments found under ${join(root, 'environments')}`);
  const unknown = o.environments.filter((e) => !sources.some((s) => s.name === e));
  if (unknown.length > 0) throw new UsageError(`unknown environment ${unknown.join(', ')}; the repository has ${sources.map((s) => s.name).join(', ')}`);
  const all: Environment[] = [];
  for (const s of sources) all.push(await loadEnvironment(s));
  const chosen = o.environments.length === 0 ? all : all.filter((e) => o.environments.includes(e.name));
  const gitops = loadGitOpsSettings(root);
  const compiled = compileEnvironments(chosen, root, gitops, all);
  if (o.validate) {
    // loaded only when asked for: it brings the local control plane's code
    const { formatValidation, validateBundles } = await import('./validate.ts');
    const results = await validateBundles(compiled.bundles, crdsDir(), (line) => io.err(line));
    const text = formatValidation(results);
    if (results.some((r) => r.rejected.length > 0)) {
      io.err(`${text}the apiserver rejected objects; nothing was written`);
      return EXIT.failure;
    }
    io.err(text.trimEnd());
  }

  if (o.check) {
    const diffs: BundleDiff[] = compiled.bundles.map((b) => diffBundle(b, join(out, b.environment)));
    const appset = o.environments.length === 0 ? [diffBundle({ environment: 'argocd', files: new Map([['applicationset.yaml', compiled.applicationSet]]), objectFiles: ['applicationset.yaml'] }, argocdDir)] : [];
    const all = [...diffs, ...appset];
    const stale = all.filter((d) => !isClean(d));
    if (o.json) io.out(JSON.stringify({ ok: stale.length === 0, bundles: all }, null, 2));
    else if (stale.length === 0) io.out(`up to date: ${compiled.bundles.map((b) => b.environment).join(', ')}`);
    else {
      for (const d of stale) {
        io.err(`out of date: ${d.environment}`);
        for (const f of d.added) io.err(`  + ${f}`);
        for (const f of d.removed) io.err(`  - ${f}`);
        for (const f of d.changed) io.err(`  ~ ${f}`);
      }
      io.err(`run 'ztp compile' and commit the result`);
    }
    return stale.length === 0 ? EXIT.ok : EXIT.failure;
  }

  // Each write replaces a whole folder: never one holding what ztp did not write there (the
  // environments' own sources, another tool's folder), checked before anything is written.
  const inside = (dir: string, outer: string) => dir === outer || !relative(outer, dir).startsWith('..');
  if (o.environments.length === 0 && (inside(out, argocdDir) || inside(argocdDir, out))) {
    throw new UsageError(`--out ${out} and the ApplicationSet's folder ${argocdDir} (beside it) would overwrite each other; choose another --out`);
  }
  const isBundle = (names: readonly string[]) => names.includes('manifest.json');
  const problems = [
    ...compiled.bundles.map((b) => replaceProblem(join(out, b.environment), isBundle)),
    ...(o.environments.length === 0 ? [replaceProblem(argocdDir, (names) => names.every((n) => n === 'applicationset.yaml'))] : []),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new UsageError(`nothing was written: ${problems.join('; ')}; choose another --out, or move those files`);
  // each folder is replaced whole or not at all; if one fails, say which were written before it
  const written: string[] = [];
  const writes: { what: string; dir: string; files: ReadonlyMap<string, string> }[] = compiled.bundles.map((b) => ({ what: b.environment, dir: join(out, b.environment), files: b.files }));
  if (o.environments.length === 0) writes.push({ what: 'the ApplicationSet', dir: argocdDir, files: new Map([['applicationset.yaml', compiled.applicationSet]]) });
  for (const { what, dir, files } of writes) {
    try {
      writeTreeAtomically(dir, files);
    } catch (e) {
      const done = written.length > 0 ? `written before it: ${written.join(', ')}; the others are as they were` : 'nothing was written';
      throw new OutputError(`could not write ${what} to ${dir} (${e instanceof Error ? e.message : String(e)}); ${done}`);
    }
    written.push(what);
  }
  const summary = compiled.bundles.map((b) => ({
    environment: b.environment,
    out: join(out, b.environment),
    objects: b.objectFiles.length,
    files: b.files.size,
  }));
  const applicationSet = o.environments.length === 0 ? join(argocdDir, 'applicationset.yaml') : undefined;
  if (o.json) io.out(JSON.stringify({ ok: true, bundles: summary, applicationSet }, null, 2));
  else for (const s of summary) io.out(`compiled ${s.environment}: ${s.objects} objects -> ${s.out}`);
  return EXIT.ok;
}

/** The `compile` command. */
export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile environments into dist/bundles/<env>/ (--check, --out, --json, --validate)',
  help: COMPILE_HELP,
  run: async (args, io) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, out: { type: 'string' }, root: { type: 'string' }, validate: { type: 'boolean', default: false } },
    });
    return runCompile({ environments: positionals, check: values.check, json: values.json, out: values.out, root: values.root, validate: values.validate }, io);
  },
};
