/**
 * One measurement, in a process of its own (so that its peak memory is its own):
 * `node packages/bench/src/measure.ts <task> <json options>`; prints one JSON line.
 * Inputs are prepared before the clock starts; only the operation itself is timed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile, chmod, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { canonical, compileEnvironment, emitEnvironment, toYaml, withArgoAnnotations } from '@ztp/compiler';
import { bundleCluster, caseFromCluster, crossCheckCyclonus, crossCheckNetpolAnalyzer, planQueries, TrafficTable } from '@ztp/analyzers';
import type { ClusterSpec, CrossCheckRun } from '@ztp/analyzers';
import { buildResources, connlist } from '@ztp/reachability';
import { resolveTool } from '@ztp/tools';
import { measureAdmission } from './admission.ts';
import type { AdmissionFigures, AdmissionOptions } from './admission.ts';
import { generateEnvironment } from './generate.ts';
import type { GenerateOptions } from './generate.ts';
import { median, parseTimeVerbose } from './stats.ts';

/** What a measurement reports. */
export interface Measurement {
  readonly milliseconds: number;
  /** CPU time (user + system) of the work, in ms: less sensitive than wall time to other processes on the machine. */
  readonly cpuMs?: number;
  /** Peak resident set size of the process that did the work (KiB). */
  readonly maxRssKb: number;
  /** Peak RSS before the timed operation started (inputs ready), for in-process measurements (KiB). */
  readonly baselineRssKb?: number;
  /** Count of what was produced (objects serialised, connections listed, allowances compared). */
  readonly count?: number;
  /** For the analyzers: the cross-check verdict. */
  readonly outcome?: string;
  readonly problems?: readonly string[];
  /** For `prepare`: the questions cyclonus would be asked (counted up to 300 workloads). */
  readonly questions?: number;
  /** For `admission`: the whole measurement. */
  readonly admission?: AdmissionFigures;
  /**
   * Compile and the floors: the median of `repeats` more runs of the same work in the same
   * process, after the first (`milliseconds` is the first: a fresh process, as `ztp compile`
   * runs). Its code compiled by then, each pays only for its work.
   */
  readonly warmMs?: number;
  readonly warmCpuMs?: number;
  readonly repeats?: number;
  /**
   * Compile only: the median, over the warm runs, of the run's compile time divided by the time
   * of serialising its objects with the YAML floor right after it (on objects emitted afresh,
   * outside the clock). Measured back to back, both see the same machine: on a shared host, whose
   * speed drifts over seconds, this ratio moves much less than the ratio of separate medians.
   */
  readonly floorRatio?: number;
  /** Compile only: the median time of those back-to-back floor runs. */
  readonly floorWarmMs?: number;
}

export type Task = 'compile' | 'cli' | 'yaml' | 'yamllib' | 'prepare' | 'ztp' | 'netpolicy' | 'cyclonus' | 'admission';

export interface TaskOptions extends GenerateOptions {
  readonly root: string;
  /** The cluster JSON `prepare` writes and the analysis tasks read. */
  readonly clusterFile?: string;
  /** For `admission` (see AdmissionOptions). */
  readonly admission?: Omit<AdmissionOptions, 'root'>;
  /** Compile and the floors: runs in the same process after the first. @default 5 up to 1,000 workloads, 3 above */
  readonly repeats?: number;
}

/** A second measurement run right after each warm run of the first (see Measurement.floorRatio). */
interface Paired<U> {
  readonly prepare: () => U;
  readonly work: (input: U) => number;
}

/**
 * Times `work` once (cold), then `repeats` more times (each after its `prepare`, outside the
 * clock); medians of the repeats. With `paired`, each warm run is followed by one run of the
 * paired work, and the median of the runs' ratios is reported.
 */
function coldAndWarm<T, U = never>(prepare: () => T, work: (input: T) => number, repeats: number, paired?: Paired<U>): Measurement {
  const baselineInput = prepare();
  const baselineRssKb = rssKb();
  const run = (input: T) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const count = work(input);
    return { ms: performance.now() - started, cpuMs: cpuSince(cpu), count };
  };
  const first = run(baselineInput);
  // the peak of the first run (the repeats' inputs and garbage would only add to it)
  const maxRssKb = rssKb();
  const warm: ReturnType<typeof run>[] = [];
  const ratios: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const w = run(prepare());
    warm.push(w);
    if (paired === undefined) continue;
    const input = paired.prepare();
    const started = performance.now();
    paired.work(input);
    const ms = performance.now() - started;
    floors.push(ms);
    ratios.push(w.ms / ms);
  }
  return {
    milliseconds: first.ms,
    cpuMs: first.cpuMs,
    maxRssKb,
    baselineRssKb,
    count: first.count,
    ...(repeats > 0 ? { warmMs: median(warm.map((w) => w.ms)), warmCpuMs: median(warm.map((w) => w.cpuMs)), repeats } : {}),
    ...(ratios.length > 0 ? { floorRatio: median(ratios), floorWarmMs: median(floors) } : {}),
  };
}

