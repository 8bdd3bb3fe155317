import { failureFacts, renderFailure } from './failure.ts';
import { matrixOf, renderMatrix } from './matrix.ts';
import { failures, tally, type EnvironmentReport } from './model.ts';

/** The one-line verdict of an environment. */
export function verdictLine(r: EnvironmentReport): string {
  const t = tally(r);
  switch (r.status) {
    case 'passed':
      return `${r.environment}: PASSED, all ${t.total} probes as declared`;
    case 'failed':
      return `${r.environment}: FAILED, ${t.failed} of ${t.total} probes differ from the declared intent${t.notRun ? ` (${t.notRun} not run)` : ''}`;
    case 'interrupted':
      return `${r.environment}: INTERRUPTED after ${t.passed + t.failed} of ${t.total} probes (all ${t.passed} probed so far as declared); not a pass`;
    case 'not-run':
      return `${r.environment}: NOT RUN, because ${r.reason ?? 'it was not run'}; nothing was proven on a cluster`;
  }
}

/**
 * The terminal report of an environment: the verdict, the matrix (`ok`/`drop`/`403` expected per
 * probe, `✓`/`✗` observed), each failure with its expectation, what was observed and the policies
 * that apply, what was not probed and why, and what happened to each layer of the bundle.
 */
export function renderText(r: EnvironmentReport, options: { width?: number; planOnly?: boolean } = {}): string {
  const out: string[] = [options.planOnly ? `${r.environment}: the plan, ${r.plan.cells.length} probes from ${r.plan.sources.length} sources (expected matrix at the ${r.plan.layer === 'all' ? 'full bundle' : 'network layer'}; nothing probed)` : verdictLine(r)];
  if (r.cluster) out.push(`cluster: ${r.cluster}`);
  if (r.run?.barrier) out.push(`policies realized: ${r.run.barrier}`);
  out.push('', renderMatrix(matrixOf(r.plan, r.run), options.width ?? 160));
  out.push('', 'ok: connects  drop: dropped (times out)  403: refused by an L7 rule  rst: refused  dns: DNS failure  *: a port nobody declared  ✓ as expected  ✗ not (expected≠observed)');
  const fs = failures(r);
  if (fs.length > 0) out.push('', `Failures (${fs.length}):`, ...fs.map((f) => renderFailure(failureFacts(f, r.explanations.get(f.cell.id) ?? []))));
  if (r.layers.length > 0) out.push('', 'Bundle layers:', ...r.layers.map((l) => `  ${l.layer}: ${l.applied ? (l.enforced ? 'applied, enforced' : 'applied, not enforced') : 'left out'}; ${l.reason}`));
  if (r.plan.notProbed.length > 0) out.push('', 'Not probed:', ...r.plan.notProbed.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}
