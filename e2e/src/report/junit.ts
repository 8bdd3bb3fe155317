import { failureFacts } from './failure.ts';
import { tally, type EnvironmentReport } from './model.ts';

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML: one `testsuite` per environment, one `testcase` per probe. A failing probe's
 * `failure` carries the expectation, the observation and the policies that apply. Probes that
 * were not run are `skipped` with the reason, so a run that did not happen never shows as passed.
 * `integrity`: per environment, why its bundle read from disk is not whole; each fails a case.
 */
export function renderJunit(reports: readonly EnvironmentReport[], name = 'ztp e2e', integrity: ReadonlyMap<string, readonly string[]> = new Map()): string {
  let tests = 0;
  let failed = 0;
  let skipped = 0;
  const suites = reports.map((r) => {
    const results = new Map((r.run?.results ?? []).map((x) => [x.cell.id, x] as const));
    const t = tally(r);
    tests += t.total;
    failed += t.failed;
    skipped += t.notRun;
    const seconds = ((r.run?.durationMs ?? 0) / 1000).toFixed(3);
    const cases = r.plan.cells.map((c) => {
      const x = results.get(c.id);
      const head = `    <testcase classname="e2e.${esc(r.environment)}" name="${esc(c.id)}" time="${((x?.ms ?? 0) / 1000).toFixed(3)}">`;
      if (x === undefined) {
        const why = r.status === 'not-run' ? `not run, because ${r.reason ?? 'the run did not happen'}` : 'not run: the run was interrupted';
        return `${head}\n      <skipped message="${esc(why)}"/>\n    </testcase>`;
      }
      if (x.ok) return `${head}</testcase>`;
      const f = failureFacts(x, r.explanations.get(c.id) ?? []);
      const body = [`expected: ${f.expected}`, `observed: ${f.observed}`, ...(f.policies.length ? ['policies that apply:', ...f.policies.map((p) => `  ${p}`)] : [])].join('\n');
      return `${head}\n      <failure message="${esc(`expected ${c.expected}, observed ${x.observed.outcome}`)}" type="${esc(x.observed.outcome)}">${esc(body)}</failure>\n    </testcase>`;
    });
    // a bundle read from disk that is not whole: each problem fails a case of its own
    const problems = integrity.get(r.environment) ?? [];
    for (const p of problems) cases.push(`    <testcase classname="e2e.${esc(r.environment)}" name="bundle integrity" time="0.000">\n      <failure message="${esc(p)}" type="integrity">${esc(p)}</failure>\n    </testcase>`);
    tests += problems.length;
    failed += problems.length;
    return `  <testsuite name="e2e ${esc(r.environment)}" tests="${t.total + problems.length}" failures="${t.failed + problems.length}" skipped="${t.notRun}" errors="0" time="${seconds}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(name)}" tests="${tests}" failures="${failed}" skipped="${skipped}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