/** The YAML floor: serialise the objects with `toYaml`, the compiler's canonical writer. */
function serialiseFloor(os: readonly unknown[]): number {
  let bytes = 0;
  for (const o of os) bytes += toYaml(o).length;
  if (bytes === 0) throw new Error('nothing serialised');
  return os.length;
}

/** The objects compile serialises (emitted, sync waves annotated), keys in the order emitted. */
function emittedObjects(options: TaskOptions): unknown[] {
  return emitEnvironment(generateEnvironment(options), options.root).objects.map((e) => withArgoAnnotations(e.object));
}

const rssKb = () => process.resourceUsage().maxRSS;
const cpuSince = (start: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};

/**
 * `ztp compile` as a user runs it, end to end: a fresh `node` process loads the CLI and an
 * environment file that builds the environment with the model's builders (the generator's code),
 * compiles it and writes the bundle (3,800 files at 1,000 workloads). The first run starts with an
 * empty V8 compile cache, as after an install; warm is the median of `repeats` more runs with the
 * cache filled, as every later run. Wall time around the process; CPU and peak RSS from
 * `/usr/bin/time -v`.
 */
async function compileCli(options: TaskOptions, repeats: number): Promise<Measurement> {
  const root = resolve(options.root);
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time is required at /usr/bin/time (apt-get install time)');
  const dir = await mkdtemp(join(tmpdir(), 'ztp-bench-cli-'));
  try {
    const generate: GenerateOptions = { workloads: options.workloads, flows: options.flows, namespaces: options.namespaces, seed: options.seed, name: options.name ?? 'bench' };
    const source = join(dir, 'environments', generate.name!, 'src');
    await mkdir(source, { recursive: true });
    for (const f of ['nx.json', 'ztp.config.json']) await copyFile(join(root, f), join(dir, f));
    const generator = pathToFileURL(join(root, 'packages', 'bench', 'src', 'generate.ts')).href;
    await writeFile(join(source, 'environment.ts'), `import { generateEnvironment } from '${generator}';\n\nexport default generateEnvironment(${JSON.stringify(generate)});\n`);
    const timeFile = join(dir, 'time.txt');
    const run = async (): Promise<Measurement> => {
      const started = performance.now();
      const r = await execa('/usr/bin/time', ['-v', '-o', timeFile, process.execPath, join(root, 'packages', 'cli', 'src', 'bin.ts'), 'compile', '--json', '--root', dir], {
        reject: false,
        env: { NODE_COMPILE_CACHE: join(dir, 'compile-cache') },
      });
      const milliseconds = performance.now() - started;
      if (r.exitCode !== 0) throw new Error(`ztp compile failed (exit ${r.exitCode}): ${r.stderr.slice(-2000)}`);
      const time = parseTimeVerbose(await readFile(timeFile, 'utf8'));
      if (time === undefined) throw new Error('ztp compile: no /usr/bin/time report');
      const summary = JSON.parse(r.stdout) as { bundles: { objects: number }[] };
      return { milliseconds, cpuMs: time.cpuMs, maxRssKb: time.maxRssKb, count: summary.bundles[0]!.objects };
    };
    const first = await run();
    const warm: Measurement[] = [];
    for (let i = 0; i < repeats; i++) warm.push(await run());
    return {
      ...first,
      ...(repeats > 0 ? { warmMs: median(warm.map((w) => w.milliseconds)), warmCpuMs: median(warm.map((w) => w.cpuMs!)), repeats } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadCluster(options: TaskOptions): Promise<ClusterSpec> {
  if (options.clusterFile === undefined) throw new Error('clusterFile is required');
  return JSON.parse(await readFile(options.clusterFile, 'utf8')) as ClusterSpec;
}

/** Runs an analyzer through `/usr/bin/time -v` (a wrapper script given as its binary). */
async function peer(tool: 'netpolicy' | 'cyclonus', options: TaskOptions): Promise<Measurement> {
  const c = caseFromCluster('bench', await loadCluster(options));
  const dir = await mkdtemp(join(tmpdir(), 'ztp-bench-'));
  try {
    const real = await resolveTool(tool);
    const timeFile = join(dir, 'time.txt');
    const wrapper = join(dir, tool);
    await writeFile(wrapper, `#!/bin/sh\nexec /usr/bin/time -v -o '${timeFile}' '${real}' "$@"\n`);
    await chmod(wrapper, 0o755);
    const run: CrossCheckRun =
      tool === 'netpolicy' ? await crossCheckNetpolAnalyzer([c], { netpolAnalyzer: { binary: wrapper } }) : await crossCheckCyclonus([c], { cyclonus: { binary: wrapper } });
    const time = parseTimeVerbose(await readFile(timeFile, 'utf8').catch(() => ''));
    if (time === undefined) throw new Error(`${tool}: no /usr/bin/time report`);
    const verdict = run.verdicts[0]!;
    return { milliseconds: time.milliseconds, cpuMs: time.cpuMs, maxRssKb: time.maxRssKb, count: verdict.allowances, outcome: run.processes > 1 ? `${verdict.outcome} (${run.processes} processes)` : verdict.outcome, problems: verdict.problems.slice(0, 3).map((p) => p.slice(0, 2000)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measure(task: Task, options: TaskOptions): Promise<Measurement> {
  const repeats = options.repeats ?? ((options.workloads ?? 0) <= 1000 ? 5 : 3);
  switch (task) {
    case 'compile': {
      // each run compiles a freshly generated environment (generated outside the clock), and
      // is followed by the YAML floor on freshly emitted objects (see Measurement.floorRatio)
      return coldAndWarm(() => generateEnvironment(options), (env) => compileEnvironment(env, options.root).files.size, repeats, {
        prepare: () => emittedObjects(options),
        work: serialiseFloor,
      });
    }
    case 'cli':
      return compileCli(options, repeats);
    case 'yaml': {
      // the floor: the objects compile serialises, as it has them (emitted, not yet ordered), freshly
      // emitted for every run as compile's are (serialising the same objects again would find their
      // strings already flattened and hashed by the run before)
      return coldAndWarm(() => emittedObjects(options), serialiseFloor, repeats);
    }
    case 'yamllib': {
      // the same objects through the yaml package's Document model, with the options toYaml had
      // before it wrote YAML itself (the floor of a generic serialiser); ordered outside the clock
      return coldAndWarm(
        () => emittedObjects(options).map((o) => canonical(o)),
        (os) => {
          let bytes = 0;
          for (const o of os) bytes += stringify(o, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false }).length;
          if (bytes === 0) throw new Error('nothing serialised');
          return os.length;
        },
        repeats,
      );
    }
    case 'prepare': {
      if (options.clusterFile === undefined) throw new Error('clusterFile is required');
      const started = performance.now();
      const bundle = compileEnvironment(generateEnvironment(options), options.root);
      const cluster = bundleCluster(bundle.files);
      await writeFile(options.clusterFile, JSON.stringify(cluster));
      const milliseconds = performance.now() - started;
      // the questions cyclonus would be asked (its time follows them), where counting them is cheap
      let questions: number | undefined;
      if (cluster.workloads.length <= 300) {
        const table = new TrafficTable();
        planQueries(cluster, table);
        questions = table.traffics.length;
      }
      return { milliseconds, maxRssKb: rssKb(), count: cluster.workloads.length, ...(questions !== undefined ? { questions } : {}) };
    }
    case 'ztp': {
      const c = caseFromCluster('bench', await loadCluster(options));
      const objects = c.objects;
      const baselineRssKb = rssKb();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const entries = connlist(buildResources(objects));
      const milliseconds = performance.now() - started;
      return { milliseconds, cpuMs: cpuSince(cpu), maxRssKb: rssKb(), baselineRssKb, count: entries.length };
    }
    case 'netpolicy':
    case 'cyclonus':
      return peer(task, options);
    case 'admission': {
      const started = performance.now();
      const admission = await measureAdmission({ root: options.root, ...options.admission });
      return { milliseconds: performance.now() - started, maxRssKb: rssKb(), count: admission.examples, admission };
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const task = process.argv[2] as Task;
  const options = JSON.parse(process.argv[3] ?? '{}') as TaskOptions;
  const result = await measure(task, options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
