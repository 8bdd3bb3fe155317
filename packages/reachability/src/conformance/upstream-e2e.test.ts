import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildResources, verdict } from '../index.ts';
import { availability } from './availability.ts';
import { e2eManifests, expectedTable, parseProbe, substituteIps } from './upstream-e2e.ts';
import type { E2eSuite } from './upstream-e2e.ts';

const data = availability('netpol-upstream-e2e');

describe('netpol-upstream-e2e conformance (Kubernetes e2e truth tables)', () => {
  if (!data.run) {
    if (data.mustFail) {
      it('has the conformance data (required under CI)', () => {
        throw new Error(data.reason);
      });
    } else {
      console.log(`SKIPPED netpol-upstream-e2e conformance: ${data.reason}`);
      it.skip(`upstream e2e cases (skipped: ${data.reason})`, () => {});
    }
    return;
  }
  const suite = JSON.parse(readFileSync(join(data.dir, 'cases.json'), 'utf8')) as E2eSuite;

  it('has cases', () => {
    expect(suite.cases.length).toBeGreaterThan(0);
  });

  for (const testCase of suite.cases) {
    it(`${testCase.id} ${testCase.title}`, () => {
      const mismatches: string[] = [];
      let judged = 0;
      testCase.steps.forEach((step, index) => {
        const resources = buildResources([...e2eManifests(suite, testCase), ...step.policies.map((p) => substituteIps(suite, p))]);
        for (const [probe, expectations] of Object.entries(step.expect)) {
          const { protocol, port } = parseProbe(probe);
          for (const [pair, allowed] of expectedTable(suite, expectations)) {
            const [src, dst] = pair.split('->') as [string, string];
            const v = verdict(resources, { src, dst, protocol, port });
            judged++;
            if (v.allowed !== allowed) {
              mismatches.push(
                `step ${index} ${probe} ${pair}: expected ${allowed ? 'allowed' : 'denied'}, got ${v.allowed ? 'allowed' : 'denied'} ` +
                  `(ingress ${JSON.stringify(v.ingress.decidedBy)}, egress ${JSON.stringify(v.egress.decidedBy)})`,
              );
            }
          }
        }
      });
      const pods = suite.model.namespaces.length * suite.model.pods.length;
      expect(judged).toBe(testCase.steps.reduce((n, s) => n + Object.keys(s.expect).length, 0) * pods * (pods - 1));
      expect(mismatches, mismatches.join('\n')).toEqual([]);
    });
  }
});
