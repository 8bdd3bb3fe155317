/**
 * Running the analyzers on cases and judging their answers. Cases that do not share a
 * namespace are batched into one process per analyzer (a policy only selects pods of its own
 * namespace, so connections between the pods of one case do not depend on another case's
 * objects; each answer is restricted to the case's own workloads). A folder of manifests is
 * one netpol-analyzer process of its own. When a batched process fails, each of its cases is run
 * alone, so that the failure is pinned on the cases that cause it.
 */
import type { CrossCheckCase } from './case.ts';
import { caseNamespaces } from './case.ts';
import type { Connectivity } from './connectivity.ts';
import { cyclonusConnectivity } from './cyclonus/run.ts';
import type { CyclonusOptions } from './cyclonus/run.ts';
import { KNOWN_DIFFERENCES } from './differences.ts';
import type { AnalyzerName, KnownDifference } from './differences.ts';
import { analyzerFailed, applicableDifferences, judgeAnswer, notCompared } from './judge.ts';
import type { CaseVerdict } from './judge.ts';
import { netpolAnalyzerAnswer } from './netpol-analyzer/parse.ts';
import { mapLimit } from './pool.ts';
import { runNetpolAnalyzer, runNetpolAnalyzerOnObjects } from './netpol-analyzer/run.ts';
import type { NetpolAnalyzerOptions } from './netpol-analyzer/run.ts';

/** Options of a cross-check run. */
export interface CrossCheckOptions {
  /** The known differences (default: KNOWN_DIFFERENCES). */
  readonly differences?: readonly KnownDifference[];
  readonly netpolAnalyzer?: NetpolAnalyzerOptions;
  readonly cyclonus?: CyclonusOptions;
  /** Analyzer processes run at the same time (default 2). */
  readonly concurrency?: number;
}

/** The verdicts of one analyzer on a set of cases, and what it took. */
export interface CrossCheckRun {
  readonly analyzer: AnalyzerName;
  readonly verdicts: readonly CaseVerdict[];
  /** Analyzer processes started. */
  readonly processes: number;
  readonly milliseconds: number;
}

/** Groups cases into batches whose cases share no namespace, keeping their order. */
export function batchesByNamespace<T extends CrossCheckCase>(cases: readonly T[]): T[][] {
  const batches: { cases: T[]; namespaces: Set<string> }[] = [];
  for (const c of cases) {
    const names = caseNamespaces(c);
    const batch = batches.find((b) => ![...names].some((n) => b.namespaces.has(n)));
    if (batch === undefined) batches.push({ cases: [c], namespaces: names });
    else {
      batch.cases.push(c);
      for (const n of names) batch.namespaces.add(n);
    }
  }
  return batches.map((b) => b.cases);
}

