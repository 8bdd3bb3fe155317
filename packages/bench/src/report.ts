/**
 * The Markdown report of a benchmark run: machine and versions, the figures per size, growth
 * exponents, the chart, agreement, the admission proof, nx affected, and the issue's targets
 * judged from the figures.
 */
import { cpus, totalmem } from 'node:os';
import { execa } from 'execa';
import { getTool } from '@ztp/tools';
import type { AdmissionFigures } from './admission.ts';
import { asciiChart } from './chart.ts';
import type { Series } from './chart.ts';
import { SIZE_TASKS } from './run.ts';
import type { BenchResult, Row, SizeTask } from './run.ts';
import { growthExponent } from './stats.ts';

export const LABEL: Record<SizeTask, string> = { compile: 'ztp compile', cli: 'ztp compile (CLI, end to end)', yaml: 'YAML floor', yamllib: 'YAML floor (yaml package)', ztp: 'ztp analysis', netpolicy: 'netpol-analyzer', cyclonus: 'cyclonus' };
const MARK: Record<SizeTask, string> = { compile: 'C', cli: 'X', yaml: 'Y', yamllib: 'L', ztp: 'Z', netpolicy: 'N', cyclonus: 'K' };

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '-';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function fmtMb(kb: number | undefined): string {
  return kb === undefined || Number.isNaN(kb) ? '-' : `${(kb / 1024).toFixed(0)} MiB`;
}

/** The chart's series: time against N for each task measured. */
export function chartSeries(rows: readonly Row[]): Series[] {
  return SIZE_TASKS
    .map((task) => ({ label: LABEL[task], mark: MARK[task], points: rows.filter((r) => r.task === task && !Number.isNaN(r.milliseconds)).map((r) => ({ n: r.n, ms: r.milliseconds })) }))
    .filter((s) => s.points.length > 0);
}

const get = (rows: readonly Row[], task: SizeTask, n: number) => rows.find((r) => r.task === task && r.n === n && !Number.isNaN(r.milliseconds));

/** Exponents of time ~ N^k: over every size measured, and between consecutive sizes. */
function growthLines(rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const task of SIZE_TASKS) {
    const pts = rows.filter((r) => r.task === task && !Number.isNaN(r.milliseconds)).sort((a, b) => a.n - b.n);
    if (pts.length === 0) continue;
    const k = growthExponent(pts.map((r) => ({ x: r.n, y: r.milliseconds })));
    const steps = pts.slice(1).map((r, i) => `${pts[i]!.n} -> ${r.n}: ${growthExponent([{ x: pts[i]!.n, y: pts[i]!.milliseconds }, { x: r.n, y: r.milliseconds }])!.toFixed(2)}`);
    let line = `- ${LABEL[task]}: ${k === undefined ? 'n/a (one size)' : `k = ${k.toFixed(2)}`} over N = ${pts.map((r) => r.n).join(', ')}${steps.length > 1 ? ` (${steps.join('; ')})` : ''}`;
    if (task === 'ztp') {
      const kc = growthExponent(pts.filter((r) => r.count !== undefined).map((r) => ({ x: r.count!, y: r.milliseconds })));
      if (kc !== undefined) line += `; against the allowed connections listed (${pts.map((r) => r.count).join(', ')}): k = ${kc.toFixed(2)}`;
    }
    out.push(line);
  }
  return out;
}

