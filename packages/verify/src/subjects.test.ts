import { describe, expect, it } from 'vitest';
import { policySubjects } from './subjects.ts';

const np = (namespace: string, podSelector: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec: { podSelector } });

describe('policySubjects: a pod meeting each subject selector', () => {
  it('meets matchLabels and expressions (the first In value, a value for Exists; NotIn and DoesNotExist by leaving the label out)', () => {
    const sel = { matchLabels: { app: 'admin' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'debug', operator: 'Exists' }, { key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'x', operator: 'DoesNotExist' }] };
    expect(policySubjects([np('shop', sel)], undefined)).toEqual([{ namespace: 'shop', labels: { app: 'admin', debug: 'ztp-rogue', tier: 'a' } }]);
    expect(policySubjects([np('shop', {})], undefined)).toEqual([{ namespace: 'shop', labels: {} }]);
  });

  it('leaves out selectors no pod can meet', () => {
    const none = [
      { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] },
      { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] },
      { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['b'] }] },
      { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] },
      { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] },
    ];
    expect(policySubjects(none.map((s) => np('shop', s)), undefined)).toEqual([]);
  });

  it("reads Cilium's own labels: the pod's namespace and service account; a namespace label or another source leaves the selector out", () => {
    const cnp = (kind: string, namespace: string | undefined, endpointSelector: unknown) => ({ apiVersion: 'cilium.io/v2', kind, metadata: { name: 'c', ...(namespace ? { namespace } : {}) }, spec: { endpointSelector } });
    expect(policySubjects([cnp('CiliumNetworkPolicy', 'shop', { matchLabels: { 'k8s:app': 'admin', 'k8s:io.cilium.k8s.policy.serviceaccount': 'ops' } })], undefined)).toEqual([{ namespace: 'shop', labels: { app: 'admin' }, serviceAccount: 'ops' }]);
    expect(policySubjects([cnp('CiliumClusterwideNetworkPolicy', undefined, { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'data', app: 'x' } })], undefined)).toEqual([{ namespace: 'data', labels: { app: 'x' } }]);
    expect(policySubjects([cnp('CiliumClusterwideNetworkPolicy', undefined, { matchLabels: { app: 'x' } })], undefined)).toEqual([{ labels: { app: 'x' } }]);
    // a namespaced policy naming another namespace selects nothing
    expect(policySubjects([cnp('CiliumNetworkPolicy', 'shop', { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'data' } })], undefined)).toEqual([]);
    expect(policySubjects([cnp('CiliumNetworkPolicy', 'shop', { matchLabels: { 'k8s:io.cilium.k8s.namespace.labels.team': 'a' } })], undefined)).toEqual([]);
    expect(policySubjects([cnp('CiliumNetworkPolicy', 'shop', { matchLabels: { 'reserved:host': '' } })], undefined)).toEqual([]);
  });

  it("reads Istio's selector, and the root namespace's policies as everywhere", () => {
    const ap = (namespace: string, selector?: unknown) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace }, spec: { action: 'ALLOW', ...(selector ? { selector } : {}) } });
    expect(policySubjects([ap('shop', { matchLabels: { app: 'admin' } }), ap('istio-system', { matchLabels: { app: 'x' } }), ap('data')], 'istio-system')).toEqual([{ labels: { app: 'x' } }, { namespace: 'data', labels: {} }, { namespace: 'shop', labels: { app: 'admin' } }]);
  });
});
