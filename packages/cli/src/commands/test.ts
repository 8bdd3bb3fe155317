import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exampleGaps, proveModules, proveShipped, renderJUnit, type AdmissionModule, type VerdictMatrix } from '@ztp/admission';
import { layersForPhase } from '@ztp/model';
import { BundleReadError, shippedAdmission } from '@ztp/verify';
import { integrityProblems, selectBundles } from '../bundles.ts';
import type { Command } from '../command.ts';
import { loadAllEnvironments } from '../environments.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';

export const TEST_HELP = `Usage: ztp test [env|module...] [--dir DIR] [--json] [--junit FILE] [--root DIR]

Runs every example of every admission rule through every engine, each engine once per proof with
all policies and examples: Kyverno (ValidatingPolicy, legacy ClusterPolicy, and the native
ValidatingAdmissionPolicy through the Kyverno CLI), Gatekeeper (gator), conftest, opa and
kyverno-json. Prints the verdict matrix (rule x example x engine) and fails on any example whose
verdict or message differs from the one the rule promises, and on any disagreement between engines,
naming the engines and the object. Arguments pick environments (their admission modules) or module
ids; the default is every module of every environment, proven per environment.

  --dir DIR     prove what the bundles in DIR ship instead (DIR/<env>/ or one bundle folder): each
                environment's admission objects and scan files, as written there, through the
                engine of each form it ships and the scan engines, every example of its modules
                with its promised verdict; its actions and namespace scope as the environment says;
                and the bundle whole (every file manifest.json lists, with its sha256)

A missing engine is a failure under CI and a "not run, because..." line elsewhere; when no engine
runs at all, nothing is proven and the exit code is 2. A rule missing from an engine's form, a form
that audits instead of enforcing, and examples that leave a violation clause or a pod-bearing kind
without a deny example resting on it, fail the proof.
`;

interface Proof {
  readonly label: string;
  readonly modules: readonly AdmissionModule[];
}

function cellMark(actual: string, expected: string): string {
  if (actual === 'not-run') return '-';
  if (actual === 'error') return 'E';
  return actual === expected ? 'ok' : 'X';
}

function renderMatrix(label: string, m: VerdictMatrix): string {
  const engines = m.engines.map((e) => e.engine);
  const rows = new Map<string, Map<string, string>>();
  const expected = new Map<string, string>();
  for (const c of m.cells) {
    const key = `${c.rule} ${c.example}`;
    expected.set(key, c.expected);
    if (!rows.has(key)) rows.set(key, new Map());
    rows.get(key)!.set(c.engine, cellMark(c.actual, c.expected));
  }
  const width = Math.max(20, ...[...rows.keys()].map((k) => k.length));
  const out = [`${label}: ${rows.size} examples x ${engines.length} engines`, `${'rule example'.padEnd(width)}  expect  ${engines.map((e) => e.padEnd(14)).join('')}`];
  for (const [key, cells] of rows) out.push(`${key.padEnd(width)}  ${(expected.get(key) ?? '').padEnd(6)}  ${engines.map((e) => (cells.get(e) ?? '-').padEnd(14)).join('')}`);
  for (const e of m.engines) if (e.status !== 'ran') out.push(`  ${e.engine}: ${e.status === 'failed' ? 'FAILED' : 'not run'}${e.reason ? `, because ${e.reason.replace(/^not run, because /, '')}` : ''}`);
  for (const f of m.failures) out.push(`FAIL ${f.text}`);
  return out.join('\n');
}

