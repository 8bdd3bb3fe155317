/**
 * Reading `cyclonus analyze --mode query-traffic` output. For each traffic object, in input
 * order, cyclonus prints `Traffic:` with a table describing it, then `Is traffic allowed?` with
 * a table whose footer row is `| IS ALLOWED? | TRUE |` or `| IS ALLOWED? | FALSE |`.
 */

/** The verdicts in input order. Throws unless there is exactly one verdict per `Traffic:` block and `expected` of them. */
export function parseQueryTraffic(stdout: string, expected: number): boolean[] {
  const blocks = stdout.split(/^Traffic:$/m).slice(1);
  if (blocks.length !== expected) throw new Error(`cyclonus printed ${blocks.length} traffic blocks for ${expected} traffic objects`);
  return blocks.map((block, i) => {
    const verdicts = [...block.matchAll(/^\| IS ALLOWED\? \|\s*(TRUE|FALSE)\s*\|/gm)];
    if (verdicts.length !== 1) throw new Error(`cyclonus traffic block ${i} has ${verdicts.length} verdicts:\n${block.slice(0, 2000)}`);
    return verdicts[0]![1] === 'TRUE';
  });
}
