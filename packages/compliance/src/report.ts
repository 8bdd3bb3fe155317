/**
 * The result model of a compliance check: per environment, every drift found, what was
 * compared, and what could not be checked (never silently).
 */

/**
 * The kinds of drift, in report order:
 * - `missing`: an object of the bundle is not on the cluster
 * - `changed`: it is there, but differs from the bundle
 * - `added`: a policy object in a managed namespace (or one labelled for the environment) that
 *   the bundle does not hold
 * - `default-deny`: a managed namespace not covered by a default deny in force
 * - `pod`: a running pod that breaks the environment's admission rules
 * - `policy-report`: a failing result in one of Kyverno's PolicyReports
 */
export type DriftKind = 'missing' | 'changed' | 'added' | 'default-deny' | 'pod' | 'policy-report';

/** Every drift kind, in report order. */
export const DRIFT_KINDS: readonly DriftKind[] = ['missing', 'changed', 'added', 'default-deny', 'pod', 'policy-report'];

/** One drift. */
export interface Drift {
  readonly kind: DriftKind;
  /** The Kubernetes kind of the object concerned (`Namespace` for a default-deny gap). */
  readonly objectKind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
  /** The bundle file of the object (missing and changed). */
  readonly file?: string | undefined;
  /** One line: what is wrong. */
  readonly summary: string;
  /** The differing fields (`path: bundle -> live`), the broken rules. */
  readonly details: readonly string[];
}

/** Totals of the PolicyReports in the managed namespaces. */
export interface PolicyReportSummary {
  /** The report API read, e.g. `wgpolicyk8s.io/v1alpha2 PolicyReport`. */
  readonly api: string;
  readonly reports: number;
  readonly pass: number;
  readonly fail: number;
  readonly warn: number;
  readonly error: number;
  readonly skip: number;
}

/** A note on the check: `info` explains how something was compared; `incomplete` names a check that could not run. */
export interface Note {
  readonly level: 'info' | 'incomplete';
  readonly text: string;
}

/** One environment's compliance. */
export interface EnvironmentCompliance {
  readonly environment: string;
  readonly namespaces: readonly string[];
  /** Objects of the bundle compared with the cluster. */
  readonly objects: number;
  /** Running pods in the managed namespaces evaluated against the admission rules. */
  readonly pods: number;
  /** The admission engine that evaluated them. */
  readonly engine: string;
  /** Sorted: drift kind, object kind, namespace, name. */
  readonly drift: readonly Drift[];
  /** Undefined when the cluster serves no PolicyReport API (Kyverno does not run there). */
  readonly policyReports: PolicyReportSummary | undefined;
  readonly notes: readonly Note[];
}

/** A whole check. */
export interface ComplianceReport {
  readonly context: string;
  readonly server: string;
  /** ISO 8601, when the cluster was read. */
  readonly checkedAt: string;
  readonly environments: readonly EnvironmentCompliance[];
}

/** Whether any environment drifted. */
export function hasDrift(report: ComplianceReport): boolean {
  return report.environments.some((e) => e.drift.length > 0);
}

/** Whether some check could not run. */
export function isIncomplete(report: ComplianceReport): boolean {
  return report.environments.some((e) => e.notes.some((n) => n.level === 'incomplete'));
}

/** `Kind namespace/name` of a drift. */
export function driftObject(d: Drift): string {
  return `${d.objectKind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}`;
}

/** Sorts drift in report order. */
export function sortDrift(drift: readonly Drift[]): Drift[] {
  const key = (d: Drift) => [String(DRIFT_KINDS.indexOf(d.kind)).padStart(2, '0'), d.objectKind, d.namespace ?? '', d.name, d.summary].join('\u0000');
  return [...drift].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