function workloadIds(c: CrossCheckCase): string[] {
  return c.resources.workloads.map((w) => w.id);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Splits the cases into those the analyzer is not given (with their verdict) and the others. */
function screen(analyzer: AnalyzerName, cases: readonly CrossCheckCase[], list: readonly KnownDifference[]) {
  const excluded: CaseVerdict[] = [];
  const compared: CrossCheckCase[] = [];
  for (const c of cases) {
    const blocking = applicableDifferences(analyzer, c, list).filter((d) => d.handling.kind === 'not-compared');
    if (blocking.length > 0) excluded.push(notCompared(analyzer, c, blocking));
    else compared.push(c);
  }
  return { excluded, compared };
}

function order(cases: readonly CrossCheckCase[], verdicts: readonly CaseVerdict[]): CaseVerdict[] {
  const rank = new Map(cases.map((c, i) => [c.name, i]));
  return [...verdicts].sort((a, b) => (rank.get(a.case) ?? 0) - (rank.get(b.case) ?? 0));
}

function isNetworkPolicy(o: Record<string, unknown>): boolean {
  return o['kind'] === 'NetworkPolicy' && typeof o['apiVersion'] === 'string' && o['apiVersion'].startsWith('networking.k8s.io/');
}

/**
 * The case as netpol-analyzer is asked about it: when an `analyzer-input` difference applies,
 * its objects with the NetworkPolicies of the rewritten cluster (read as objects, not from the
 * folder). A rewrite may change policies only: netpol-analyzer reads pods from the objects.
 */
function askedNetpolAnalyzer(c: CrossCheckCase, list: readonly KnownDifference[]): CrossCheckCase {
  let cluster = c.cluster;
  for (const d of applicableDifferences('netpol-analyzer', c, list)) if (d.handling.kind === 'analyzer-input') cluster = d.handling.rewrite(cluster);
  if (cluster === c.cluster) return c;
  if (cluster.namespaces !== c.cluster.namespaces || cluster.workloads !== c.cluster.workloads) throw new Error(`${c.name}: a netpol-analyzer input rewrite may change NetworkPolicies only`);
  const written = c.objects.filter(isNetworkPolicy);
  if (written.length !== cluster.policies.length) throw new Error(`${c.name}: ${written.length} NetworkPolicy objects, but the cluster has ${cluster.policies.length}`);
  let next = 0;
  const objects = c.objects.map((o) => (isNetworkPolicy(o) ? cluster.policies[next++]! : o));
  return { name: c.name, objects, resources: c.resources, cluster: c.cluster };
}

/** Cross-checks every case with netpol-analyzer (`netpolicy list -o json`). */
export async function crossCheckNetpolAnalyzer(cases: readonly CrossCheckCase[], options: CrossCheckOptions = {}): Promise<CrossCheckRun> {
  const list = options.differences ?? KNOWN_DIFFERENCES;
  const started = performance.now();
  const { excluded, compared } = screen('netpol-analyzer', cases, list);
  const verdicts: CaseVerdict[] = [...excluded];
  let processes = 0;

  // the analyzer reads the asked case; the verdict is about the case as written
  const original = new Map<CrossCheckCase, CrossCheckCase>();
  const asked = compared.map((c) => {
    const a = askedNetpolAnalyzer(c, list);
    original.set(a, c);
    return a;
  });
  const judgeBatch = (batch: readonly CrossCheckCase[], lines: Parameters<typeof netpolAnalyzerAnswer>[0]) => {
    const answer = netpolAnalyzerAnswer(lines, batch.flatMap(workloadIds));
    for (const c of batch) {
      const ids = new Set(workloadIds(c));
      const setAsideLines = answer.ingressControllerLines.filter((l) => ids.has(l.dst)).map((l) => `${l.src} => ${l.dst} : ${l.conn}`);
      verdicts.push(judgeAnswer('netpol-analyzer', original.get(c) ?? c, { connectivity: answer.connectivity.restrict(ids), setAsideLines, externalSpellings: answer.externalSpellings }, list));
    }
  };
  const runAlone = async (c: CrossCheckCase) => {
    processes++;
    try {
      const run = c.dir !== undefined ? await runNetpolAnalyzer(c.dir, options.netpolAnalyzer) : await runNetpolAnalyzerOnObjects([c.objects], options.netpolAnalyzer);
      judgeBatch([c], run.lines);
    } catch (error) {
      verdicts.push(analyzerFailed('netpol-analyzer', c, applicableDifferences('netpol-analyzer', original.get(c) ?? c, list), message(error)));
    }
  };

  const runBatch = async (batch: readonly CrossCheckCase[]) => {
    if (batch.length === 1) return runAlone(batch[0]!);
    processes++;
    let lines;
    try {
      lines = (await runNetpolAnalyzerOnObjects(batch.map((c) => c.objects), options.netpolAnalyzer)).lines;
    } catch {
      for (const c of batch) await runAlone(c);
      return;
    }
    judgeBatch(batch, lines);
  };
  const jobs = [...asked.filter((x) => x.dir !== undefined).map((c) => [c]), ...batchesByNamespace(asked.filter((x) => x.dir === undefined))];
  await mapLimit(jobs, options.concurrency ?? 2, runBatch);
  return { analyzer: 'netpol-analyzer', verdicts: order(cases, verdicts), processes, milliseconds: performance.now() - started };
}

/** Cross-checks every case with cyclonus (`cyclonus analyze --mode query-traffic`). */
export async function crossCheckCyclonus(cases: readonly CrossCheckCase[], options: CrossCheckOptions = {}): Promise<CrossCheckRun & { readonly questions: number }> {
  const list = options.differences ?? KNOWN_DIFFERENCES;
  const started = performance.now();
  const { excluded, compared } = screen('cyclonus', cases, list);
  const verdicts: CaseVerdict[] = [...excluded];
  let processes = 0;
  let questions = 0;
  const run = async (batch: readonly CrossCheckCase[]): Promise<Connectivity[]> => {
    processes++;
    const result = await cyclonusConnectivity(
      batch.map((c) => c.cluster),
      options.cyclonus,
    );
    questions += result.questions;
    return result.results;
  };
  // equivalent inputs on which a documented deviation of cyclonus cannot show
  const asked = (c: CrossCheckCase): CrossCheckCase => {
    let cluster = c.cluster;
    for (const d of applicableDifferences('cyclonus', c, list)) if (d.handling.kind === 'analyzer-input') cluster = d.handling.rewrite(cluster);
    return cluster === c.cluster ? c : { ...c, cluster };
  };
  const runBatch = async (batch: readonly CrossCheckCase[]) => {
    let answers: Connectivity[] | undefined;
    try {
      answers = await run(batch);
    } catch (error) {
      if (batch.length === 1) {
        verdicts.push(analyzerFailed('cyclonus', batch[0]!, applicableDifferences('cyclonus', batch[0]!, list), message(error)));
        return;
      }
    }
    if (answers !== undefined) {
      batch.forEach((c, i) => verdicts.push(judgeAnswer('cyclonus', c, { connectivity: answers[i]! }, list)));
      return;
    }
    for (const c of batch) {
      try {
        const [answer] = await run([c]);
        verdicts.push(judgeAnswer('cyclonus', c, { connectivity: answer! }, list));
      } catch (error) {
        verdicts.push(analyzerFailed('cyclonus', c, applicableDifferences('cyclonus', c, list), message(error)));
      }
    }
  };
  await mapLimit(batchesByNamespace(compared.map(asked)), options.concurrency ?? 2, runBatch);
  return { analyzer: 'cyclonus', verdicts: order(cases, verdicts), processes, questions, milliseconds: performance.now() - started };
}

/** Every problem of a run, for a failure message (empty when every case agrees or was not compared). */
export function problemsOf(run: Pick<CrossCheckRun, 'verdicts'>): string[] {
  return run.verdicts.flatMap((v) => v.problems);
}

/** A one-line summary: cases agreeing / not compared / disagreeing, processes, time. */
export function summarize(run: CrossCheckRun & { readonly questions?: number }): string {
  const count = (o: CaseVerdict['outcome']) => run.verdicts.filter((v) => v.outcome === o).length;
  const allowances = run.verdicts.reduce((n, v) => n + v.allowances, 0);
  const questions = run.questions !== undefined ? `, ${run.questions} questions` : '';
  return `${run.analyzer}: ${count('agree')} cases agree, ${count('not-compared')} not compared, ${count('disagree')} disagree; ${allowances} allowances compared; ${run.processes} processes${questions}, ${(run.milliseconds / 1000).toFixed(1)} s`;
}
