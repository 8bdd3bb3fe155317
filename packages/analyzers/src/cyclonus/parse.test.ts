import { describe, expect, it } from 'vitest';
import { parseQueryTraffic, QueryTrafficReader } from './parse.ts';

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

  it('reads line by line without holding the output: 100,000 blocks, one at a time', () => {
    const reader = new QueryTrafficReader();
    reader.line('query traffic:');
    const blocks = OUTPUT.split('Traffic:\n').slice(1).map((b) => b.split('\n'));
    for (let i = 0; i < 100_000; i++) {
      reader.line('Traffic:');
      for (const line of blocks[i % 2]!) reader.line(line);
    }
    const verdicts = reader.finish(100_000);
    expect(verdicts).toHaveLength(100_000);
    expect(verdicts.filter((v) => v)).toHaveLength(50_000);
    expect(verdicts[0]).toBe(true);
    expect(verdicts[99_999]).toBe(false);
  });

  it('refuses a block with two verdicts as soon as it is read', () => {
    const reader = new QueryTrafficReader();
    reader.line('Traffic:');
    reader.line('| IS ALLOWED? |  TRUE  |');
    expect(() => reader.line('| IS ALLOWED? | FALSE  |')).toThrow(/block 0 has 2 verdicts/);
  });
});
