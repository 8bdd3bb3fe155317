/**
 * The admission proof measured: ztp's batched proof (`proveModules`: one process per engine for
 * every example) next to running each engine once per example, on the same examples (the
 * admission modules of an example environment), and both next to the time the engine processes
 * themselves took. Engine processes are timed by a wrapper around each pinned binary (a scratch
 * tools directory whose `bin/<binary>` execs the real one and logs its wall time), so "engine
 * time" is the engines' own, and everything else is ztp's: emitting the forms, writing the batch,
 * resolving the tools, parsing the reports. Every example run alone must get the verdict it got
 * in the batch (`agree`).
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_TOOL, ENGINES, exampleCases, proveModules, runEachExample } from '@ztp/admission';
import type { AdmissionModule, EngineName, EngineRun, ExampleCase, VerdictMatrix } from '@ztp/admission';
import { getTool, resolveTool, stampFile, toolHome } from '@ztp/tools';
import { median } from './stats.ts';

/** Engines left out unless asked for, with the reason printed. */
export const ADMISSION_EXCLUDED: Readonly<Record<string, string>> = {
  apiserver: 'starts a kube-apiserver and etcd per run; not a per-example CLI engine (ask for it with --admission-engines)',
};

/** What to measure. */
export interface AdmissionOptions {
  readonly root: string;
  /** The environment whose admission modules are proved. @default 'production' */
  readonly environment?: string;
  /** @default every engine but those in ADMISSION_EXCLUDED */
  readonly engines?: readonly string[];
  /** Bound of one engine's per-example runs, in seconds. @default 300 */
  readonly limitSeconds?: number;
  /** Run each engine once per example too. @default true */
  readonly perExample?: boolean;
  /** Runs of the batched proofs (medians). @default 3 */
  readonly batchedRuns?: number;
}

/** One engine's figures. */
export interface AdmissionEngineFigures {
  readonly engine: string;
  /** `runEngine` wall time inside the batched proof (ms). */
  readonly batchedMs: number;
  /** Wall time of the engine's own processes in the batched proof (ms), and how many. */
  readonly batchedEngineMs: number;
  readonly batchedProcesses: number;
  /** One run per example: total wall time (ms), engine processes' time, examples run. */
  readonly perExampleMs?: number;
  readonly perExampleEngineMs?: number;
  readonly perExampleRuns?: number;
  /** When only a sample of the examples was run per example: the totals above are extrapolated to every example. */
  readonly extrapolatedFrom?: number;
  /** Every example run alone got the verdict it got in the batch. */
  readonly agree?: boolean;
  readonly disagreements?: readonly string[];
  readonly skipped?: string;
}

/** The whole measurement. */
export interface AdmissionFigures {
  readonly environment: string;
  readonly modules: readonly string[];
  readonly examples: number;
  /** Runs of each batched figure (medians); the per-example runs are made once. */
  readonly runs: number;
  /** `proveModules` wall time (ms) for all engines measured, and the engines' own time in it. */
  readonly proofMs: number;
  readonly proofEngineMs: number;
  /** Of ztp's share: the tool version probes (`resolveTool` runs each binary once per engine run to check its version). */
  readonly proofProbeMs: number;
  readonly engines: readonly AdmissionEngineFigures[];
  readonly excluded: readonly { readonly engine: string; readonly reason: string }[];
  readonly proofFailures: number;
  /** The first failures of the last batched proof, as the proof words them. */
  readonly proofFailureTexts: readonly string[];
}

interface Invocation {
  readonly tool: string;
  readonly ns: number;
  readonly probe: boolean;
}

