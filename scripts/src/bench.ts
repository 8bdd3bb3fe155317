/**
 * `npm run bench`: the ztp benchmarks (packages/bench). Options:
 *   --sizes=100,1000,5000   workload counts
 *   --cyclonus-sizes=10,25  extra small sizes for cyclonus only
 *   --runs=N or N1,N2,...   runs per size, or per size of --sizes in order (default 5 up to 100 workloads, 3 up to 1,000, 1 above)
 *   --tasks=compile,yaml,ztp,netpolicy,cyclonus  what to measure (default all)
 *   --no-nx                 skip the nx affected measurement
 *   --limit=300             seconds one peer run may take before its size is skipped
 *   --seed=1
 * Progress goes to stderr, the Markdown report to stdout.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRuns, report, runBench } from '../../packages/bench/src/index.ts';
import type { Task } from '../../packages/bench/src/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').filter((x) => x !== '').map(Number));
const runs = arg('runs');
const limitSeconds = Number(arg('limit') ?? 300);
const sizes = list(arg('sizes'));
const cyclonusSizes = list(arg('cyclonus-sizes'));
const result = await runBench({
  root,
  limitSeconds,
  seed: Number(arg('seed') ?? 1),
  ...(sizes !== undefined ? { sizes } : {}),
  ...(cyclonusSizes !== undefined ? { cyclonusSizes } : {}),
  runs: runs === undefined ? defaultRuns : (n: number) => { const r = list(runs)!; return r.length === 1 || sizes === undefined ? r[0]! : (r[sizes.indexOf(n)] ?? 1); },
  ...(arg('tasks') !== undefined ? { tasks: arg('tasks')!.split(',') as Task[] } : {}),
  nx: !process.argv.includes('--no-nx'),
});
process.stdout.write(`${await report(result, { limitSeconds, root })}\n`);
