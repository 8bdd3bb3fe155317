/**
 * The fast-check property of the random differential test: a batch of random clusters is
 * analysed by each analyzer in one process and every verdict must be free of unaccounted
 * differences. On failure the error lists the problems and the manifests of the failing cases;
 * while fast-check shrinks, only the analyzers that failed are run again (shrinking re-runs
 * the property hundreds of times). Test-only (fast-check is a dev dependency).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { caseFromCluster } from '../case.ts';
import { clusterObjects } from '../cluster.ts';
import { crossCheckCyclonus, crossCheckNetpolAnalyzer, problemsOf } from '../crosscheck.ts';
import type { CrossCheckOptions, CrossCheckRun } from '../crosscheck.ts';
import type { AnalyzerName } from '../differences.ts';
import { caseBatch, instantiate } from './random.ts';
import type { CaseTemplate } from './random.ts';

/** What the property saw before the first failure. */
export interface RandomRunStats {
  batches: number;
  cases: number;
  processes: number;
  questions: number;
  allowances: number;
  compared: Record<AnalyzerName, number>;
  notCompared: number;
  /** How often each known difference applied, by `analyzer: id`. */
  applied: Map<string, number>;
}

/** The manifests of a generated case, as YAML documents. */
export function manifestsOf(t: CaseTemplate, k: number): string {
  return clusterObjects(instantiate(t, k))
    .map((o) => stringify(o))
    .join('---\n');
}

/** The property over batches of up to `maxCases` random clusters, and the statistics it collects. */
export function randomBatchProperty(maxCases: number, options: CrossCheckOptions = {}): { property: fc.IAsyncPropertyWithHooks<[CaseTemplate[]]>; stats: RandomRunStats } {
  const stats: RandomRunStats = { batches: 0, cases: 0, processes: 0, questions: 0, allowances: 0, compared: { 'netpol-analyzer': 0, cyclonus: 0 }, notCompared: 0, applied: new Map() };
  let failed: Set<AnalyzerName> | undefined;
  const property = fc.asyncProperty(caseBatch(maxCases), async (templates) => {
    const cases = templates.map((t, k) => caseFromCluster(`random/${k}`, instantiate(t, k)));
    const wanted = (a: AnalyzerName) => failed === undefined || failed.has(a);
    const runs: CrossCheckRun[] = (
      await Promise.all([wanted('netpol-analyzer') ? crossCheckNetpolAnalyzer(cases, options) : undefined, wanted('cyclonus') ? crossCheckCyclonus(cases, options) : undefined])
    ).filter((r): r is CrossCheckRun & { questions?: number } => r !== undefined);
    const problems = runs.flatMap(problemsOf);
    if (failed === undefined) {
      stats.batches++;
      stats.cases += cases.length;
      for (const run of runs) {
        stats.processes += run.processes;
        stats.questions += (run as { questions?: number }).questions ?? 0;
        for (const v of run.verdicts) {
          if (v.outcome === 'not-compared') stats.notCompared++;
          else stats.compared[run.analyzer]++;
          stats.allowances += v.allowances;
          for (const id of v.applied) stats.applied.set(`${run.analyzer}: ${id}`, (stats.applied.get(`${run.analyzer}: ${id}`) ?? 0) + 1);
        }
      }
    }
    if (problems.length === 0) return;
    failed ??= new Set(runs.filter((r) => problemsOf(r).length > 0).map((r) => r.analyzer));
    const failing = new Set(runs.flatMap((r) => r.verdicts.filter((v) => v.outcome === 'disagree').map((v) => v.case)));
    const shown = templates.flatMap((t, k) => (failing.has(`random/${k}`) ? [`# random/${k}\n${manifestsOf(t, k)}`] : []));
    throw new Error(`${problems.join('\n\n')}\n\nmanifests of the failing cases:\n${shown.join('\n')}`);
  });
  return { property, stats };
}

/** A one-line account of a random run. */
export function describeStats(stats: RandomRunStats, seconds: number): string {
  const applied = [...stats.applied].map(([k, n]) => `${k} ×${n}`).join(', ');
  return (
    `random: ${stats.cases} clusters in ${stats.batches} batches (${stats.processes} analyzer processes, ${stats.questions} cyclonus questions); ` +
    `compared by netpol-analyzer ${stats.compared['netpol-analyzer']}, by cyclonus ${stats.compared.cyclonus}, not compared ${stats.notCompared}; ` +
    `${stats.allowances} allowances; ${seconds.toFixed(1)} s; known differences applied: ${applied}`
  );
}
