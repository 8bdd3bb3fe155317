/** JUnit XML of a verdict matrix: one test suite per engine, one test case per rule example. Pure. */
import type { VerdictMatrix } from './matrix.ts';

function escape(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/** The matrix as JUnit XML (deterministic: engines, rules and examples in matrix order). */
export function renderJUnit(matrix: VerdictMatrix, name = 'ztp admission proof'): string {
  const lines: string[] = [];
  const suites = matrix.engines.map((e) => {
    const cells = matrix.cells.filter((c) => c.engine === e.engine);
    const body: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const cell of cells) {
      const caseName = `${cell.rule} ${cell.example}`;
      const related = matrix.failures.filter((f) => f.rule === cell.rule && f.example === cell.example && f.engines.includes(cell.engine));
      body.push(`    <testcase classname="${escape(cell.rule)}" name="${escape(caseName)}">`);
      // a failure first: a cell an engine that ran left unjudged (its form lacks the rule) is one
      if (related.length > 0) {
        failures++;
        body.push(`      <failure message="${escape(related[0]!.text)}" type="${related[0]!.kind}">${escape(related.map((f) => f.text).join('\n'))}</failure>`);
      } else if (cell.actual === 'not-run') {
        skipped++;
        body.push(`      <skipped message="${escape(cell.reason ?? 'not run')}"/>`);
      }
      body.push('    </testcase>');
    }
    const engineFailure = matrix.failures.find((f) => f.kind === 'engine' && f.engines.includes(e.engine));
    const head = `  <testsuite name="${escape(e.engine)}" tests="${cells.length}" failures="${failures}" errors="${engineFailure ? 1 : 0}" skipped="${skipped}">`;
    const tail = engineFailure ? [`    <system-err>${escape(engineFailure.text)}</system-err>`] : [];
    return { head, body, tail, failures, tests: cells.length, skipped };
  });
  // what no engine's cell carries (a form that audits, examples that pin no clause): a suite of its own
  const general = matrix.failures.filter((f) => f.engines.length === 0);
  if (general.length > 0) {
    suites.push({
      head: `  <testsuite name="forms and examples" tests="${general.length}" failures="${general.length}" errors="0" skipped="0">`,
      body: general.flatMap((f, i) => [`    <testcase classname="${f.kind}" name="${escape(`${f.kind} ${i + 1}`)}">`, `      <failure message="${escape(f.text)}" type="${f.kind}">${escape(f.text)}</failure>`, '    </testcase>']),
      tail: [],
      failures: general.length,
      tests: general.length,
      skipped: 0,
    });
  }
  const total = suites.reduce((n, s) => n + s.tests, 0);
  const failed = suites.reduce((n, s) => n + s.failures, 0);
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<testsuites name="${escape(name)}" tests="${total}" failures="${failed}">`);
  for (const s of suites) lines.push(s.head, ...s.body, ...s.tail, '  </testsuite>');
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
