import type { ProbePlan } from '../probe-plan.ts';
import type { CellResult, RunResult } from '../probe-runner.ts';

/** What happened to one layer of the bundle in the run. */
export interface LayerDecision {
  readonly layer: string;
  /** Its objects were applied to the cluster. */
  readonly applied: boolean;
  /** Something in the cluster enforces them (Cilium for the network layer). */
  readonly enforced: boolean;
  readonly reason: string;
}

/**
 * The outcome of one environment: `passed` only when every cell was probed and matched; `not-run`
 * when nothing was probed (with the reason); `interrupted` when the run was cut short.
 */
export type ReportStatus = 'passed' | 'failed' | 'not-run' | 'interrupted';

/** Everything the reports show for one environment. */
export interface EnvironmentReport {
  readonly environment: string;
  readonly status: ReportStatus;
  readonly plan: ProbePlan;
  readonly run?: RunResult;
  /** Why the run did not happen (`not-run`), or what stopped it. */
  readonly reason?: string;
  readonly layers: readonly LayerDecision[];
  /** For failing cells: the policies that apply to them (`CellExplainer`). */
  readonly explanations: ReadonlyMap<string, readonly string[]>;
  /** The cluster it ran on, e.g. `kind v0.33.0, kindest/node:v1.37.0, Cilium 1.19.4`. */
  readonly cluster?: string;
  /** Set when the run broke down (cluster setup failed): an error, not a skip. */
  readonly setupError?: string;
}

/** Counts for summaries. */
export interface Tally {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly notRun: number;
}

export function tally(r: EnvironmentReport): Tally {
  const results = r.run?.results ?? [];
  const passed = results.filter((x) => x.ok).length;
  return { total: r.plan.cells.length, passed, failed: results.length - passed, notRun: r.plan.cells.length - results.length };
}

/** The status a run earns: failures win over an interruption; no run at all is `not-run`. */
export function statusOf(run: RunResult | undefined): ReportStatus {
  if (run === undefined) return 'not-run';
  if (run.results.some((r) => !r.ok)) return 'failed';
  if (run.interrupted || run.notRun.length > 0) return 'interrupted';
  return 'passed';
}

/** The failing results of a report, in plan order. */
export function failures(r: EnvironmentReport): CellResult[] {
  return (r.run?.results ?? []).filter((x) => !x.ok);
}
