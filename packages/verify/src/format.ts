import type { VerifyReport } from './verify.ts';

/** The report as text (failures in full, then a summary), JSON, or a markdown table of failures. */
export function formatReport(r: VerifyReport, format: 'txt' | 'json' | 'md'): string {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  const lines: string[] = [];
  if (format === 'md') {
    lines.push(`### ${r.environment}: ${r.ok ? 'verified' : `${r.failures.length} of ${r.checks.length} checks failed`}`, '');
    if (r.failures.length > 0) {
      lines.push('| connection | declared | bundle | decided by |', '| --- | --- | --- | --- |');
      for (const f of r.failures) lines.push(`| \`${f.id}\` | ${f.expected}${f.declaredBy.length ? ` (${f.declaredBy.join(', ')})` : ''} | ${f.observed} | ${f.decidedBy.join('<br>')} |`);
      lines.push('');
    }
    lines.push(`Not covered: ${r.notCovered.join('; ')}.`, '');
    return lines.join('\n');
  }
  for (const f of r.failures) {
    lines.push(`FAIL ${r.environment}: ${f.id}: declared ${f.expected}${f.declaredBy.length ? ` by ${f.declaredBy.join(', ')}` : ''}, bundle says ${f.observed}`);
    for (const d of f.decidedBy) lines.push(`    ${d}`);
  }
  lines.push(`${r.environment}: ${r.ok ? 'verified' : 'NOT verified'}: ${r.checks.length - r.failures.length} of ${r.checks.length} checks as declared`);
  lines.push(`  not covered: ${r.notCovered.join('; ')}`);
  return lines.join('\n') + '\n';
}
