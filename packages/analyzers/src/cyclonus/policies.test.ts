import { describe, expect, it } from 'vitest';
import { cyclonusPolicyList, withDefaultPolicyTypes } from './policies.ts';

const base = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n', creationTimestamp: null, labels: { a: 'b' } }, status: {} };

describe('policies for cyclonus', () => {
  it('defaults policyTypes as the API server does', () => {
    const types = (spec: Record<string, unknown>) => (withDefaultPolicyTypes({ ...base, spec })['spec'] as { policyTypes: string[] }).policyTypes;
    expect(types({ podSelector: {} })).toEqual(['Ingress']);
    expect(types({ podSelector: {}, ingress: [{}] })).toEqual(['Ingress']);
    expect(types({ podSelector: {}, egress: [] })).toEqual(['Ingress']);
    expect(types({ podSelector: {}, egress: [{}] })).toEqual(['Ingress', 'Egress']);
    expect(types({ podSelector: {}, egress: [{}], policyTypes: ['Egress'] })).toEqual(['Egress']);
    expect(types({ podSelector: {}, policyTypes: [] })).toEqual(['Ingress']);
  });

  it('keeps only the fields with semantics (cyclonus parses strictly)', () => {
    const p = withDefaultPolicyTypes({ ...base, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] } });
    expect(p).toEqual({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }], policyTypes: ['Ingress'] } });
    const noNamespace = withDefaultPolicyTypes({ ...base, metadata: { name: 'q' }, spec: { podSelector: {} } });
    expect(noNamespace['metadata']).toEqual({ name: 'q' });
  });

  it('wraps the policies in a NetworkPolicyList, leaving the input untouched', () => {
    const input = { ...base, spec: { podSelector: {} } };
    const list = cyclonusPolicyList([input]);
    expect(list['kind']).toBe('NetworkPolicyList');
    expect((list['items'] as unknown[]).length).toBe(1);
    expect(input.spec).toEqual({ podSelector: {} });
  });
});
