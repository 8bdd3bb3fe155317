import { describe, expect, it } from 'vitest';
import { parseQueryTraffic } from './parse.ts';

/** Output of cyclonus v0.5.6 `analyze --mode query-traffic` for two traffic objects (trimmed tables). */
const OUTPUT = `query traffic:
Traffic:
+------------------+-------------+----------+
|  PORT/PROTOCOL   | SOURCE/DEST |  POD IP  |
+------------------+-------------+----------+
| 80 (http) on TCP | source      | 10.1.1.1 |
+------------------+-------------+----------+

Is traffic allowed?
+-------------+--------+---------------+
|    TYPE     | ACTION |    TARGET     |
+-------------+--------+---------------+
| Ingress     | Allow  | namespace: y  |
+-------------+--------+---------------+
| IS ALLOWED? |  TRUE  |                
+-------------+--------+---------------+



Traffic:
+------------------+-------------+---------+
| 80 (http) on TCP | source      | fd00::2 |
+------------------+-------------+---------+

Is traffic allowed?
+-------------+--------+---------------+
| IS ALLOWED? | FALSE  |                
+-------------+--------+---------------+
`;

describe('parseQueryTraffic', () => {
  it('reads one verdict per traffic block, in order', () => {
    expect(parseQueryTraffic(OUTPUT, 2)).toEqual([true, false]);
  });

  it('refuses output with a different number of blocks or verdicts', () => {
    expect(() => parseQueryTraffic(OUTPUT, 3)).toThrow(/2 traffic blocks for 3/);
    expect(() => parseQueryTraffic(OUTPUT.replace('| IS ALLOWED? | FALSE  |', '| nothing |'), 2)).toThrow(/block 1 has 0 verdicts/);
    expect(parseQueryTraffic('query traffic:\n', 0)).toEqual([]);
  });
});
