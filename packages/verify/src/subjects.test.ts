import { describe, expect, it } from 'vitest';
import { meetsSubject, podsSelected as withExcludes, type ManagedNamespace } from './subjects.ts';

/** The pods without what their selectors exclude (asserted on its own below). */
const podsSelected = (...args: Parameters<typeof withExcludes>) => withExcludes(...args).map(({ excludes: _excludes, present: _present, ...p }) => p);

const NS: ManagedNamespace[] = [
  { name: 'data', labels: { team: 'db' } },
  { name: 'shop', labels: {} },
];
const np = (namespace: string, podSelector: unknown, peers: unknown[] = []) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec: { podSelector, ingress: [{ from: peers }] } });
const cnp = (kind: string, namespace: string | undefined, endpointSelector: unknown, fromEndpoints: unknown[] = []) => ({ apiVersion: 'cilium.io/v2', kind, metadata: { name: 'c', ...(namespace ? { namespace } : {}) }, spec: { endpointSelector, ingress: [{ fromEndpoints }] } });

describe('podsSelected: a pod meeting each selector of the policies, in each managed namespace it looks in', () => {
  it('meets matchLabels and expressions (the first In value, a value for Exists; NotIn and DoesNotExist by leaving the label out)', () => {
    const sel = { matchLabels: { app: 'admin' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'debug', operator: 'Exists' }, { key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'x', operator: 'DoesNotExist' }] };
    expect(podsSelected([np('shop', sel)], undefined, NS)).toEqual([{ namespace: 'shop', labels: { app: 'admin', debug: 'ztp-rogue', tier: 'a' } }]);
    const [pod] = withExcludes([np('shop', sel)], undefined, NS);
    expect(pod!.excludes).toEqual([{ key: 'env', values: ['prod'] }, { key: 'x' }]);
    expect(pod!.present).toEqual(['debug']);
    // a placed pod meets it only without what it excludes
    expect(meetsSubject(pod!, { app: 'admin', debug: '1', tier: 'a' }, 'sa')).toBe(true);
    expect(meetsSubject(pod!, { app: 'admin', debug: '1', tier: 'a', env: 'prod' }, 'sa')).toBe(false);
    expect(meetsSubject(pod!, { app: 'admin', debug: '1', tier: 'a', x: '' }, 'sa')).toBe(false);
    expect(meetsSubject(pod!, { app: 'admin', tier: 'a' }, 'sa')).toBe(false);
  });

  it('leaves out selectors no pod can meet', () => {
    const none = [
      { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] },
      { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] },
      { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['b'] }] },
      { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] },
      { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] },
    ];
    expect(podsSelected(none.map((s) => np('shop', s)), undefined, NS)).toEqual([]);
  });

  it('looks for NetworkPolicy peers in the namespaces their namespace selector meets (its own without one), managed ones only', () => {
    const peers = [{ podSelector: { matchLabels: { app: 'same' } } }, { namespaceSelector: { matchLabels: { team: 'db' } }, podSelector: { matchLabels: { app: 'team' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: 'any' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { app: 'dns' } } }, { ipBlock: { cidr: '10.0.0.0/8' } }];
    expect(podsSelected([np('shop', { matchLabels: { app: 'web' } }, peers)], undefined, NS)).toEqual([
      { namespace: 'data', labels: { app: 'any' } },
      { namespace: 'data', labels: { app: 'team' } },
      { namespace: 'shop', labels: { app: 'any' } },
      { namespace: 'shop', labels: { app: 'same' } },
      { namespace: 'shop', labels: { app: 'web' } },
    ]);
  });

  it("reads Cilium's own labels: the namespace's name and labels as a namespace selector, the service account; another source leaves the selector out", () => {
    expect(podsSelected([cnp('CiliumNetworkPolicy', 'shop', { matchLabels: { 'k8s:app': 'admin', 'k8s:io.cilium.k8s.policy.serviceaccount': 'ops' } })], undefined, NS)).toEqual([{ namespace: 'shop', labels: { app: 'admin' }, serviceAccount: 'ops' }]);
    expect(podsSelected([cnp('CiliumClusterwideNetworkPolicy', undefined, { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'data', app: 'x' } })], undefined, NS)).toEqual([{ namespace: 'data', labels: { app: 'x' } }]);
    expect(podsSelected([cnp('CiliumClusterwideNetworkPolicy', undefined, { matchLabels: { app: 'x' } })], undefined, NS).map((p) => p.namespace)).toEqual(['data', 'shop']);
    // a namespaced policy's subjects are in its namespace: Cilium puts it in place of any other the selector names
    expect(podsSelected([cnp('CiliumNetworkPolicy', 'shop', { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'data', app: 'z' } })], undefined, NS)).toEqual([{ namespace: 'shop', labels: { app: 'z' } }]);
    expect(podsSelected([cnp('CiliumNetworkPolicy', 'data', { matchLabels: { 'k8s:io.cilium.k8s.namespace.labels.team': 'db', app: 'y' } })], undefined, NS)).toEqual([{ namespace: 'data', labels: { app: 'y' } }]);
    expect(podsSelected([cnp('CiliumNetworkPolicy', 'shop', { matchLabels: { 'reserved:host': '' } })], undefined, NS)).toEqual([]);
    // peers: in the policy's namespace unless they name one, by name or labels
    const peers = [{ matchLabels: { app: 'p' } }, { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'data', app: 'q' } }, { matchLabels: { 'k8s:io.cilium.k8s.namespace.labels.team': 'db', app: 'r' } }];
    expect(podsSelected([cnp('CiliumNetworkPolicy', 'shop', {}, peers)], undefined, NS)).toEqual([
      { namespace: 'data', labels: { app: 'q' } },
      { namespace: 'data', labels: { app: 'r' } },
      { namespace: 'shop', labels: { app: 'p' } },
      { namespace: 'shop', labels: {} },
    ]);
  });

  it("reads Istio's selector, and the root namespace's policies as everywhere", () => {
    const ap = (namespace: string, selector?: unknown) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace }, spec: { action: 'ALLOW', ...(selector ? { selector } : {}) } });
    expect(podsSelected([ap('shop', { matchLabels: { app: 'admin' } }), ap('istio-system', { matchLabels: { app: 'x' } })], 'istio-system', NS)).toEqual([
      { namespace: 'data', labels: { app: 'x' } },
      { namespace: 'shop', labels: { app: 'admin' } },
      { namespace: 'shop', labels: { app: 'x' } },
    ]);
  });
});