/** A scratch tools directory with timing wrappers around the real binaries of `tools`. */
async function wrapTools(tools: readonly string[], dir: string): Promise<{ env: string; log: string }> {
  const env = join(dir, 'tools');
  const log = join(dir, 'invocations.log');
  await writeFile(log, '');
  for (const name of new Set(tools)) {
    const tool = getTool(name);
    const real = await resolveTool(name);
    const home = toolHome(tool, { ZTP_TOOLS_DIR: env });
    await mkdir(join(home, 'bin'), { recursive: true });
    await copyFile(stampFile(tool), stampFile(tool, { ZTP_TOOLS_DIR: env }));
    const probe = tool.check.kind === 'command' ? tool.check.args.join(' ') : '';
    const wrapper = join(home, 'bin', tool.binary);
    await writeFile(
      wrapper,
      `#!/bin/sh\ns=$(date +%s%N)\n'${real}' "$@"\nrc=$?\ne=$(date +%s%N)\nif [ "$*" = '${probe}' ]; then p=1; else p=0; fi\necho "${name} $((e - s)) $p" >> '${log}'\nexit $rc\n`,
    );
    await chmod(wrapper, 0o755);
  }
  return { env, log };
}

async function readInvocations(log: string): Promise<Invocation[]> {
  const text = await readFile(log, 'utf8');
  await writeFile(log, '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [tool, ns, probe] = l.split(' ');
      return { tool: tool!, ns: Number(ns), probe: probe === '1' };
    });
}

const engineMs = (inv: readonly Invocation[]) => inv.filter((i) => !i.probe).reduce((s, i) => s + i.ns, 0) / 1e6;
/** Time of the version probes `resolveTool` runs (part of ztp's overhead). */
const probeMs = (inv: readonly Invocation[]) => inv.filter((i) => i.probe).reduce((s, i) => s + i.ns, 0) / 1e6;

/** What an engine said on one case in a run over a batch containing it. */
function outcomeOf(run: EngineRun, c: ExampleCase): string {
  if (run.status !== 'ran') return run.status;
  if (!run.report.rules.includes(c.ruleKey)) return 'not-run';
  const findings = run.report.findings.filter((f) => f.case === c.id && f.rule === c.ruleKey);
  if (findings.some((f) => f.outcome === 'error')) return 'error';
  return findings.length > 0 ? 'deny' : 'allow';
}

function matrixOutcome(matrix: VerdictMatrix, engine: EngineName, c: ExampleCase): string {
  return matrix.cells.find((cell) => cell.engine === engine && cell.rule === c.ruleKey && cell.example === c.example.name)?.actual ?? 'missing';
}

/**
 * Measures the batched proof and the per-example runs of the environment's admission modules.
 * `limitSeconds` bounds the per-example runs of one engine: when running every example would
 * exceed it (predicted from the first three), an evenly spaced sample is run and the totals
 * are extrapolated (and said so).
 */
