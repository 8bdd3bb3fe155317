import { describe, expect, it } from 'vitest';
import { defaultDenyGaps, isDefaultDeny, openingPolicies, type NetworkPolicyLike } from './default-deny.ts';

const np = (name: string, spec: NetworkPolicyLike['spec'], namespace = 'app'): NetworkPolicyLike => ({ metadata: { name, namespace }, spec });
const deny = np('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('the default deny', () => {
  it('is a policy on all pods with both policy types and no rules', () => {
    expect(isDefaultDeny(deny)).toBe(true);
    expect(isDefaultDeny(np('x', { podSelector: {}, policyTypes: ['Ingress'] }))).toBe(false);
    expect(isDefaultDeny(np('x', { podSelector: { matchLabels: { a: 'b' } }, policyTypes: ['Ingress', 'Egress'] }))).toBe(false);
    expect(isDefaultDeny(np('x', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [{ port: 53 }] }] }))).toBe(false);
    // Policy types unset: Ingress only (no egress rules), so not a deny of egress.
    expect(isDefaultDeny(np('x', { podSelector: {} }))).toBe(false);
  });

  it('is overridden in a direction by a rule with no peers and no ports on all pods, not by narrower rules', () => {
    const open = np('open', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    const portOnly = np('port', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 80 }] }] });
    const somePods = np('some', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}] });
    const peers = np('peers', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
    expect(openingPolicies([deny, open, portOnly, somePods, peers], 'Ingress')).toEqual(['open']);
    expect(openingPolicies([deny, open], 'Egress')).toEqual([]);
    // Egress rules without policyTypes imply Egress.
    expect(openingPolicies([np('e', { podSelector: {}, egress: [{}] })], 'Egress')).toEqual(['e']);
  });

  it('names each namespace that lacks one, does not exist, or has one not in force', () => {
    const policies = [
      deny,
      np('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'open'),
      np('allow-all', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }, 'open'),
      np('web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }, 'bare'),
    ];
    const gaps = defaultDenyGaps(['app', 'bare', 'gone', 'open'], policies, (ns) => ns !== 'gone');
    expect(gaps.map((g) => g.namespace)).toEqual(['bare', 'gone', 'open']);
    expect(gaps[0]!.reason).toMatch(/no NetworkPolicy selects all pods/);
    expect(gaps[1]!.reason).toMatch(/does not exist/);
    expect(gaps[2]!.reason).toBe('egress is open to everything for every pod by NetworkPolicy allow-all, so default deny deny is not in force for egress');
  });
});
