/** A compliance check as JUnit test cases: per environment one case per check, failed with its drift. Pure. */
import { DRIFT_KINDS, driftObject, type ComplianceReport, type DriftKind } from './report.ts';

/** One JUnit test case (the CLI's junit writer takes these). */
export interface ComplianceCase {
  readonly suite: string;
  readonly name: string;
  readonly failure?: string | undefined;
}

const CHECK_NAMES: Readonly<Record<DriftKind, string>> = {
  missing: 'every bundle object is on the cluster',
  changed: 'no bundle object was changed',
  added: 'no policy object was added by hand',
  'default-deny': 'every managed namespace has a default deny in force',
  pod: 'every running pod passes the admission rules',
  'policy-report': 'no failing PolicyReport result',
};

/** Six cases per environment (one per drift kind); a case fails listing its drift. Incomplete checks fail too. */
export function complianceCases(report: ComplianceReport): ComplianceCase[] {
  const cases: ComplianceCase[] = [];
  for (const env of report.environments) {
    for (const kind of DRIFT_KINDS) {
      const drift = env.drift.filter((d) => d.kind === kind);
      const name = `${env.environment}: ${CHECK_NAMES[kind]}`;
      if (kind === 'policy-report' && env.policyReports === undefined) {
        cases.push({ suite: env.environment, name: `${name} (no PolicyReport API served)` });
        continue;
      }
      const incomplete = kind === 'pod' ? env.notes.filter((n) => n.level === 'incomplete') : [];
      const lines = [
        ...drift.map((d) => [`${driftObject(d)}: ${d.summary}`, ...d.details.map((x) => `  ${x}`)].join('\n')),
        ...incomplete.map((n) => `not checked: ${n.text}`),
      ];
      cases.push({ suite: env.environment, name, failure: lines.length === 0 ? undefined : `${drift.length} ${kind} drift${incomplete.length ? ', incomplete' : ''}\n${lines.join('\n')}` });
    }
  }
  return cases;
}
