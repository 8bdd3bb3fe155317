/**
 * `npm run bench`: the ztp benchmarks (packages/bench). Options:
 *   --sizes=100,1000,5000   workload counts
 *   --cyclonus-sizes=10,25  extra small sizes for cyclonus only
 *   --runs=N or N1,N2,...   runs per size, or per size of --sizes in order (default 5 up to 100 workloads, 3 up to 1,000, 1 above; the default also for the cyclonus-only sizes)
 *   --peer-runs=3           most runs of a peer analyzer at one size
 *   --tasks=compile,cli,yaml,yamllib,ztp,netpolicy,cyclonus  what to measure at each size (default all)
 *   --admission-engines=kyverno,opa,...  engines of the admission measurement (default: all but apiserver)
 *   --admission-limit=120   seconds of one engine's per-example runs; beyond, an evenly spaced sample is run and extrapolated
 *   --no-admission          skip the admission proof measurement
 *   --no-nx                 skip the nx affected measurement
 *   --no-local-cluster      skip the local cluster measurement (start-up, per-probe cost)
 *   --limit=300             seconds one peer run may take before its size is skipped
 *   --seed=1
 *   --json=FILE             also write the raw figures as JSON
 *   --svg=FILE              also write the chart of time against N as SVG
 *   --from=FILE             no measuring: report the figures of an earlier --json file
 * Progress goes to stderr, the Markdown report to stdout.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartSeries, defaultRuns, readResult, report, runBench, svgChart } from '../../packages/bench/src/index.ts';
import type { SizeTask } from '../../packages/bench/src/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').filter((x) => x !== '').map(Number));
const runs = arg('runs');
const sizes = list(arg('sizes'));
const cyclonusSizes = list(arg('cyclonus-sizes'));
const from = arg('from');
const result =
  from !== undefined
    ? await readResult(from)
    : await runBench({
        root,
        limitSeconds: Number(arg('limit') ?? 300),
        seed: Number(arg('seed') ?? 1),
        ...(sizes !== undefined ? { sizes } : {}),
        ...(cyclonusSizes !== undefined ? { cyclonusSizes } : {}),
        runs: runs === undefined ? defaultRuns : (n: number) => { const r = list(runs)!; return r.length === 1 || sizes === undefined ? r[0]! : (r[sizes.indexOf(n)] ?? defaultRuns(n)); },
        ...(arg('peer-runs') !== undefined ? { peerRuns: Number(arg('peer-runs')) } : {}),
        ...(arg('tasks') !== undefined ? { tasks: arg('tasks')!.split(',') as SizeTask[] } : {}),
        ...(arg('admission-limit') !== undefined ? { admissionLimitSeconds: Number(arg('admission-limit')) } : {}),
        ...(arg('admission-engines') !== undefined ? { admissionEngines: arg('admission-engines')!.split(',') } : {}),
        admission: !process.argv.includes('--no-admission'),
        nx: !process.argv.includes('--no-nx'),
        localCluster: !process.argv.includes('--no-local-cluster'),
      });
if (arg('json') !== undefined) await writeFile(resolve(arg('json')!), `${JSON.stringify(result, null, 2)}\n`);
if (arg('svg') !== undefined) await writeFile(resolve(arg('svg')!), svgChart(chartSeries(result.rows), 'ztp and the peer analyzers: median time against workloads'));
process.stdout.write(`${await report(result, { root })}\n`);
