/**
 * The benchmark driver behind `npm run bench`: every measurement in a child process (median of
 * several), peers skipped where the extrapolated time exceeds the limit, growth exponents fitted
 * over the measured sizes, an ASCII chart, and a Markdown report on stdout.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Measurement, Task } from './measure.ts';
import { shapeOf } from './generate.ts';
import { growthExponent, median } from './stats.ts';

export interface BenchOptions {
  readonly root: string;
  /** Workload counts. @default [100, 1000, 5000] */
  readonly sizes?: readonly number[];
  /** Extra small sizes tried for cyclonus only (it is far slower). @default [10, 25] */
  readonly cyclonusSizes?: readonly number[];
  /** Runs per size (median taken). @default 5 up to 100 workloads, 3 up to 1,000, 1 above */
  readonly runs?: (n: number) => number;
  /** Time limit of one peer run, in seconds: a size whose extrapolated time exceeds it is skipped. @default 300 */
  readonly limitSeconds?: number;
  readonly seed?: number;
  /** Measure `nx show projects --affected`. @default true */
  readonly nx?: boolean;
  /** Tasks measured at the main sizes. @default all */
  readonly tasks?: readonly Task[];
  readonly log?: (line: string) => void;
}

/** Median figures of one task at one size. */
export interface Row {
  readonly task: Task;
  readonly n: number;
  readonly runs: number;
  readonly milliseconds: number;
  readonly maxRssKb: number;
  readonly baselineRssKb?: number;
  readonly count?: number;
  readonly outcome?: string;
  readonly skipped?: string;
}

const MEASURE = new URL('./measure.ts', import.meta.url).pathname;

