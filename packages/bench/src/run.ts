/**
 * The benchmark driver behind `npm run bench`: every measurement in a child process (median of
 * several), peers skipped where their predicted time exceeds the limit (with the reason),
 * the machine's load recorded around every run, the admission proof and `nx affected` once.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { AdmissionFigures } from './admission.ts';
import type { Measurement, Task } from './measure.ts';
import { nxAffected } from './nx.ts';
import type { NxFigures } from './nx.ts';
import type { LocalClusterCost } from '@ztp/e2e';
import { shapeOf } from './generate.ts';
import { growthExponent, median } from './stats.ts';

/** Tasks measured at every size, in order. */
export const SIZE_TASKS = ['compile', 'cli', 'yaml', 'yamllib', 'ztp', 'netpolicy', 'cyclonus'] as const;
export type SizeTask = (typeof SIZE_TASKS)[number];

export interface BenchOptions {
  readonly root: string;
  /** Workload counts. @default [100, 1000, 5000] */
  readonly sizes?: readonly number[];
  /** Extra small sizes tried for cyclonus only (it is far slower). @default [10, 25] */
  readonly cyclonusSizes?: readonly number[];
  /** Runs per size (median taken). @default 5 up to 100 workloads, 3 up to 1,000, 1 above */
  readonly runs?: (n: number) => number;
  /** Most runs of a peer analyzer at one size; one run when a run is predicted to take over a third of the limit. @default 3 */
  readonly peerRuns?: number;
  /** Time limit of one peer run, in seconds: a size whose predicted time exceeds it is skipped. @default 300 */
  readonly limitSeconds?: number;
  readonly seed?: number;
  /** Tasks measured at the sizes. @default every one of SIZE_TASKS */
  readonly tasks?: readonly SizeTask[];
  /** Measure the admission proof (batched against one run per example). @default true */
  readonly admission?: boolean;
  /** Engines of the admission measurement. @default every engine but the excluded ones (see admission.ts) */
  readonly admissionEngines?: readonly string[];
  /** Bound of one engine's per-example runs, in seconds (beyond it, a sample is run and extrapolated). @default 120 */
  readonly admissionLimitSeconds?: number;
  /** Measure `nx affected`. @default true */
  readonly nx?: boolean;
  /** Measure the local cluster: start-up, memory, cost per real-packet probe (needs root and its components). @default true */
  readonly localCluster?: boolean;
  readonly log?: (line: string) => void;
}

/** Median figures of one task at one size. */
export interface Row {
  readonly task: SizeTask;
  readonly n: number;
  readonly runs: number;
  readonly milliseconds: number;
  /** Median CPU time (user + system) of the runs, ms. */
  readonly cpuMs?: number;
  /** Compile and the floors: median over the runs of each run's warm median (see Measurement.warmMs). */
  readonly warmMs?: number;
  readonly warmCpuMs?: number;
  /** Warm repetitions per run. */
  readonly repeats?: number;
  /** Compile: median over the runs of each run's back-to-back ratio to the YAML floor (see Measurement.floorRatio), and of those floor times. */
  readonly floorRatio?: number;
  readonly floorWarmMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly maxRssKb: number;
  readonly baselineRssKb?: number;
  readonly count?: number;
  readonly outcome?: string;
  readonly skipped?: string;
  /** Why fewer runs than asked. */
  readonly note?: string;
  /** For cyclonus: the questions asked (when counted). */
  readonly questions?: number;
  /** 1-minute load average when each run started: lowest and highest. */
  readonly load?: readonly [number, number];
}

/** Everything one benchmark run produced. */
export interface BenchResult {
  readonly rows: readonly Row[];
  readonly nx?: NxFigures;
  readonly admission?: AdmissionFigures;
  readonly localCluster?: LocalClusterCost;
  readonly problems: readonly string[];
  readonly started: string;
  readonly finished: string;
  /** 1, 5 and 15-minute load averages at the start and at the end. */
  readonly loadStart: readonly number[];
  readonly loadEnd: readonly number[];
  readonly limitSeconds: number;
  readonly seed: number;
}

const MEASURE = new URL('./measure.ts', import.meta.url).pathname;

