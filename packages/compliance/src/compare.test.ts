import { describe, expect, it } from 'vitest';
import { differences, formatDifference } from './compare.ts';

const np = (spec: Record<string, unknown>, labels: Record<string, string> = { 'ztp.dev/environment': 'production' }) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'production', labels },
  spec,
});
const deny = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };

describe('differences', () => {
  it('finds none between an object and itself, whatever the server adds to metadata and status', () => {
    const live = { ...np(deny), metadata: { ...np(deny).metadata, uid: 'u', resourceVersion: '7', managedFields: [{}], labels: { 'ztp.dev/environment': 'production', extra: 'x' } }, status: { any: 1 } };
    expect(differences(np(deny), live, 'exact')).toEqual([]);
  });

  it('sees a field only the live object has (a rule added to a default deny) when exact, not when subset', () => {
    const live = np({ ...deny, ingress: [{}] });
    expect(differences(np(deny), live, 'exact')).toEqual([{ path: 'spec.ingress', expected: undefined, actual: [{}] }]);
    expect(differences(np(deny), live, 'subset')).toEqual([]);
  });

  it('sees an extra list element in either mode: servers never add list elements as defaults', () => {
    const desired = np({ ...deny, policyTypes: ['Ingress'] });
    const live = np({ ...deny, policyTypes: ['Ingress', 'Egress'] });
    for (const mode of ['exact', 'subset'] as const) expect(differences(desired, live, mode)).toEqual([{ path: 'spec.policyTypes[1]', expected: undefined, actual: 'Egress' }]);
  });

  it('sees a changed value deep in a list, and a field the live object lacks', () => {
    const desired = np({ podSelector: {}, ingress: [{ ports: [{ port: 5432, protocol: 'TCP' }] }] });
    const live = np({ podSelector: {}, ingress: [{ ports: [{ port: 5433 }] }] });
    expect(differences(desired, live, 'subset').map(formatDifference)).toEqual(['spec.ingress[0].ports[0].port: 5432 -> 5433', 'spec.ingress[0].ports[0].protocol: "TCP" -> (absent)']);
  });

  it("compares the bundle's labels and annotations only, each present and equal", () => {
    const desired = { ...np(deny, { a: '1', b: '2' }), metadata: { name: 'p', labels: { a: '1', b: '2' }, annotations: { 'x/y': 'z' } } };
    const live = { ...np(deny), metadata: { name: 'p', labels: { a: '1', c: '3' }, annotations: { 'x/y': 'w', other: 'o' } } };
    expect(differences(desired, live, 'exact').map(formatDifference)).toEqual(['metadata.labels["b"]: "2" -> (absent)', 'metadata.annotations["x/y"]: "z" -> "w"']);
  });

  it('sees an added label or annotation that an enforcer reads, in either mode (istio.io/dry-run turns an AuthorizationPolicy off)', () => {
    const ap = (annotations: Record<string, string>, labels: Record<string, string> = {}) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'ztp-allow-nothing', namespace: 'dev', annotations, labels }, spec: {} });
    const desired = ap({ 'argocd.argoproj.io/sync-wave': '10' });
    const live = ap({ 'argocd.argoproj.io/sync-wave': '10', 'argocd.argoproj.io/tracking-id': 't', 'istio.io/dry-run': 'true' }, { 'istio-injection': 'disabled', 'policy.cilium.io/x': 'y', 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/audit': 'restricted', team: 'a' });
    for (const mode of ['exact', 'subset'] as const) {
      expect(differences(desired, live, mode).map(formatDifference)).toEqual([
        'metadata.labels["istio-injection"]: (absent) -> "disabled"',
        'metadata.labels["pod-security.kubernetes.io/enforce"]: (absent) -> "privileged"',
        'metadata.labels["policy.cilium.io/x"]: (absent) -> "y"',
        'metadata.annotations["istio.io/dry-run"]: (absent) -> "true"',
      ]);
    }
  });

  it('compares top-level fields other than spec (data, rules) and quotes keys that are not identifiers', () => {
    const desired = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'rules.yaml': 'a' } };
    const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'rules.yaml': 'b' }, binaryData: { x: 'AA==' } };
    expect(differences(desired, live, 'exact').map(formatDifference)).toEqual(['binaryData: (absent) -> {"x":"AA=="}', 'data["rules.yaml"]: "a" -> "b"']);
  });

  it('tells a string from a number (an int-or-string port)', () => {
    expect(differences(np({ ports: [{ port: 8080 }] }), np({ ports: [{ port: '8080' }] }), 'exact')).toHaveLength(1);
  });
});
