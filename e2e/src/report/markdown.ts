import { failureFacts } from './failure.ts';
import { cellText, matrixOf } from './matrix.ts';
import { failures, tally, type EnvironmentReport } from './model.ts';
import { verdictLine } from './text.ts';

const ICON = { passed: '✅', failed: '❌', interrupted: '⚠️', 'not-run': '⏭️' } as const;
const cellMd = (s: string) => s.replace(/\|/g, '\\|');

/**
 * A markdown summary for a pull request (or `$GITHUB_STEP_SUMMARY`): one line per environment,
 * then per environment its matrix, its failures (expectation, observation, policies) in full,
 * its bundle layers and what was not probed. Environments that did not run say so and why; no
 * line claims a pass that did not happen.
 */
export function renderMarkdown(reports: readonly EnvironmentReport[], title = 'ztp e2e (kind + Cilium)'): string {
  const out: string[] = [`## ${title}`, ''];
  for (const r of reports) out.push(`- ${ICON[r.status]} ${verdictLine(r)}`);
  for (const r of reports) {
    const t = tally(r);
    out.push('', `### ${r.environment}: ${r.status === 'not-run' ? 'not run' : `${t.passed}/${t.total} as declared`}`, '');
    if (r.status === 'not-run') {
      out.push(`Not run, because ${r.reason ?? 'it was not run'}. The expected matrix below comes from the declared intent; nothing in it was observed.`, '');
    }
    if (r.cluster) out.push(`Cluster: ${r.cluster}.`, '');
    const m = matrixOf(r.plan, r.run);
    out.push(`| from \\ to | ${m.columns.map((c) => cellMd(c.label)).join(' | ')} |`, `| --- | ${m.columns.map(() => '---').join(' | ')} |`);
    for (const row of m.rows) out.push(`| ${cellMd(row)} | ${m.columns.map((c) => cellMd(cellText(m.cells.get(`${row}|${c.key}`)))).join(' | ')} |`);
    out.push('', '`ok` connects, `drop` dropped, `403` refused by an L7 rule, `*` a port nobody declared; ✓ as expected, ✗ not (expected≠observed).');
    const fs = failures(r);
    if (fs.length > 0) {
      out.push('', `#### Failures (${fs.length})`, '');
      for (const f of fs) {
        const facts = failureFacts(f, r.explanations.get(f.cell.id) ?? []);
        out.push(`- **\`${facts.cell}\`**`, `  - expected: ${facts.expected}`, `  - observed: ${facts.observed}`);
        if (facts.policies.length > 0) out.push(`  - policies that apply:`, ...facts.policies.map((p) => `    - ${p}`));
      }
    }
    if (r.layers.length > 0) {
      out.push('', '<details><summary>Bundle layers</summary>', '');
      for (const l of r.layers) out.push(`- **${l.layer}**: ${l.applied ? (l.enforced ? 'applied, enforced' : 'applied, not enforced') : 'left out'}; ${l.reason}`);
      out.push('', '</details>');
    }
    if (r.plan.notProbed.length > 0) out.push('', '<details><summary>Not probed</summary>', '', ...r.plan.notProbed.map((n) => `- ${n}`), '', '</details>');
  }
  return `${out.join('\n')}\n`;
}