async function child(task: Task, options: Record<string, unknown>, timeoutSeconds: number): Promise<Measurement> {
  const r = await execa(process.execPath, [MEASURE, task, JSON.stringify(options)], { reject: false, timeout: timeoutSeconds * 1000, maxBuffer: 100_000_000 });
  if (r.timedOut) throw new Error(`timed out after ${timeoutSeconds} s`);
  if (r.exitCode !== 0) throw new Error(`${task} failed (exit ${r.exitCode}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measurement;
}

export const defaultRuns = (n: number): number => (n <= 100 ? 5 : n <= 1000 ? 3 : 1);

/** Runs the whole benchmark and returns the rows. */
export async function runBench(options: BenchOptions): Promise<{ rows: Row[]; nx: NxFigures | undefined; problems: string[] }> {
  const sizes = options.sizes ?? [100, 1000, 5000];
  const runsOf = options.runs ?? defaultRuns;
  const limit = options.limitSeconds ?? 300;
  const seed = options.seed ?? 1;
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const rows: Row[] = [];
  const problems: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'ztp-bench-'));
  const last = new Map<Task, { n: number; ms: number }>();
  const skippedFrom = new Map<Task, string>();
  const allSizes = [...new Set([...(options.cyclonusSizes ?? [10, 25]), ...sizes])].sort((a, b) => a - b);
  try {
    for (const n of allSizes) {
      const base = { root: options.root, workloads: n, seed, clusterFile: join(dir, `cluster-${n}.json`) };
      const main = sizes.includes(n);
      const runs = runsOf(n);
      const wanted = options.tasks ?? ['compile', 'yaml', 'ztp', 'netpolicy', 'cyclonus'];
      const tasks: Task[] = main ? [...wanted] : wanted.includes('cyclonus') ? ['cyclonus'] : [];
      if (tasks.length === 0) continue;
      log(`# ${n} workloads (${JSON.stringify(shapeOf(base))}), ${runs} run(s)`);
      await child('prepare', base, 3600);
      for (const task of tasks) {
        const peer = task === 'netpolicy' || task === 'cyclonus';
        const prior = skippedFrom.get(task);
        const previous = last.get(task);
        const predicted = previous !== undefined ? (previous.ms / 1000) * (n / previous.n) ** 2 : 0;
        if (peer && prior !== undefined) {
          rows.push({ task, n, runs: 0, milliseconds: Number.NaN, maxRssKb: Number.NaN, skipped: prior });
          continue;
        }
        if (peer && predicted > limit) {
          const why = `skipped: ${predicted.toFixed(0)} s predicted (quadratic from ${previous!.n}) > ${limit} s limit`;
          skippedFrom.set(task, why);
          rows.push({ task, n, runs: 0, milliseconds: Number.NaN, maxRssKb: Number.NaN, skipped: why });
          log(`  ${task}: ${why}`);
          continue;
        }
        const results: Measurement[] = [];
        try {
          for (let i = 0; i < (peer ? Math.min(runs, 3) : runs); i++) results.push(await child(task, base, peer ? limit : 3600));
        } catch (error) {
          const why = `skipped: ${(error as Error).message.split('\n')[0]}`;
          if (peer) skippedFrom.set(task, why);
          rows.push({ task, n, runs: 0, milliseconds: Number.NaN, maxRssKb: Number.NaN, skipped: why });
          log(`  ${task}: ${why}`);
          continue;
        }
        const row: Row = {
          task,
          n,
          runs: results.length,
          milliseconds: median(results.map((r) => r.milliseconds)),
          maxRssKb: median(results.map((r) => r.maxRssKb)),
          ...(results[0]!.baselineRssKb !== undefined ? { baselineRssKb: median(results.map((r) => r.baselineRssKb!)) } : {}),
          ...(results[0]!.count !== undefined ? { count: results[0]!.count } : {}),
          ...(results[0]!.outcome !== undefined ? { outcome: [...new Set(results.map((r) => r.outcome))].join('/') } : {}),
        };
        for (const r of results) problems.push(...(r.problems ?? []).map((p) => `${task} at ${n}: ${p}`));
        rows.push(row);
        last.set(task, { n, ms: row.milliseconds });
        log(`  ${task}: ${(row.milliseconds / 1000).toFixed(3)} s, ${(row.maxRssKb / 1024).toFixed(0)} MiB${row.outcome !== undefined ? `, ${row.outcome}` : ''}${row.count !== undefined ? `, count ${row.count}` : ''}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  let nx: NxFigures | undefined;
  if (options.nx !== false) try {
    nx = await nxAffected(options.root);
  } catch (error) {
    problems.push(`nx affected: ${(error as Error).message}`);
  }
  return { rows, nx, problems };
}

/** `nx show projects --affected` after an edit of one environment, on the real repository. */
export interface NxFigures {
  readonly file: string;
  readonly environments: number;
  readonly projects: readonly string[];
  readonly tasks: number;
  readonly warmMilliseconds: number;
  readonly runs: number;
}

export async function nxAffected(root: string, runs = 3): Promise<NxFigures> {
  const file = 'environments/production/src/environment.ts';
  const nxBin = join(root, 'node_modules/.bin/nx');
  const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  const show = (extra: string[]) => execa(nxBin, ['show', 'projects', '--affected', `--files=${file}`, ...extra], { cwd: root, env, reject: true });
  const projects = (await show([])).stdout.split('\n').filter((l) => l.trim() !== '');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await show([]);
    times.push(performance.now() - started);
  }
  let tasks = 0;
  for (const target of ['typecheck', 'test']) tasks += (await show([`--withTarget=${target}`])).stdout.split('\n').filter((l) => l.trim() !== '').length;
  const environments = (await execa('ls', ['environments'], { cwd: root })).stdout.split('\n').filter((l) => l !== '').length;
  return { file, environments, projects, tasks, warmMilliseconds: median(times), runs };
}

const LABEL: Record<Task, string> = { compile: 'ztp compile', yaml: 'YAML floor', prepare: 'prepare', ztp: 'ztp analysis', netpolicy: 'netpol-analyzer', cyclonus: 'cyclonus' };

function fmtMs(ms: number): string {
  return Number.isNaN(ms) ? '-' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function fmtMb(kb: number | undefined): string {
  return kb === undefined || Number.isNaN(kb) ? '-' : `${(kb / 1024).toFixed(0)} MiB`;
}

/** A log-log ASCII chart of time against N, one letter per series. */
export function asciiChart(rows: readonly Row[], tasks: readonly Task[]): string {
  const points = rows.filter((r) => tasks.includes(r.task) && !Number.isNaN(r.milliseconds) && r.milliseconds > 0);
  if (points.length === 0) return '(no data)';
  const width = 60;
  const height = 16;
  const lx = points.map((p) => Math.log10(p.n));
  const ly = points.map((p) => Math.log10(p.milliseconds));
  const [x0, x1] = [Math.min(...lx), Math.max(...lx)];
  const [y0, y1] = [Math.floor(Math.min(...ly)), Math.ceil(Math.max(...ly))];
  const grid = Array.from({ length: height + 1 }, () => Array.from({ length: width + 1 }, () => ' '));
  const mark = (t: Task) => 'CYZNK'[['compile', 'yaml', 'ztp', 'netpolicy', 'cyclonus'].indexOf(t)] ?? '?';
  points.forEach((p, i) => {
    const x = x1 === x0 ? 0 : Math.round(((lx[i]! - x0) / (x1 - x0)) * width);
    const y = height - Math.round(((ly[i]! - y0) / Math.max(1e-9, y1 - y0)) * height);
    grid[y]![x] = grid[y]![x] === ' ' ? mark(p.task) : '*';
  });
  const lines = grid.map((row, i) => {
    const value = y1 - ((y1 - y0) * i) / height;
    const label = Number.isInteger(Math.round(value * 1000) / 1000) ? fmtMs(10 ** value).padStart(9) : ''.padStart(9);
    return `${label} |${row.join('')}`;
  });
  const ns = [...new Set(points.map((p) => p.n))].sort((a, b) => a - b);
  const axis = Array.from({ length: width + 1 }, () => ' ');
  for (const n of ns) {
    const x = x1 === x0 ? 0 : Math.round(((Math.log10(n) - x0) / (x1 - x0)) * width);
    const s = String(n);
    const start = Math.max(0, Math.min(width - s.length + 1, x));
    for (let k = 0; k < s.length; k++) axis[start + k] = s[k]!;
  }
  const legend = tasks.map((t) => `${mark(t)} ${LABEL[t]}`).join(', ');
  return [...lines, `${''.padStart(9)} +${'-'.repeat(width + 1)}`, `${''.padStart(11)}${axis.join('')}  (workloads, log scale; time log scale)`, `${''.padStart(11)}${legend}; * overlap`].join('\n');
}

/** The Markdown report. */
export async function report(result: Awaited<ReturnType<typeof runBench>>, options: { readonly limitSeconds: number; readonly root: string }): Promise<string> {
  const { rows, nx, problems } = result;
  const get = (task: Task, n: number) => rows.find((r) => r.task === task && r.n === n);
  const version = async (cmd: string, args: string[]) => (await execa(cmd, args, { reject: false, cwd: options.root })).stdout.split('\n')[0] ?? '?';
  const lines: string[] = [];
  lines.push(`Machine: ${cpus()[0]?.model ?? '?'} x ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average at the end ${(await version('cat', ['/proc/loadavg'])).split(' ').slice(0, 3).join(' ')}; Node ${process.version}; ztp ${await version('git', ['rev-parse', '--short', 'HEAD'])}; netpol-analyzer v1.4.4, cyclonus v0.5.6 (pinned by @ztp/tools); ${new Date().toISOString()}.`);
  lines.push('');
  lines.push('| N | task | runs | median time | peak RSS (process) | RSS before op | ratio | count | agreement |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of [...rows].sort((a, b) => a.n - b.n)) {
    let ratio = '';
    if (r.task === 'compile') {
      const floor = get('yaml', r.n);
      if (floor !== undefined && !Number.isNaN(floor.milliseconds)) ratio = `${(r.milliseconds / floor.milliseconds).toFixed(2)}x YAML floor`;
    }
    if (r.task === 'netpolicy' || r.task === 'cyclonus') {
      const z = get('ztp', r.n);
      if (z !== undefined && !Number.isNaN(r.milliseconds)) ratio = `${(r.milliseconds / z.milliseconds).toFixed(1)}x ztp`;
    }
    lines.push(`| ${r.n} | ${LABEL[r.task]} | ${r.runs} | ${r.skipped ?? fmtMs(r.milliseconds)} | ${fmtMb(r.maxRssKb)} | ${fmtMb(r.baselineRssKb)} | ${ratio} | ${r.count ?? ''} | ${r.outcome ?? ''} |`);
  }
  lines.push('');
  lines.push('Growth exponents (time ~ N^k, least squares on log-log over the sizes measured):');
  lines.push('');
  for (const task of ['compile', 'yaml', 'ztp', 'netpolicy', 'cyclonus'] as const) {
    const pts = rows.filter((r) => r.task === task && !Number.isNaN(r.milliseconds));
    const k = growthExponent(pts.map((r) => ({ x: r.n, y: r.milliseconds })));
    const kc = task === 'ztp' ? growthExponent(pts.filter((r) => r.count !== undefined).map((r) => ({ x: r.count!, y: r.milliseconds }))) : undefined;
    lines.push(`- ${LABEL[task]}: ${k === undefined ? 'n/a (fewer than two sizes)' : `k = ${k.toFixed(2)}`} over N = ${pts.map((r) => r.n).join(', ') || '-'}${kc !== undefined ? `; against allowed connections listed: k = ${kc.toFixed(2)}` : ''}`);
  }
  lines.push('');
  lines.push('```');
  lines.push(asciiChart(rows, ['compile', 'yaml', 'ztp', 'netpolicy', 'cyclonus']));
  lines.push('```');
  lines.push('');
  if (nx !== undefined) {
    lines.push(`nx affected (real repository, ${nx.environments} environments, NX_DAEMON=false, warm cache): \`nx show projects --affected --files=${nx.file}\` -> ${nx.projects.length} projects (${nx.projects.join(', ')}), ${nx.tasks} typecheck/test tasks; median ${fmtMs(nx.warmMilliseconds)} over ${nx.runs} runs.`);
    lines.push('');
  }
  lines.push(`Peers are skipped where one run would exceed ${options.limitSeconds} s (extrapolated quadratically from the previous size, or timed out).`);
  if (problems.length > 0) {
    lines.push('');
    lines.push('Problems:');
    for (const p of problems) lines.push(`- ${p.split('\n').slice(0, 6).join(' / ')}`);
  }
  return lines.join('\n');
}
