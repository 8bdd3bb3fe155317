import { matchesSelector } from '@ztp/reachability';
import type { LabelSelector } from '@ztp/reachability';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../cluster.ts';
import { ABSENT_LABEL_VALUE, encodeAbsentLabels, notInKeys } from './absent-labels.ts';

/** cyclonus v0.5.6's selector matching (pkg/kube/labelselector.go), transcribed. */
function cyclonusMatches(labels: Record<string, string>, s: LabelSelector): boolean {
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of s.matchExpressions ?? []) {
    const has = r.key in labels;
    const value = labels[r.key];
    if (r.operator === 'In' && !(has && (r.values ?? []).includes(value!))) return false;
    if (r.operator === 'NotIn' && !(has && !(r.values ?? []).includes(value!))) return false;
    if (r.operator === 'Exists' && !has) return false;
    if (r.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const keys = ['app', 'tier'];
const values = ['a', 'b'];
const labels = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 2 }).map((d) => ({ ...d }));
const requirement = fc.oneof(
  fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(fc.constantFrom(...values), { minLength: 1 }) }),
  fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
);
const selector = fc.record({ matchLabels: labels, matchExpressions: fc.array(requirement, { maxLength: 3 }) });

function clusterWith(podLabels: Record<string, string>, s: LabelSelector): ClusterSpec {
  return {
    namespaces: [{ name: 'n', labels: {} }],
    workloads: [{ kind: 'Pod', namespace: 'n', name: 'w', pods: [{ name: 'w', labels: podLabels, ports: [] }] }],
    policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: s } }],
  };
}

describe('encodeAbsentLabels', () => {
  it('cyclonus really differs from Kubernetes on NotIn with an absent key (so the rewrite is needed)', () => {
    const s: LabelSelector = { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] };
    expect(matchesSelector(s, {})).toBe(true);
    expect(cyclonusMatches({}, s)).toBe(false);
  });

  it('makes cyclonus\'s matching equal Kubernetes\'s on every selector and labels', () => {
    fc.assert(
      fc.property(labels, selector, (podLabels, s) => {
        const encoded = encodeAbsentLabels(clusterWith(podLabels, s));
        const pod = encoded.workloads[0]!.pods[0]!.labels;
        const sel = (encoded.policies[0]!['spec'] as { podSelector: LabelSelector }).podSelector;
        expect(cyclonusMatches({ ...pod }, sel)).toBe(matchesSelector(s, podLabels));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves clusters without NotIn alone and refuses the reserved value in the input', () => {
    const plain = clusterWith({}, { matchExpressions: [{ key: 'app', operator: 'Exists' }] });
    expect(encodeAbsentLabels(plain)).toBe(plain);
    expect(notInKeys(plain.policies).size).toBe(0);
    const reserved = clusterWith({ app: ABSENT_LABEL_VALUE }, { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] });
    expect(() => encodeAbsentLabels(reserved)).toThrow(/reserved|used by the input/);
  });

  it('fills namespaces and rewrites peer selectors too', () => {
    const cluster: ClusterSpec = {
      namespaces: [{ name: 'n', labels: { team: 'x' } }],
      workloads: [],
      policies: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'p', namespace: 'n' },
          spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['a'] }, { key: 'env', operator: 'DoesNotExist' }] } }] }] },
        },
      ],
    };
    const encoded = encodeAbsentLabels(cluster);
    expect(encoded.namespaces[0]!.labels).toEqual({ team: 'x', env: ABSENT_LABEL_VALUE });
    const peer = (encoded.policies[0]!['spec'] as { ingress: { from: { namespaceSelector: LabelSelector }[] }[] }).ingress[0]!.from[0]!.namespaceSelector;
    expect(peer.matchExpressions).toEqual([
      { key: 'env', operator: 'NotIn', values: ['a'] },
      { key: 'env', operator: 'In', values: [ABSENT_LABEL_VALUE] },
    ]);
    expect((cluster.policies[0]!['spec'] as { ingress: { from: { namespaceSelector: LabelSelector }[] }[] }).ingress[0]!.from[0]!.namespaceSelector.matchExpressions![1]!.operator).toBe('DoesNotExist');
  });
});
