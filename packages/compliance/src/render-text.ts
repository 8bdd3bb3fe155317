/** The text report of a compliance check. Pure. */
import { DRIFT_KINDS, driftObject, type ComplianceReport, type EnvironmentCompliance } from './report.ts';

/** `3 missing, 1 changed` (only the kinds present), or `no drift`. */
export function driftCounts(env: EnvironmentCompliance): string {
  const parts = DRIFT_KINDS.map((k) => [k, env.drift.filter((d) => d.kind === k).length] as const).filter(([, n]) => n > 0);
  return parts.length === 0 ? 'no drift' : parts.map(([k, n]) => `${n} ${k}`).join(', ');
}

function reportsLine(env: EnvironmentCompliance): string {
  const r = env.policyReports;
  if (r === undefined) return 'PolicyReports: none (the cluster serves no PolicyReport API: Kyverno does not run there)';
  return `PolicyReports (${r.api}): ${r.reports} in the managed namespaces; ${r.pass} pass, ${r.fail} fail, ${r.warn} warn, ${r.error} error, ${r.skip} skip`;
}

/** The report as text: per environment a verdict line, each drift with its details, the notes. */
export function renderText(report: ComplianceReport): string {
  const lines: string[] = [`ztp compliance: context ${report.context} (${report.server}), checked ${report.checkedAt}`];
  for (const env of report.environments) {
    lines.push('');
    lines.push(`${env.environment}: ${env.drift.length === 0 ? 'COMPLIANT' : 'DRIFT'} (${driftCounts(env)}); ${env.objects} bundle objects compared, namespaces ${env.namespaces.join(', ') || '(none)'}, ${env.pods} running pods evaluated (${env.engine})`);
    for (const d of env.drift) {
      lines.push(`  ${d.kind.padEnd(13)} ${driftObject(d)}${d.file ? ` (${d.file})` : ''}: ${d.summary}`);
      for (const detail of d.details) lines.push(`                ${detail}`);
    }
    lines.push(`  ${reportsLine(env)}`);
    for (const n of env.notes) lines.push(`  ${n.level === 'incomplete' ? 'NOT CHECKED' : 'note'}: ${n.text}`);
  }
  return `${lines.join('\n')}\n`;
}
