/**
 * Prometheus metrics of the compliance checks, in the text exposition format (version 0.0.4).
 * Pure: the state in, the page out.
 *
 * - `ztp_compliance_drift{environment,kind}` (gauge): drift found by the last check, for every
 *   drift kind (0 included, so `ztp_compliance_drift > 0` is the alert)
 * - `ztp_compliance_last_check_timestamp_seconds` (gauge): when the last check read the cluster
 *   (alert when it stops moving: `time() - ztp_compliance_last_check_timestamp_seconds > 600`)
 * - `ztp_compliance_check_incomplete{environment}` (gauge): 1 when some check could not run
 * - `ztp_compliance_policy_report_results{environment,result}` (gauge): Kyverno's PolicyReport totals
 * - `ztp_compliance_checks_total`, `ztp_compliance_check_errors_total` (counters)
 */
import { DRIFT_KINDS, type ComplianceReport } from './report.ts';

/** What the metrics page shows. */
export interface MetricsState {
  /** The last finished check. */
  readonly report?: ComplianceReport | undefined;
  readonly checks: number;
  readonly errors: number;
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(pairs: Readonly<Record<string, string>>): string {
  const entries = Object.entries(pairs);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${label(v)}"`).join(',')}}`;
}

/** The metrics page. */
export function renderMetrics(state: MetricsState): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly [Readonly<Record<string, string>>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) out.push(`${name}${labels(l)} ${Number.isInteger(v) ? String(v) : v.toFixed(3)}`);
  };
  const envs = state.report?.environments ?? [];
  family(
    'ztp_compliance_drift',
    'gauge',
    'Drift found by the last compliance check, per environment and drift kind (missing, changed, added, default-deny, pod, policy-report).',
    envs.flatMap((e) => DRIFT_KINDS.map((kind) => [{ environment: e.environment, kind }, e.drift.filter((d) => d.kind === kind).length] as [Record<string, string>, number])),
  );
  family(
    'ztp_compliance_last_check_timestamp_seconds',
    'gauge',
    'Unix time at which the last compliance check read the cluster.',
    state.report === undefined ? [] : [[{}, Date.parse(state.report.checkedAt) / 1000]],
  );
  family(
    'ztp_compliance_check_incomplete',
    'gauge',
    '1 when a check of the environment could not run (the report says which and why).',
    envs.map((e) => [{ environment: e.environment }, e.notes.some((n) => n.level === 'incomplete') ? 1 : 0]),
  );
  family(
    'ztp_compliance_policy_report_results',
    'gauge',
    "Results in Kyverno's PolicyReports in the environment's namespaces, per result.",
    envs.flatMap((e) => (e.policyReports === undefined ? [] : (['pass', 'fail', 'warn', 'error', 'skip'] as const).map((result) => [{ environment: e.environment, result }, e.policyReports![result]] as [Record<string, string>, number]))),
  );
  family('ztp_compliance_checks_total', 'counter', 'Compliance checks finished.', [[{}, state.checks]]);
  family('ztp_compliance_check_errors_total', 'counter', 'Compliance checks that failed (cluster unreachable, credentials refused).', [[{}, state.errors]]);
  return `${out.join('\n')}\n`;
}
