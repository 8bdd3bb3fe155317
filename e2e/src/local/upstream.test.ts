import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availability, type E2eSuite } from '@ztp/reachability';
import { dataplaneUnavailable } from '@ztp/local-cluster';
import { describe, expect, it } from 'vitest';
import { OUTCOME_SYMBOL } from '../outcome.ts';
import { runUpstreamOnLocal, upstreamCells } from './upstream.ts';

const data = availability('netpol-upstream-e2e');
if (!data.run && data.mustFail) throw new Error(data.reason);
if (!data.run) console.log(`upstream NetworkPolicy e2e on real packets: not run, because ${data.reason}`);
const reason = data.run ? await dataplaneUnavailable() : data.reason;
if (data.run && reason !== undefined) console.log(`upstream NetworkPolicy e2e on real packets: ${reason}`);
const suite = data.run ? (JSON.parse(readFileSync(join(data.dir, 'cases.json'), 'utf8')) as E2eSuite) : undefined;

describe('the upstream e2e cells', () => {
  it.skipIf(suite === undefined)('cover every ordered pair of distinct pods on every expected port', () => {
    const step = suite!.cases.find((c) => c.id === 'A01')!.steps[0]!;
    const cells = upstreamCells(suite!, 'A01', step.expect);
    expect(cells).toHaveLength(9 * 8);
    expect(cells.filter((c) => c.expected === 'dropped').map((c) => c.target)).toEqual(expect.arrayContaining(['x/a', 'x/b', 'x/c']));
    expect(cells.every((c) => c.expected === 'connected' || c.target.startsWith('x/'))).toBe(true);
  });
});

describe.skipIf(reason !== undefined)('upstream NetworkPolicy e2e cases on real packets (kube-apiserver + kube-network-policies)', () => {
  it('reproduces every step of every case exactly', async () => {
    const results = await runUpstreamOnLocal(suite!, { log: (line) => console.log(line) });
    const steps = suite!.cases.reduce((n, c) => n + c.steps.length, 0);
    expect(results).toHaveLength(steps);
    const failures = results.flatMap((r) => r.failures.map((f) => `${f.cell.id}: expected ${f.cell.expected}, observed ${OUTCOME_SYMBOL[f.observed.outcome]} (${f.observed.detail})`));
    expect(failures).toEqual([]);
    // Each step probed its whole truth table, and denials were among what was seen.
    for (const r of results) expect(r.results.length).toBeGreaterThanOrEqual(72);
    expect(results.some((r) => r.results.some((x) => x.cell.expected === 'dropped' && x.observed.outcome === 'dropped'))).toBe(true);
  }, 900_000);
});
