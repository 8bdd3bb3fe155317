import type { INetworkPolicyEgressRule, INetworkPolicyIngressRule, INetworkPolicyPeer, INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import type { IR, IRAllow, IREgress, IRPeer, IRWorkload } from '../ir.ts';
import { emitted, matchLabels, namespaceSelector, ztpLabels, type Emitted } from '../object.ts';

/** Istio ambient: ztunnel carries meshed traffic as HBONE to this port of the destination pod. */
export const HBONE_PORT = 15008;
/** Istio ambient: the address kubelet health probes come from once ztunnel SNATs them. */
export const AMBIENT_PROBE_CIDR = '169.254.7.127/32';
/** Istio sidecars fetch configuration and certificates from istiod on this port. */
export const ISTIOD_XDS_PORT = 15012;

function peerOf(p: IRPeer): INetworkPolicyPeer {
  switch (p.kind) {
    case 'workload':
      return { namespaceSelector: namespaceSelector(p.workload.namespace), podSelector: matchLabels(p.workload.labels) };
    case 'namespace':
      return { namespaceSelector: namespaceSelector(p.namespace) };
    case 'cidr':
      // with cni 'kubernetes', `except` holds the cluster's own ranges (an ipBlock matches pods there)
      return { ipBlock: p.except.length > 0 ? { cidr: p.cidr, except: [...p.except] } : { cidr: p.cidr } };
  }
}

function workloadPeer(w: IRWorkload): INetworkPolicyPeer {
  return { namespaceSelector: namespaceSelector(w.namespace), podSelector: matchLabels(w.labels) };
}

/** Ports of an allow as NetworkPolicy ports: numbers, so no named-port lookup can go astray. */
function portsOf(a: IRAllow, ambient: boolean): INetworkPolicyPort[] {
  const ports: INetworkPolicyPort[] = a.ports.map((p) => ({ protocol: p.protocol, port: p.port }));
  // Under ambient, meshed callers arrive as HBONE on 15008; plaintext ones (CIDR peers) do not.
  if (ambient && a.source.kind !== 'cidr' && a.ports.some((p) => p.protocol === 'TCP')) ports.push({ protocol: 'TCP', port: HBONE_PORT });
  return ports;
}

function egressRuleOf(e: IREgress): INetworkPolicyEgressRule | undefined {
  if (e.to.type !== 'cidr') return undefined; // DNS names need Cilium toFQDNs (see cilium.ts)
  const ipBlock = e.to.except.length > 0 ? { cidr: e.to.cidr, except: [...e.to.except] } : { cidr: e.to.cidr };
  return { to: [{ ipBlock }], ports: e.ports.map((p) => ({ protocol: p.protocol, port: p.port })) };
}

function policy(env: string, namespace: string, name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: ztpLabels(env) },
    spec,
  };
}

/**
 * Kubernetes NetworkPolicies: default deny of ingress and egress in every managed namespace,
 * DNS to the cluster DNS only (namespace and pod selector in the same peer, UDP and TCP), and for
 * each flow an ingress rule on the server and an egress rule on the client. Flows whose HTTP
 * rules Cilium enforces get their server side from the CiliumNetworkPolicy only: an L4 allow
 * for the same peer and port would switch the L7 rule off.
 */
export function emitNetworkPolicies(ir: IR): Emitted[] {
  const env = ir.env.name;
  const out: Emitted[] = [];
  const meshOn = ir.layers.has('mesh') && ir.env.mesh.mode !== 'none';
  const ambient = meshOn && ir.env.mesh.mode === 'istio-ambient';
  const sidecar = meshOn && ir.env.mesh.mode === 'istio-sidecar';
  const dns = ir.env.dns;

  for (const ns of ir.namespaces) {
    const add = (name: string, spec: Record<string, unknown>) => out.push(emitted('network', policy(env, ns.name, name, { podSelector: {}, ...spec }), [ir.envOrigin]));
    add('ztp-default-deny', { policyTypes: ['Ingress', 'Egress'] });
    add('ztp-allow-dns', {
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: namespaceSelector(dns.namespace), podSelector: matchLabels(dns.podLabels) }],
          ports: [
            { protocol: 'UDP', port: dns.port },
            { protocol: 'TCP', port: dns.port },
          ],
        },
      ],
    });
    if (sidecar) {
      add('ztp-allow-istiod', {
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: namespaceSelector(ir.env.mesh.istiodNamespace), podSelector: matchLabels(ir.env.mesh.istiodLabels) }], ports: [{ protocol: 'TCP', port: ISTIOD_XDS_PORT }] }],
      });
    }
    if (ambient) add('ztp-allow-ambient-probes', { policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: AMBIENT_PROBE_CIDR } }] }] });
  }

  for (const w of ir.workloads) {
    const inbound = (ir.allowsTo.get(w) ?? []).filter((a) => a.l7 !== 'cilium');
    if (inbound.length > 0) {
      const ingress: INetworkPolicyIngressRule[] = inbound.map((a) => ({ from: [peerOf(a.source)], ports: portsOf(a, ambient) }));
      out.push(emitted('network', policy(env, w.namespace, `ztp-${w.name}-ingress`, { podSelector: matchLabels(w.labels), policyTypes: ['Ingress'], ingress }), inbound.map((a) => a.origin)));
    }
    const outbound = ir.allowsFrom.get(w) ?? [];
    const external = ir.egressFrom.get(w) ?? [];
    const egress: INetworkPolicyEgressRule[] = [
      ...outbound.map((a) => ({ to: [workloadPeer(a.dest)], ports: portsOf(a, ambient) })),
      ...external.map(egressRuleOf).filter((r): r is INetworkPolicyEgressRule => r !== undefined),
    ];
    if (egress.length > 0) {
      out.push(emitted('network', policy(env, w.namespace, `ztp-${w.name}-egress`, { podSelector: matchLabels(w.labels), policyTypes: ['Egress'], egress }), [...outbound.map((a) => a.origin), ...external.map((e) => e.origin)]));
    }
  }

  for (const ns of ir.namespaces) {
    const outbound = ir.allowsFrom.get(ns.name) ?? [];
    const external = ir.egressFrom.get(ns.name) ?? [];
    const egress: INetworkPolicyEgressRule[] = [
      ...outbound.map((a) => ({ to: [workloadPeer(a.dest)], ports: portsOf(a, ambient) })),
      ...external.map(egressRuleOf).filter((r): r is INetworkPolicyEgressRule => r !== undefined),
    ];
    if (egress.length > 0) {
      out.push(emitted('network', policy(env, ns.name, 'ztp-namespace-egress', { podSelector: {}, policyTypes: ['Egress'], egress }), [...outbound.map((a) => a.origin), ...external.map((e) => e.origin)]));
    }
  }
  return out;
}
