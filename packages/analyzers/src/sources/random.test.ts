import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseFromCluster, caseNamespaces } from '../case.ts';
import { batchesByNamespace } from '../crosscheck.ts';
import { caseBatch, caseTemplate, instantiate } from './random.ts';

describe('random clusters', () => {
  it('are valid manifests for @ztp/reachability (which refuses what the API server would)', () => {
    fc.assert(
      fc.property(caseTemplate, fc.nat({ max: 200 }), (t, k) => {
        const c = caseFromCluster(`random/${k}`, instantiate(t, k));
        expect(c.resources.workloads.length).toBe(t.workloads.length);
        expect(c.resources.networkPolicies.length).toBe(t.policies.length);
      }),
      { numRuns: 300 },
    );
  });

  it('instantiate the cases of a batch in distinct namespaces and pod IPs, so one process can analyse them', () => {
    fc.assert(
      fc.property(caseBatch(20), (templates) => {
        const cases = templates.map((t, k) => caseFromCluster(`random/${k}`, instantiate(t, k)));
        expect(batchesByNamespace(cases).length).toBe(1);
        const ips = cases.flatMap((c) => c.cluster.workloads.flatMap((w) => w.pods.flatMap((p) => (p.ip !== undefined ? [p.ip] : []))));
        expect(new Set(ips).size).toBe(ips.length);
        const names = cases.map((c) => [...caseNamespaces(c)]);
        expect(new Set(names.flat()).size).toBe(names.flat().length);
      }),
      { numRuns: 50 },
    );
  });

  it('cover the features the cross-check is about', () => {
    const samples = fc.sample(caseTemplate, { numRuns: 400, seed: 42 }).map((t, k) => instantiate(t, k));
    const text = JSON.stringify(samples);
    for (const feature of ['"ipBlock"', '"except"', '"endPort"', '"NotIn"', '"DoesNotExist"', '"namespaceSelector"', '"SCTP"', '"hostNetwork":true', '"port":"http"', '"policyTypes"', '"kubernetes.io/metadata.name"']) {
      expect(text, feature).toContain(feature);
    }
    expect(samples.some((s) => s.policies.some((p) => (p['spec'] as { egress?: unknown[] }).egress?.length === 0))).toBe(true);
  });
});