function admissionLines(a: AdmissionFigures): string[] {
  const out: string[] = [];
  out.push(`Admission modules of environment \`${a.environment}\` (${a.modules.join(', ')}): ${a.examples} examples. Batched figures are medians of ${a.runs} runs; the per-example runs are made once. "Engine time" is the wall time of the engine processes themselves (a timing wrapper around each pinned binary); the rest is ztp's (emitting the forms, writing the batch, resolving the tools, reading the reports).`);
  out.push('');
  out.push(`Whole batched proof (\`proveModules\`, ${a.engines.length} engines): **${fmtMs(a.proofMs)}**, of which engine processes ${fmtMs(a.proofEngineMs)}: **${(a.proofMs / a.proofEngineMs).toFixed(2)}x** the engines' own evaluation time; of ztp's ${fmtMs(a.proofMs - a.proofEngineMs)}, ${fmtMs(a.proofProbeMs)} are the tool version probes (\`resolveTool\` starts every binary once more to check its version); ${a.proofFailures} proof failures.`);
  if (a.proofFailures > 0) out.push('', `The proof's failures (first ${Math.min(5, a.proofFailures)}): ${(a.proofFailureTexts ?? []).join(' / ')}`);
  out.push('');
  out.push('| engine | batched (1 process per batch) | its engine time | batched / engine | one run per example | its engine time | per example / batched | same verdicts alone as in the batch |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const e of a.engines) {
    if (e.skipped !== undefined) {
      out.push(`| ${e.engine} | ${fmtMs(e.batchedMs)} | ${fmtMs(e.batchedEngineMs)} | | ${e.skipped} | | | |`);
      continue;
    }
    const per = e.perExampleMs === undefined ? 'not run' : `${fmtMs(e.perExampleMs)}${e.extrapolatedFrom !== undefined ? ` (extrapolated from ${e.extrapolatedFrom} of ${a.examples})` : ` (${e.perExampleRuns} runs)`}`;
    out.push(
      `| ${e.engine} | ${fmtMs(e.batchedMs)} (${e.batchedProcesses} process${e.batchedProcesses === 1 ? '' : 'es'}) | ${fmtMs(e.batchedEngineMs)} | ${(e.batchedMs / e.batchedEngineMs).toFixed(2)}x | ${per} | ${fmtMs(e.perExampleEngineMs)} | ${e.perExampleMs === undefined ? '' : `${(e.perExampleMs / e.batchedMs).toFixed(1)}x`} | ${e.agree === undefined ? '' : e.agree ? 'yes' : `**no**: ${(e.disagreements ?? []).join('; ')}`} |`,
    );
  }
  for (const x of a.excluded) out.push(`| ${x.engine} | not measured: ${x.reason} | | | | | | |`);
  return out;
}

