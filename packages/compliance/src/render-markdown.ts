/** The Markdown report of a compliance check (for pull requests, issues, dashboards). Pure. */
import { driftCounts } from './render-text.ts';
import { driftObject, type ComplianceReport } from './report.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

/** The report as Markdown: a summary table, then per environment a table of its drift. */
export function renderMarkdown(report: ComplianceReport): string {
  const out: string[] = [`# ztp compliance`, '', `Context \`${report.context}\` (${report.server}), checked ${report.checkedAt}.`, ''];
  out.push('| Environment | Verdict | Drift | Objects | Running pods |', '| --- | --- | --- | ---: | ---: |');
  for (const env of report.environments) out.push(`| ${env.environment} | ${env.drift.length === 0 ? 'compliant' : '**drift**'} | ${driftCounts(env)} | ${env.objects} | ${env.pods} |`);
  for (const env of report.environments) {
    out.push('', `## ${env.environment}`, '');
    if (env.drift.length === 0) out.push('No drift.');
    else {
      out.push('| Kind | Object | What | Details |', '| --- | --- | --- | --- |');
      for (const d of env.drift) out.push(`| ${d.kind} | ${cell(driftObject(d))}${d.file ? `<br>\`${d.file}\`` : ''} | ${cell(d.summary)} | ${cell(d.details.map((x) => `\`${x}\``).join('\n'))} |`);
    }
    const r = env.policyReports;
    out.push('', r === undefined ? 'PolicyReports: none (no PolicyReport API served; Kyverno does not run there).' : `PolicyReports (${r.api}): ${r.reports} reports; ${r.pass} pass, ${r.fail} fail, ${r.warn} warn, ${r.error} error, ${r.skip} skip.`);
    for (const n of env.notes) out.push('', `> ${n.level === 'incomplete' ? '**Not checked**' : 'Note'}: ${cell(n.text)}`);
  }
  return `${out.join('\n')}\n`;
}