async function child(task: Task, options: Record<string, unknown>, timeoutSeconds: number): Promise<Measurement> {
  const r = await execa(process.execPath, [MEASURE, task, JSON.stringify(options)], { reject: false, timeout: timeoutSeconds * 1000, maxBuffer: 100_000_000 });
  if (r.timedOut) throw new Error(`timed out after ${timeoutSeconds} s`);
  if (r.exitCode !== 0) throw new Error(`${task} failed (exit ${r.exitCode}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measurement;
}

export const defaultRuns = (n: number): number => (n <= 100 ? 5 : n <= 1000 ? 3 : 1);

/**
 * The predicted time of a peer at `n` from what it took at the sizes measured: in proportion to
 * the questions asked when both counts are known (cyclonus), else with the growth exponent
 * fitted over them, at least 2 (both peers are asked about every pair of pods), from the
 * largest size measured.
 */
export function predictSeconds(
  measured: readonly { n: number; ms: number; questions?: number }[],
  n: number,
  questions?: number,
): { seconds: number; exponent: number; from: number; byQuestions?: boolean } | undefined {
  if (measured.length === 0) return undefined;
  const last = measured.reduce((a, b) => (b.n > a.n ? b : a));
  // cyclonus: its time follows the number of questions, known in advance at small sizes
  if (questions !== undefined && last.questions !== undefined && last.questions > 0) {
    const seconds = (last.ms / 1000) * (questions / last.questions);
    return { seconds, exponent: Math.log(questions / last.questions) / Math.log(n / last.n), from: last.n, byQuestions: true };
  }
  const fitted = growthExponent(measured.map((m) => ({ x: m.n, y: m.ms })));
  const exponent = Math.max(2, fitted ?? 2);
  return { seconds: (last.ms / 1000) * (n / last.n) ** exponent, exponent, from: last.n };
}

/** Runs the whole benchmark. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const sizes = options.sizes ?? [100, 1000, 5000];
  const runsOf = options.runs ?? defaultRuns;
  const limit = options.limitSeconds ?? 300;
  const peerRuns = options.peerRuns ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const started = new Date().toISOString();
  const loadStart = loadavg();
  const rows: Row[] = [];
  const problems: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'ztp-bench-'));
  const measured = new Map<SizeTask, { n: number; ms: number; questions?: number }[]>();
  const skippedFrom = new Map<SizeTask, string>();
  const wanted = options.tasks ?? SIZE_TASKS;
  const allSizes = [...new Set([...(wanted.includes('cyclonus') ? (options.cyclonusSizes ?? [10, 25]) : []), ...sizes])].sort((a, b) => a - b);
  let admission: AdmissionFigures | undefined;
  let nx: NxFigures | undefined;
  let localCluster: LocalClusterCost | undefined;
  try {
    for (const n of allSizes) {
      const base = { root: options.root, workloads: n, seed, clusterFile: join(dir, `cluster-${n}.json`) };
      const tasks: SizeTask[] = sizes.includes(n) ? [...wanted] : ['cyclonus'];
      const runs = runsOf(n);
      log(`# ${n} workloads (${JSON.stringify(shapeOf(base))}), ${runs} run(s); load ${loadavg()[0]!.toFixed(2)}`);
      const questions = (await child('prepare', base, 3600)).questions;
      for (const task of tasks) {
        const peer = task === 'netpolicy' || task === 'cyclonus';
        const skip = (why: string) => {
          rows.push({ task, n, runs: 0, milliseconds: Number.NaN, maxRssKb: Number.NaN, skipped: why });
          log(`  ${task}: ${why}`);
        };
        const prior = skippedFrom.get(task);
        if (peer && prior !== undefined) {
          skip(`${prior} (at a smaller size)`);
          continue;
        }
        const prediction = peer ? predictSeconds(measured.get(task) ?? [], n, task === 'cyclonus' ? questions : undefined) : undefined;
        if (prediction !== undefined && prediction.seconds > limit) {
          const why = `skipped: ${prediction.seconds.toFixed(0)} s predicted (N^${prediction.exponent.toFixed(2)} from N = ${prediction.from}${prediction.byQuestions ? ', by the questions asked' : ''}) > ${limit} s limit`;
          skippedFrom.set(task, why);
          skip(why);
          continue;
        }
        let count = peer ? Math.min(runs, peerRuns) : runs;
        let note: string | undefined;
        if (prediction !== undefined && count > 1 && prediction.seconds * count > limit) {
          note = `1 run: ${prediction.seconds.toFixed(0)} s predicted per run, ${count} would exceed the ${limit} s limit`;
          count = 1;
        }
        const results: Measurement[] = [];
        const loads: number[] = [];
        try {
          for (let i = 0; i < count; i++) {
            loads.push(loadavg()[0]!);
            results.push(await child(task, base, peer ? limit : 3600));
          }
        } catch (error) {
          const why = `skipped: ${(error as Error).message.split('\n')[0]}`;
          if (peer) skippedFrom.set(task, why);
          problems.push(`${task} at ${n}: ${(error as Error).message.split('\n').slice(0, 8).join(' / ')}`);
          skip(why);
          continue;
        }
        const times = results.map((r) => r.milliseconds);
        const row: Row = {
          task,
          n,
          runs: results.length,
          milliseconds: median(times),
          ...(results.every((r) => r.cpuMs !== undefined && !Number.isNaN(r.cpuMs)) ? { cpuMs: median(results.map((r) => r.cpuMs!)) } : {}),
          ...(results.every((r) => r.warmMs !== undefined) ? { warmMs: median(results.map((r) => r.warmMs!)), warmCpuMs: median(results.map((r) => r.warmCpuMs!)), repeats: results[0]!.repeats! } : {}),
          ...(results.every((r) => r.floorRatio !== undefined) ? { floorRatio: median(results.map((r) => r.floorRatio!)), floorWarmMs: median(results.map((r) => r.floorWarmMs!)) } : {}),
          minMs: Math.min(...times),
          maxMs: Math.max(...times),
          maxRssKb: median(results.map((r) => r.maxRssKb)),
          ...(results[0]!.baselineRssKb !== undefined ? { baselineRssKb: median(results.map((r) => r.baselineRssKb!)) } : {}),
          ...(results[0]!.count !== undefined ? { count: results[0]!.count } : {}),
          ...(results[0]!.outcome !== undefined ? { outcome: [...new Set(results.map((r) => r.outcome))].join('/') } : {}),
          ...(note !== undefined ? { note } : {}),
          ...(task === 'cyclonus' && questions !== undefined ? { questions } : {}),
          load: [Math.min(...loads), Math.max(...loads)],
        };
        for (const r of results) problems.push(...(r.problems ?? []).map((p) => `${task} at ${n}: ${p}`));
        rows.push(row);
        measured.set(task, [...(measured.get(task) ?? []), { n, ms: row.milliseconds, ...(task === 'cyclonus' && questions !== undefined ? { questions } : {}) }]);
        log(`  ${task}: ${(row.milliseconds / 1000).toFixed(3)} s${row.warmMs !== undefined ? ` (warm ${(row.warmMs / 1000).toFixed(3)} s)` : ''}, ${(row.maxRssKb / 1024).toFixed(0)} MiB${row.outcome !== undefined ? `, ${row.outcome}` : ''}${row.count !== undefined ? `, count ${row.count}` : ''}`);
      }
    }
    if (options.admission !== false) {
      log(`# admission proof; load ${loadavg()[0]!.toFixed(2)}`);
      try {
        const m = await child('admission', { root: options.root, admission: { limitSeconds: options.admissionLimitSeconds ?? 120, ...(options.admissionEngines !== undefined ? { engines: options.admissionEngines } : {}) } }, 4 * 3600);
        admission = m.admission;
      } catch (error) {
        problems.push(`admission: ${(error as Error).message.split('\n').slice(0, 8).join(' / ')}`);
      }
    }
    if (options.nx !== false) {
      log(`# nx affected; load ${loadavg()[0]!.toFixed(2)}`);
      try {
        nx = await nxAffected(options.root);
      } catch (error) {
        problems.push(`nx affected: ${(error as Error).message.split('\n').slice(0, 8).join(' / ')}`);
      }
    }
    if (options.localCluster !== false) {
      log(`# local cluster; load ${loadavg()[0]!.toFixed(2)}`);
      try {
        const { dataplaneUnavailable } = await import('@ztp/local-cluster');
        const missing = await dataplaneUnavailable().catch((e: Error) => e.message);
        if (missing !== undefined) problems.push(`local cluster not measured: ${missing}`);
        else localCluster = await (await import('@ztp/e2e')).measureLocalCluster();
      } catch (error) {
        problems.push(`local cluster: ${(error as Error).message.split('\n').slice(0, 8).join(' / ')}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { rows, ...(nx !== undefined ? { nx } : {}), ...(admission !== undefined ? { admission } : {}), ...(localCluster !== undefined ? { localCluster } : {}), problems, started, finished: new Date().toISOString(), loadStart, loadEnd: loadavg(), limitSeconds: limit, seed };
}

/** A JSON file of a previous run (`--json`), read back. */
export async function readResult(path: string): Promise<BenchResult> {
  const result = JSON.parse(await readFile(path, 'utf8')) as BenchResult;
  // JSON writes NaN (a skipped row's time and memory) as null: read it back as NaN
  const nan = (v: number | null) => (v === null ? Number.NaN : v);
  return { ...result, rows: result.rows.map((r) => ({ ...r, milliseconds: nan(r.milliseconds), maxRssKb: nan(r.maxRssKb) })) };
}