/** The issue's targets, judged from the figures of this run. */
export function targetLines(result: BenchResult): string[] {
  const { rows } = result;
  const out = ['| target | this run | status |', '| --- | --- | --- |'];
  const status = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : '**missed**');
  const c1000 = get(rows, 'compile', 1000);
  const y1000 = get(rows, 'yaml', 1000);
  out.push(`| compile of 1,000 workloads well under a second | ${fmtMs(c1000?.milliseconds)} in a fresh process${c1000?.warmMs !== undefined ? `, ${fmtMs(c1000.warmMs)} warm` : ''} | ${status(c1000 === undefined ? undefined : c1000.milliseconds < 1000)} |`);
  const x1000 = get(rows, 'cli', 1000);
  if (x1000 !== undefined)
    out.push(`| (no target) the whole \`ztp compile\` process at 1,000 workloads | ${fmtMs(x1000.milliseconds)} with an empty compile cache${x1000.warmMs !== undefined ? `, ${fmtMs(x1000.warmMs)} with it filled` : ''}: loading the CLI and the environment file, building the environment, compiling, writing ${x1000.count ?? '?'} object files | - |`);
  // paired: compile's own back-to-back ratio to the floor (ztp's writer), judged in its place when measured
  const within = (floor: Row | undefined, label: string, paired?: { ratio: number; floorMs: number | undefined }) => {
    if (c1000 === undefined || floor === undefined) return `| compile within 2x of the YAML floor (1,000): ${label} | - | not measured |`;
    const cold = c1000.milliseconds / floor.milliseconds;
    const separate = c1000.warmMs !== undefined && floor.warmMs !== undefined ? c1000.warmMs / floor.warmMs : undefined;
    const warm = paired?.ratio ?? separate;
    const separateText = separate === undefined ? '-' : `${separate.toFixed(2)}x (${fmtMs(c1000.warmMs)} against ${fmtMs(floor.warmMs)})`;
    const warmText = paired === undefined ? `warm ${separateText}` : `warm ${paired.ratio.toFixed(2)}x, each run against the floor right after it (median floor ${fmtMs(paired.floorMs)}); as separate medians ${separateText}`;
    const figures = `${warmText}; first run in a fresh process ${cold.toFixed(2)}x (${fmtMs(c1000.milliseconds)} against ${fmtMs(floor.milliseconds)})`;
    return `| compile within 2x of the YAML floor (1,000): ${label} | ${figures} | ${warm === undefined ? 'not measured' : `${status(warm <= 2)} warm, ${status(cold <= 2)} in a fresh process`} |`;
  };
  out.push(within(y1000, "ztp's own canonical writer", c1000?.floorRatio !== undefined ? { ratio: c1000.floorRatio, floorMs: c1000.floorWarmMs } : undefined));
  out.push(within(get(rows, 'yamllib', 1000), 'the yaml package'));
  const z1000 = get(rows, 'ztp', 1000);
  const n1000 = get(rows, 'netpolicy', 1000);
  out.push(`| analysis of 1,000 workloads at least 100x faster than netpol-analyzer | ${z1000 && n1000 ? `${(n1000.milliseconds / z1000.milliseconds).toFixed(0)}x (${fmtMs(z1000.milliseconds)} against ${fmtMs(n1000.milliseconds)})` : '-'} | ${status(z1000 && n1000 ? n1000.milliseconds >= 100 * z1000.milliseconds : undefined)} |`);
  const peers = rows.filter((r) => (r.task === 'netpolicy' || r.task === 'cyclonus') && r.outcome !== undefined);
  const agreeAll = peers.length === 0 ? undefined : peers.every((r) => r.outcome!.startsWith('agree'));
  out.push(`| full agreement | ${peers.map((r) => `${LABEL[r.task]} at ${r.n}: ${r.outcome}`).join('; ') || '-'} | ${status(agreeAll)} |`);
  const z5000 = get(rows, 'ztp', 5000);
  out.push(`| analysis of 5,000 workloads under 5 s | ${fmtMs(z5000?.milliseconds)} | ${status(z5000 === undefined ? undefined : z5000.milliseconds < 5000)} |`);
  const zs = rows.filter((r) => r.task === 'ztp' && !Number.isNaN(r.milliseconds) && r.count !== undefined);
  const kc = growthExponent(zs.map((r) => ({ x: r.count!, y: r.milliseconds })));
  out.push(`| analysis growth close to linear in allowed connections | ${kc === undefined ? '-' : `k = ${kc.toFixed(2)} over ${zs.map((r) => r.count).join(', ')} connections`} | ${status(kc === undefined ? undefined : kc <= 1.25)} (criterion: k <= 1.25) |`);
  const a = result.admission;
  out.push(`| batched proof within 1.3x of the engines' own evaluation time | ${a ? `${(a.proofMs / a.proofEngineMs).toFixed(2)}x (${fmtMs(a.proofMs)} against ${fmtMs(a.proofEngineMs)})` : '-'} | ${status(a ? a.proofMs <= 1.3 * a.proofEngineMs : undefined)} |`);
  return out;
}

