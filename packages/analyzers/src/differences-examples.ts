/**
 * One small example per known difference: a cluster on which the analyzer(s) concerned and
 * @ztp/reachability differ in exactly the documented way. differences.test.ts runs the real
 * analyzers on each and requires the cross-check to pass with the difference and to fail
 * without it, so no entry of KNOWN_DIFFERENCES goes unexercised.
 */
import type { ClusterSpec } from './cluster.ts';
import type { KnownDifferenceId } from './differences.ts';

const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

/** The example of each known difference. */
export const DIFFERENCE_EXAMPLES: Readonly<Record<KnownDifferenceId, ClusterSpec>> = {
  // h is a host-network pod labelled like a, the only allowed client of b
  'host-network-pods': {
    namespaces: [{ name: 'hn', labels: {} }],
    workloads: [
      { kind: 'Pod', namespace: 'hn', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [], ip: '10.1.0.1' }] },
      { kind: 'Pod', namespace: 'hn', name: 'b', pods: [{ name: 'b', labels: { app: 'b' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ip: '10.1.0.2' }] },
      { kind: 'Pod', namespace: 'hn', name: 'h', pods: [{ name: 'h', labels: { app: 'a' }, ports: [], ip: '192.168.5.5', hostNetwork: true }] },
    ],
    policies: [policy('hn', 'b', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }] })],
  },
  // b admits 10.2.0.1/32, which is a's pod IP
  'ipblock-matches-pod-ip': {
    namespaces: [{ name: 'ipb', labels: {} }],
    workloads: [
      { kind: 'Pod', namespace: 'ipb', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [], ip: '10.2.0.1' }] },
      { kind: 'Pod', namespace: 'ipb', name: 'b', pods: [{ name: 'b', labels: { app: 'b' }, ports: [], ip: '10.2.0.2' }] },
    ],
    policies: [policy('ipb', 'b', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.2.0.1/32' } }] }] })],
  },
  // upstream e2e A19: egress on the named port serve-80-tcp only, to anywhere
  'named-port-to-ip-destination': {
    namespaces: [{ name: 'np', labels: {} }],
    workloads: [
      { kind: 'Pod', namespace: 'np', name: 'a', pods: [{ name: 'a', labels: { pod: 'a' }, ports: [{ name: 'serve-80-tcp', port: 80, protocol: 'TCP' }, { name: 'serve-81-tcp', port: 81, protocol: 'TCP' }] }] },
      { kind: 'Pod', namespace: 'np', name: 'b', pods: [{ name: 'b', labels: { pod: 'b' }, ports: [{ name: 'serve-80-tcp', port: 80, protocol: 'TCP' }, { name: 'serve-81-tcp', port: 81, protocol: 'TCP' }] }] },
    ],
    policies: [policy('np', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
  },
  // namespace lbl writes the name label "trusted"; a policy in other admits namespaces named "trusted"
  'namespace-name-label-overwritten': {
    namespaces: [
      { name: 'lbl', labels: { 'kubernetes.io/metadata.name': 'trusted' } },
      { name: 'other', labels: {} },
    ],
    workloads: [
      { kind: 'Pod', namespace: 'lbl', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [] }] },
      { kind: 'Pod', namespace: 'other', name: 'b', pods: [{ name: 'b', labels: { app: 'b' }, ports: [] }] },
    ],
    policies: [policy('other', 'b', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'trusted' } } }] }] })],
  },
  // an Ingress routes to shop through a Service; the policy admits TCP 8080 from every namespace
  'ingress-controller-lines': {
    namespaces: [{ name: 'web', labels: {} }],
    workloads: [{ kind: 'Deployment', namespace: 'web', name: 'shop', pods: [{ name: 'shop', labels: { app: 'shop' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] }],
    policies: [policy('web', 'shop', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] })],
    extraObjects: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace: 'web' }, spec: { selector: { app: 'shop' }, ports: [{ port: 80, targetPort: 'http' }] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'shop', namespace: 'web' },
        spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }] } }] },
      },
    ],
  },
  // a may send to TCP 500-2000, b admits TCP 443-1443: a reaches b on 500-1443
  'netpol-analyzer-partly-overlapping-ranges': {
    namespaces: [{ name: 'pr', labels: {} }],
    workloads: [
      { kind: 'Pod', namespace: 'pr', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [] }] },
      { kind: 'Pod', namespace: 'pr', name: 'b', pods: [{ name: 'b', labels: { app: 'b' }, ports: [] }] },
    ],
    policies: [
      policy('pr', 'a', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 500, endPort: 2000 }] }] }),
      policy('pr', 'b', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 443, endPort: 1443 }] }] }),
    ],
  },
  // any external range: netpol-analyzer v1.4.4 prints it bare
  'external-range-spelling': {
    namespaces: [{ name: 'ext', labels: {} }],
    workloads: [{ kind: 'Pod', namespace: 'ext', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [] }] }],
    policies: [policy('ext', 'a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })],
  },
  // b isolates pods whose tier is not "frontend" (including pods without a tier label) for ingress
  'cyclonus-notin-absent-key': {
    namespaces: [{ name: 'ni', labels: {} }],
    workloads: [
      { kind: 'Pod', namespace: 'ni', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [] }] },
      { kind: 'Pod', namespace: 'ni', name: 'b', pods: [{ name: 'b', labels: { app: 'b' }, ports: [] }] },
    ],
    policies: [policy('ni', 'deny', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, policyTypes: ['Ingress'] })],
  },
};
