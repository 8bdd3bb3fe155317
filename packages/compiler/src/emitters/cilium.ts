import type { IR, IRAllow, IREgress, IRPeer } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';
import { ciliumPathRegex, httpMatches } from './http.ts';

/** The label Cilium gives every endpoint for its namespace. */
export const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

function peerOf(p: IRPeer): Record<string, unknown> {
  switch (p.kind) {
    case 'workload':
      return { fromEndpoints: [{ matchLabels: { ...p.workload.labels, [CILIUM_NAMESPACE_LABEL]: p.workload.namespace } }] };
    case 'namespace':
      return { fromEndpoints: [{ matchLabels: { [CILIUM_NAMESPACE_LABEL]: p.namespace } }] };
    case 'cidr':
      // Cilium's CIDR rules never match pods, so this admits only clients outside the cluster.
      return { fromCIDRSet: [{ cidr: p.cidr }] };
  }
}

function l7Rule(a: IRAllow): Record<string, unknown> {
  const http = (a.http ?? []).flatMap(httpMatches).map((m) => ({
    ...(m.method === undefined ? {} : { method: m.method }),
    ...(m.path === undefined ? {} : { path: ciliumPathRegex(m.path) }),
  }));
  return {
    ...peerOf(a.source),
    toPorts: [{ ports: a.ports.map((p) => ({ port: String(p.port), protocol: p.protocol })), rules: { http } }],
  };
}

function fqdnSelector(fqdn: string): Record<string, string> {
  return fqdn.startsWith('*.') ? { matchPattern: fqdn } : { matchName: fqdn };
}

function cnp(env: string, namespace: string, name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace, labels: ztpLabels(env) }, spec };
}

/**
 * CiliumNetworkPolicies for what Kubernetes NetworkPolicy cannot say: L7 HTTP rules (server
 * side, the only allow for that peer and port) and egress to DNS names (`toFQDNs`, which needs
 * the DNS proxy to see the workload's lookups, hence the DNS rule beside it).
 */
export function emitCiliumPolicies(ir: IR): Emitted[] {
  if (ir.env.cni !== 'cilium') return [];
  const env = ir.env.name;
  const out: Emitted[] = [];
  for (const w of ir.workloads) {
    const l7 = (ir.allowsTo.get(w) ?? []).filter((a) => a.l7 === 'cilium');
    if (l7.length > 0) {
      out.push(emitted('network', cnp(env, w.namespace, `ztp-${w.name}-l7`, { endpointSelector: { matchLabels: { ...w.labels } }, ingress: l7.map(l7Rule) }), l7.map((a) => a.origin)));
    }
  }
  const dns = ir.env.dns;
  const dnsRule = {
    toEndpoints: [{ matchLabels: { ...dns.podLabels, [CILIUM_NAMESPACE_LABEL]: dns.namespace } }],
    toPorts: [
      {
        ports: [
          { port: String(dns.port), protocol: 'UDP' },
          { port: String(dns.port), protocol: 'TCP' },
        ],
        rules: { dns: [{ matchPattern: '*' }] },
      },
    ],
  };
  const fqdnRule = (e: IREgress) => ({
    toFQDNs: [fqdnSelector(e.to.type === 'fqdn' ? e.to.fqdn : '')],
    toPorts: [{ ports: e.ports.map((p) => ({ port: String(p.port), protocol: p.protocol })) }],
  });
  for (const w of ir.workloads) {
    const fqdn = (ir.egressFrom.get(w) ?? []).filter((e) => e.to.type === 'fqdn');
    if (fqdn.length > 0) {
      out.push(emitted('network', cnp(env, w.namespace, `ztp-${w.name}-fqdn`, { endpointSelector: { matchLabels: { ...w.labels } }, egress: [dnsRule, ...fqdn.map(fqdnRule)] }), fqdn.map((e) => e.origin)));
    }
  }
  for (const ns of ir.namespaces) {
    const fqdn = (ir.egressFrom.get(ns.name) ?? []).filter((e) => e.to.type === 'fqdn');
    if (fqdn.length > 0) {
      out.push(emitted('network', cnp(env, ns.name, 'ztp-namespace-fqdn', { endpointSelector: {}, egress: [dnsRule, ...fqdn.map(fqdnRule)] }), fqdn.map((e) => e.origin)));
    }
  }
  return out;
}
