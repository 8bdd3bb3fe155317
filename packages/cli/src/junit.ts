/** One JUnit test case; `failure` set when it failed. */
export interface JunitCase {
  readonly suite: string;
  readonly name: string;
  readonly failure?: string | undefined;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML, one `testsuite` per suite name, in the order the cases come. */
export function junitXml(name: string, cases: readonly JunitCase[]): string {
  const suites = new Map<string, JunitCase[]>();
  for (const c of cases) {
    const suite = suites.get(c.suite);
    if (suite === undefined) suites.set(c.suite, [c]);
    else suite.push(c);
  }
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const body = [...suites]
    .map(([suite, cs]) => {
      const f = cs.filter((c) => c.failure !== undefined).length;
      const tcs = cs
        .map((c) => `    <testcase classname="${esc(suite)}" name="${esc(c.name)}">${c.failure === undefined ? '' : `\n      <failure message="${esc(c.failure.split('\n')[0] ?? '')}">${esc(c.failure)}</failure>\n    `}</testcase>`)
        .join('\n');
      return `  <testsuite name="${esc(suite)}" tests="${cs.length}" failures="${f}">\n${tcs}\n  </testsuite>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(name)}" tests="${cases.length}" failures="${failures}">\n${body}\n</testsuites>\n`;
}
