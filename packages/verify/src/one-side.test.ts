import { describe, expect, it } from 'vitest';
import { oneSide } from './one-side.ts';

const np = (spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec });
const cnp = (body: Record<string, unknown>) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'a' }, ...body });

describe('oneSide', () => {
  it('keeps one side of a NetworkPolicy, with policyTypes as the API server defaults them', () => {
    const both = np({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
    expect(oneSide([both], 'ingress')).toEqual([np({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(oneSide([both], 'egress')).toEqual([np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] })]);
    // no policyTypes and no rules: an ingress default deny, kept on the ingress side only
    expect(oneSide([np({ podSelector: {} })], 'ingress')).toEqual([np({ podSelector: {}, policyTypes: ['Ingress'] })]);
    expect(oneSide([np({ podSelector: {} })], 'egress')).toEqual([]);
    // an egress default deny is dropped from the ingress side
    expect(oneSide([np({ podSelector: {}, policyTypes: ['Egress'] })], 'ingress')).toEqual([]);
    expect(oneSide([np({ podSelector: {}, policyTypes: ['Egress'] })], 'egress')).toEqual([np({ podSelector: {}, policyTypes: ['Egress'] })]);
  });

  it("keeps one side of Cilium rules and turns off the other side's default deny", () => {
    const c = cnp({
      spec: { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }], egress: [{ toEndpoints: [{}] }], enableDefaultDeny: { ingress: true, egress: true } },
      specs: [{ endpointSelector: {}, egressDeny: [{ toEntities: ['world'] }] }],
    });
    expect(oneSide([c], 'ingress')).toEqual([cnp({ spec: { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }], enableDefaultDeny: { ingress: true, egress: false } } })]);
    expect(oneSide([c], 'egress')).toEqual([
      cnp({ spec: { endpointSelector: {}, egress: [{ toEndpoints: [{}] }], enableDefaultDeny: { ingress: false, egress: true } }, specs: [{ endpointSelector: {}, egressDeny: [{ toEntities: ['world'] }] }] }),
    ]);
    expect(oneSide([cnp({ spec: { endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: 'x.example' }] }] } })], 'ingress')).toEqual([]);
  });

  it('keeps every other object as it is', () => {
    const ap = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'x', namespace: 'a' }, spec: { rules: [{}] } };
    expect(oneSide([ap], 'egress')[0]).toBe(ap);
  });
});