export async function runTest(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { dir: { type: 'string' }, json: { type: 'boolean', default: false }, junit: { type: 'string' }, root: { type: 'string' } } });
  const { all } = await loadAllEnvironments(io.cwd, values.root);
  const results: { label: string; matrix: VerdictMatrix }[] = [];
  if (values.dir !== undefined) {
    // what a bundle on disk ships, proven as it is there
    const unknown = positionals.filter((p) => !all.some((e) => e.name === p));
    if (unknown.length > 0) throw new UsageError(`--dir proves environments' bundles: unknown environment ${unknown.join(', ')}; environments: ${all.map((e) => e.name).join(', ')}`);
    const bundles = await selectBundles(io.cwd, positionals, { dir: values.dir, root: values.root });
    for (const b of bundles) {
      const env = all.find((e) => e.name === b.environment);
      if (env === undefined) throw new UsageError(`${values.dir} holds a bundle of ${b.environment}, which is no environment of this repository`);
      let shipped: ReturnType<typeof shippedAdmission>;
      try {
        shipped = shippedAdmission(b);
      } catch (e) {
        if (!(e instanceof BundleReadError)) throw e;
        results.push({ label: `environment ${env.name} as shipped`, matrix: { cells: [], engines: [], failures: [{ kind: 'engine', engines: [], text: `the bundle cannot be read: ${e.message}` }] } });
        continue;
      }
      // the environment (its phase and modules) says what must ship, not the bundle's own manifest
      if (env.admission.length === 0 || !layersForPhase(env.phase).has('admission')) {
        // nothing to prove; and nothing may be shipped
        if (shipped.objects.length > 0 || shipped.layer) results.push({ label: `environment ${env.name} as shipped`, matrix: { cells: [], engines: [], failures: [{ kind: 'coverage', engines: [], text: `the bundle ships an admission layer (${shipped.objects.length} objects), but ${env.admission.length === 0 ? 'the environment has no admission modules' : `phase ${env.phase} has no admission layer`}: nothing proves it` }] } });
        continue;
      }
      const settings = { environment: env.name, enforcement: env.enforcement, namespaces: env.namespaces.map((n) => n.name), forms: env.admissionForms };
      const matrix = await proveShipped(env.admission, shipped, settings);
      const integrity = integrityProblems(b).map((text) => ({ kind: 'engine' as const, engines: [], text: `bundle integrity: ${text}` }));
      results.push({ label: `environment ${env.name} as shipped`, matrix: { ...matrix, failures: [...integrity, ...matrix.failures] } });
    }
    if (results.length === 0) throw new UsageError(`no admission to prove: no bundle in ${values.dir} ships any`);
    return finish(results, values, io);
  }
  const proofs: Proof[] = [];
  const unknown: string[] = [];
  const picks = positionals.length === 0 ? all.map((e) => e.name) : positionals;
  for (const pick of picks) {
    const env = all.find((e) => e.name === pick);
    if (env) {
      if (env.admission.length > 0) proofs.push({ label: `environment ${env.name}`, modules: env.admission });
      continue;
    }
    const matches = all.flatMap((e) => e.admission.filter((m) => m.id === pick).map((m) => ({ env: e.name, m })));
    if (matches.length === 0) unknown.push(pick);
    for (const { env, m } of matches) proofs.push({ label: `${m.id} (environment ${env})`, modules: [m] });
  }
  if (unknown.length > 0) {
    const ids = [...new Set(all.flatMap((e) => e.admission.map((m) => m.id)))].sort();
    throw new UsageError(`unknown environment or admission module ${unknown.join(', ')}; environments: ${all.map((e) => e.name).join(', ')}; modules: ${ids.join(', ')}`);
  }
  if (proofs.length === 0) throw new UsageError('no admission modules to prove: no chosen environment lists any');
  for (const p of proofs) {
    const matrix = await proveModules(p.modules);
    // what the examples leave unproven: a form could get it wrong with every verdict as promised
    const gaps = exampleGaps(p.modules);
    results.push({ label: p.label, matrix: gaps.length === 0 ? matrix : { ...matrix, failures: [...matrix.failures, ...gaps.map((text) => ({ kind: 'coverage' as const, engines: [], text }))] } });
  }
  return finish(results, values, io);
}

/** Prints the proofs, writes the JUnit report, and gives the exit code. */
function finish(results: readonly { label: string; matrix: VerdictMatrix }[], values: { json?: boolean | undefined; junit?: string | undefined }, io: Io): number {
  if (values.json) io.out(JSON.stringify(results, null, 2));
  else io.out(results.map((r) => renderMatrix(r.label, r.matrix)).join('\n\n'));
  if (values.junit !== undefined) {
    const xml = results.map((r) => renderJUnit(r.matrix, `ztp test: ${r.label}`));
    writeFileSync(resolve(io.cwd, values.junit), xml.length === 1 ? (xml[0] as string) : combineJUnit(xml));
  }
  const failed = results.filter((r) => r.matrix.failures.length > 0);
  // a proof no engine ran proved nothing: that is not a pass
  const unproven = results.filter((r) => !r.matrix.engines.some((e) => e.status === 'ran'));
  const ran = (r: (typeof results)[number]) => `${r.matrix.engines.filter((e) => e.status === 'ran').length} of ${r.matrix.engines.length} engines ran`;
  if (!values.json) {
    if (failed.length > 0) io.out(`admission proof FAILED: ${failed.map((r) => `${r.label} (${ran(r)})`).join(', ')}`);
    else if (unproven.length > 0) io.out(`admission proof NOT RUN: no engine ran for ${unproven.map((r) => r.label).join(', ')}; install them (node scripts/src/install-tools.ts)`);
    else io.out(`admission proof: every example as promised on every engine that ran (${results.map((r) => `${r.label}: ${ran(r)}`).join('; ')})`);
  }
  if (failed.length > 0) return EXIT.failure;
  return unproven.length > 0 ? EXIT.input : EXIT.ok;
}

/** Several JUnit documents as one: their suites under one <testsuites>. */
function combineJUnit(docs: readonly string[]): string {
  const suites = docs.flatMap((d) => [...d.matchAll(/<testsuite[\s>][\s\S]*?<\/testsuite>/g)].map((m) => m[0]));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ztp test">\n${suites.join('\n')}\n</testsuites>\n`;
}

export const testCommand: Command = { name: 'test', summary: 'prove every admission rule on every engine (verdict matrix, --json, --junit)', help: TEST_HELP, run: runTest };
