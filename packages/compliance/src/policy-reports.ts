/**
 * Kyverno's PolicyReports (`wgpolicyk8s.io` PolicyReport, or the `openreports.io` Report that
 * newer Kyverno writes instead): a summary of the reports in the managed namespaces, and every
 * failing result as drift. Pure.
 */
import type { Drift, PolicyReportSummary } from './report.ts';

/** The report kinds ztp reads, by group; the first one the cluster serves is used. */
export const REPORT_KINDS: readonly { readonly group: string; readonly kind: string }[] = [
  { group: 'wgpolicyk8s.io', kind: 'PolicyReport' },
  { group: 'openreports.io', kind: 'Report' },
];

interface ReportResource {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** A PolicyReport as read from the cluster (the fields this summary reads). */
export interface PolicyReportLike {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly scope?: ReportResource;
  readonly summary?: Partial<Record<'pass' | 'fail' | 'warn' | 'error' | 'skip', number>>;
  readonly results?: readonly {
    readonly policy?: string;
    readonly rule?: string;
    readonly result?: string;
    readonly message?: string;
    readonly resources?: readonly ReportResource[];
  }[];
}

/**
 * The totals of `reports` in `namespaces` (from each report's own summary, or its results when
 * it has none) and a drift per failing (`fail` or `error`) result.
 */
export function summarizePolicyReports(api: string, reports: readonly PolicyReportLike[], namespaces: readonly string[]): { summary: PolicyReportSummary; drift: Drift[] } {
  const mine = reports.filter((r) => r.metadata.namespace !== undefined && namespaces.includes(r.metadata.namespace));
  const totals = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  const drift: Drift[] = [];
  for (const report of mine) {
    const counted = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const result of report.results ?? []) {
      const outcome = result.result as keyof typeof counted | undefined;
      if (outcome !== undefined && outcome in counted) counted[outcome]++;
      if (outcome !== 'fail' && outcome !== 'error') continue;
      const subjects = result.resources?.length ? result.resources : [report.scope ?? {}];
      for (const subject of subjects) {
        drift.push({
          kind: 'policy-report',
          objectKind: subject.kind ?? 'Unknown',
          namespace: subject.namespace ?? report.metadata.namespace,
          name: subject.name ?? '(unnamed)',
          summary: `${outcome} in PolicyReport ${report.metadata.namespace}/${report.metadata.name}: ${result.policy ?? '?'}${result.rule ? `/${result.rule}` : ''}`,
          details: result.message ? [result.message] : [],
        });
      }
    }
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += report.summary?.[key] ?? counted[key];
  }
  return { summary: { api, reports: mine.length, ...totals }, drift };
}