/** The Markdown report. */
export async function report(result: BenchResult, options: { readonly root: string }): Promise<string> {
  const { rows, nx, admission, problems } = result;
  const first = async (cmd: string, args: string[]) => (await execa(cmd, args, { reject: false, cwd: options.root })).stdout.split('\n')[0] ?? '?';
  const commit = await first('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = (await execa('git', ['status', '--porcelain', '--untracked-files=no'], { reject: false, cwd: options.root })).stdout.split('\n').filter((l) => l !== '').length;
  const version = (name: string) => {
    try {
      return getTool(name).version;
    } catch {
      return '?';
    }
  };
  const lines: string[] = [];
  lines.push(
    `Machine: ${cpus()[0]?.model ?? '?'} x ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; load average ${result.loadStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${result.loadEnd.map((l) => l.toFixed(2)).join(' ')} at the end (1, 5, 15 min; the "load" column is the 1-minute figure when each run started). Node ${process.version}; ztp ${commit}${dirty > 0 ? ` (with ${dirty} files changed but not committed)` : ''}; netpol-analyzer ${version('netpolicy')}, cyclonus ${version('cyclonus')}, kyverno ${version('kyverno')}, gator ${version('gator')}, conftest ${version('conftest')}, opa ${version('opa')}, kyverno-json ${version('kyverno-json')} (pinned by @ztp/tools). ${result.started} to ${result.finished}; seed ${result.seed}.`,
  );
  lines.push('');
  lines.push('| N | task | runs | median time | min - max | CPU time | warm (CPU) | peak RSS | RSS before op | ratio | count | agreement | load |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const r of [...rows].sort((a, b) => a.n - b.n)) {
    let ratio = '';
    if (r.task === 'compile' && !Number.isNaN(r.milliseconds)) {
      const of = (floor: Row | undefined, label: string) =>
        floor === undefined ? '' : `${(r.milliseconds / floor.milliseconds).toFixed(2)}x${r.warmMs !== undefined && floor.warmMs !== undefined ? ` (warm ${(r.warmMs / floor.warmMs).toFixed(2)}x)` : ''} ${label}`;
      ratio = [of(get(rows, 'yaml', r.n), 'floor'), of(get(rows, 'yamllib', r.n), 'yaml package')].filter((x) => x !== '').join(', ');
    }
    if ((r.task === 'netpolicy' || r.task === 'cyclonus') && !Number.isNaN(r.milliseconds)) {
      const z = get(rows, 'ztp', r.n);
      if (z !== undefined) ratio = `${(r.milliseconds / z.milliseconds).toFixed(0)}x ztp`;
    }
    const time = r.skipped ?? fmtMs(r.milliseconds);
    const spread = r.minMs !== undefined && r.runs > 1 ? `${fmtMs(r.minMs)} - ${fmtMs(r.maxMs)}` : '';
    lines.push(
      `| ${r.n} | ${LABEL[r.task]} | ${r.runs}${r.note ? ` (${r.note})` : ''} | ${time} | ${spread} | ${fmtMs(r.cpuMs)} | ${r.warmMs !== undefined ? `${fmtMs(r.warmMs)} (${fmtMs(r.warmCpuMs)})` : ''} | ${fmtMb(r.maxRssKb)} | ${fmtMb(r.baselineRssKb)} | ${ratio} | ${r.count ?? ''} | ${r.outcome ?? ''} | ${r.load ? (r.load[0] === r.load[1] ? r.load[0].toFixed(1) : `${r.load[0].toFixed(1)} - ${r.load[1].toFixed(1)}`) : ''} |`,
    );
  }
  lines.push('');
  lines.push('CPU time: user + system time of the work (in-process: `process.cpuUsage` around the operation; peers: `/usr/bin/time -v` of the analyzer process), median of the runs; on a loaded machine it moves less than the wall time. Median time: the first run in a fresh process (as `ztp compile` runs); warm: the median of more runs in the same process after it (compile: a freshly generated environment each, generated outside the clock), when the code is compiled and each pays only for its work. YAML floor: the objects compile serialises, as it has them (emitted, sync waves annotated, keys in the order emitted; freshly emitted for each run, outside the clock), written by `toYaml`, ztp\'s canonical writer; YAML floor (yaml package): the same objects, ordered outside the clock, through the `yaml` package\'s `stringify` (the Document model ztp used before). ztp compile (CLI, end to end): the `ztp compile` process on a scratch repository whose environment file builds the same environment with the model\'s builders, from start to exit, bundle written; median time: its first run with an empty V8 compile cache (as after an install), warm: the median of more runs with the cache filled and the previous run\'s bundle in place (every later run); CPU and peak RSS from `/usr/bin/time -v`. Count: objects written (compile, CLI, floors), allowed (source, destination) pairs listed (ztp), allowances compared with ztp (peers).');
  lines.push('');
  lines.push('Growth exponents (time ~ N^k, least squares on log-log over the sizes measured):');
  lines.push('');
  lines.push(...growthLines(rows));
  lines.push('');
  const sizes = [...new Set(rows.filter((r) => r.task === 'ztp').map((r) => r.n))].sort((a, b) => a - b);
  const agreement = sizes.map((n) => {
    const np = rows.find((r) => r.task === 'netpolicy' && r.n === n);
    const cy = rows.find((r) => r.task === 'cyclonus' && r.n === n);
    const say = (r: Row | undefined, name: string) => (r === undefined ? `${name} not run` : r.outcome !== undefined ? `${name} ${r.outcome}` : `${name} ${r.skipped ?? 'no verdict'}`);
    const all = np?.outcome?.startsWith('agree') === true && cy?.outcome?.startsWith('agree') === true;
    return `- N = ${n}: ${all ? 'the three agree on every connection' : 'not all three compared'} (${say(np, 'netpol-analyzer')}; ${say(cy, 'cyclonus')})`;
  });
  const small = rows.filter((r) => r.task === 'cyclonus' && !sizes.includes(r.n));
  if (agreement.length > 0 || small.length > 0) {
    lines.push('Agreement with ztp (every connection each analyzer lists, compared with ztp\'s answer under the documented known differences):');
    lines.push('');
    lines.push(...agreement);
    for (const r of small) lines.push(`- N = ${r.n} (cyclonus only): ${r.outcome ?? r.skipped ?? ''}`);
    lines.push('');
  }
  lines.push('```');
  lines.push(asciiChart(chartSeries(rows)));
  lines.push('```');
  lines.push('');
  const asked = rows.filter((r) => r.task === 'cyclonus' && r.questions !== undefined);
  if (asked.length > 0) lines.push(`cyclonus questions asked (one per ordered pod pair, protocol and representative port): ${asked.map((r) => `${r.questions!.toLocaleString('en-US')} at N = ${r.n}`).join(', ')}.`, '');
  lines.push(`Peers are skipped where one run is predicted to exceed ${result.limitSeconds} s (cyclonus: in proportion to the questions asked where they are counted; otherwise the growth exponent fitted over the sizes measured, at least 2, from the largest one), or when a run timed out; a skipped peer stays skipped at larger sizes. A peer runs once where its runs together would exceed the limit.`);
  if (admission !== undefined) {
    lines.push('');
    lines.push('Admission proof:');
    lines.push('');
    lines.push(...admissionLines(admission));
  }
  if (nx !== undefined) {
    lines.push('');
    lines.push(
      `nx affected (a scratch copy of the committed tree with ${nx.environments} environments, ${nx.totalProjects} projects, ${nx.totalTasks} typecheck/test tasks; NX_DAEMON=false): after an edit of \`${nx.file}\`, \`nx show projects --affected\` lists ${nx.projects.length} projects (${nx.projects.join(', ')}), ${nx.tasks} typecheck/test tasks, in ${fmtMs(nx.showMilliseconds)} (median of ${nx.runs}); \`nx affected -t typecheck test\` ${nx.failed !== undefined ? `failed: ${nx.failed}` : `took ${fmtMs(nx.coldMilliseconds)} running them, then ${fmtMs(nx.warmMilliseconds)} with a warm cache${nx.warmCached ? ` (${nx.warmCached} tasks read from the cache)` : ''}`}.`,
    );
  }
  if (result.localCluster !== undefined) {
    const l = result.localCluster;
    const sorted = [...l.startupMs].sort((a, b) => a - b);
    lines.push('');
    lines.push(
      `Local cluster (etcd + kube-apiserver as local processes, kube-network-policies on network namespaces): start-up to a ready \`/readyz\` ${fmtMs(sorted[Math.floor(sorted.length / 2)]!)} (median of ${sorted.length}; ${sorted.map(fmtMs).join(', ')}), ${l.rssMiB} MiB resident for etcd and kube-apiserver; ` +
        `a real-packet HTTP probe that kube-network-policies admits ${l.connected.meanMs} ms (mean of ${l.connected.probes}, one at a time), one a NetworkPolicy drops ${l.dropped.meanMs} ms (its ${l.dropped.timeoutMs} ms timeout: a drop is only seen as silence).`,
    );
  }
  lines.push('');
  lines.push('Targets (from the issue):');
  lines.push('');
  lines.push(...targetLines(result));
  if (problems.length > 0) {
    lines.push('');
    lines.push('Problems:');
    for (const p of problems) lines.push(`- ${p.split('\n').slice(0, 6).join(' / ')}`);
  }
  return lines.join('\n');
}