export async function measureAdmission(options: AdmissionOptions): Promise<AdmissionFigures> {
  const environment = options.environment ?? 'production';
  const env = (await import(join(options.root, 'environments', environment, 'src', 'environment.ts'))).default as { admission: readonly AdmissionModule[] };
  const modules = env.admission;
  const cases = exampleCases(modules);
  const wanted = (options.engines ?? ENGINES.filter((e) => ADMISSION_EXCLUDED[e] === undefined)) as EngineName[];
  const excluded = ENGINES.filter((e) => !wanted.includes(e)).map((e) => ({ engine: e, reason: ADMISSION_EXCLUDED[e] ?? 'not asked for (--admission-engines)' }));
  const limitMs = (options.limitSeconds ?? 300) * 1000;
  const dir = await mkdtemp(join(tmpdir(), 'ztp-bench-admission-'));
  const previous = process.env['ZTP_TOOLS_DIR'];
  try {
    const { env: toolsDir, log } = await wrapTools(wanted.map((e) => ENGINE_TOOL[e]), dir);
    process.env['ZTP_TOOLS_DIR'] = toolsDir;

    // the batched proof of every engine (median of `batchedRuns`)
    const engines: AdmissionEngineFigures[] = [];
    const runs = Math.max(1, options.batchedRuns ?? 3);
    let matrix: VerdictMatrix | undefined;
    const proofs: { ms: number; engineMs: number; probeMs: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      matrix = await proveModules(modules, { engines: wanted });
      const ms = performance.now() - started;
      const inv = await readInvocations(log);
      proofs.push({ ms, engineMs: engineMs(inv), probeMs: probeMs(inv) });
    }
    // each engine's batched proof on its own (three engines share the kyverno binary), median of `batchedRuns`
    const batched = new Map<string, { ms: number; processes: number; engineMs: number }>();
    for (const engine of wanted) {
      const samples: { ms: number; processes: number; engineMs: number }[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await proveModules(modules, { engines: [engine] });
        const ms = performance.now() - t0;
        const inv = await readInvocations(log);
        samples.push({ ms, processes: inv.filter((x) => !x.probe).length, engineMs: engineMs(inv) });
      }
      batched.set(engine, { ms: median(samples.map((x) => x.ms)), processes: samples[0]!.processes, engineMs: median(samples.map((x) => x.engineMs)) });
    }
    if (matrix === undefined) throw new Error('no proof ran');

    for (const engine of wanted) {
      const b = batched.get(engine)!;
      const base = { engine, batchedMs: b.ms, batchedEngineMs: b.engineMs, batchedProcesses: b.processes };
      const status = matrix.engines.find((e) => e.engine === engine);
      if (status?.status !== 'ran') {
        engines.push({ ...base, skipped: `${status?.status ?? 'missing'}: ${status?.reason ?? ''}` });
        continue;
      }
      if (options.perExample === false) {
        engines.push(base);
        continue;
      }
      // first three examples alone, to predict the rest
      const firstRuns: EngineRun[] = [];
      const t0 = performance.now();
      for (const c of cases.slice(0, 3)) firstRuns.push(...(await runEachExample(engine, modules, {}, [c.id])));
      const firstMs = performance.now() - t0;
      const predicted = (firstMs / Math.min(3, cases.length)) * cases.length;
      const step = predicted > limitMs ? Math.ceil(predicted / limitMs) : 1;
      const rest = cases.slice(3).filter((_, i) => (i + 3) % step === 0);
      const t1 = performance.now();
      const restRuns = rest.length > 0 ? await runEachExample(engine, modules, {}, rest.map((c) => c.id)) : [];
      const totalMs = firstMs + (performance.now() - t1);
      const inv = await readInvocations(log);
      const ran = [...cases.slice(0, 3), ...rest];
      const runs = [...firstRuns, ...restRuns];
      const disagreements: string[] = [];
      ran.forEach((c, i) => {
        const alone = outcomeOf(runs[i]!, c);
        const inBatch = matrixOutcome(matrix, engine, c);
        if (alone !== inBatch) disagreements.push(`${c.ruleKey} ${c.example.name}: alone ${alone}, in the batch ${inBatch}`);
      });
      const scale = cases.length / ran.length;
      engines.push({
        ...base,
        perExampleMs: totalMs * scale,
        perExampleEngineMs: engineMs(inv) * scale,
        perExampleRuns: ran.length,
        ...(ran.length < cases.length ? { extrapolatedFrom: ran.length } : {}),
        agree: disagreements.length === 0,
        disagreements: disagreements.slice(0, 5),
      });
    }
    return {
      environment,
      modules: modules.map((m) => m.id),
      examples: cases.length,
      runs,
      proofMs: median(proofs.map((p) => p.ms)),
      proofEngineMs: median(proofs.map((p) => p.engineMs)),
      proofProbeMs: median(proofs.map((p) => p.probeMs)),
      engines,
      excluded,
      proofFailures: matrix.failures.length,
      proofFailureTexts: matrix.failures.slice(0, 5).map((f) => f.text.slice(0, 300)),
    };
  } finally {
    if (previous === undefined) delete process.env['ZTP_TOOLS_DIR'];
    else process.env['ZTP_TOOLS_DIR'] = previous;
    await rm(dir, { recursive: true, force: true });
  }
}
