import { connlist, formatIp, formatIpRange, type ConnlistPeer, type ConnSet, type Protocol, type Resources } from '@ztp/reachability';
import type { BundleManifest } from './bundle-manifest.ts';
import { intendedAllowed, intendedEgressToIp, type Caller } from './expectations.ts';
import type { PodPeer } from './synthesize.ts';

/** A connection the NetworkPolicies allow that nothing declares. */
export interface Undeclared {
  /** `source => destination : protocol port`, at the first undeclared port. */
  readonly id: string;
}

/** The port istiod serves sidecars on (the mesh baseline's egress allowance). */
const ISTIOD_XDS_PORT = 15012;
/** Istio ambient: the HBONE port meshed traffic arrives on, and the address kubelet probes come from. */
const HBONE_PORT = 15008;
const AMBIENT_PROBE_IP = '169.254.7.127';
/** Beyond this many ports in one allowed range, no declaration can cover it: refused without counting. */
const MAX_DECLARED_RANGE = 1024;

/**
 * Every connection the NetworkPolicies allow, exactly: every protocol and port (not a sample),
 * between every pair of the verifier's pods and every external address range the policies tell
 * apart (`connlist`). Each must be declared where ztp manages a side: a flow into a workload
 * (from a workload, a namespace or an address), declared egress out of a managed pod, the cluster
 * DNS and istiod out of managed pods. Traffic between namespaces ztp does not manage is not its
 * business. Cilium and Istio policies are not read here (`connlist` reads NetworkPolicies only;
 * `verifyBundle`'s checks judge them at one port of every class), and under Cilium the pods carry
 * no address, as Cilium's CIDR rules never match pods.
 */
export function undeclaredConnections(m: BundleManifest, resources: Resources, peers: readonly PodPeer[]): Undeclared[] {
  const byName = new Map(peers.map((p) => [p.ref.replace(/\[[^\]]*\]$/, ''), p]));
  const peerOf = (c: ConnlistPeer): PodPeer | { kind: 'external'; first: string; name: string } | undefined =>
    c.type === 'workload'
      ? byName.get(`${c.workload.namespace}/${c.workload.name}`)
      : { kind: 'external', first: formatIp({ family: c.range.family, value: c.range.start }), name: formatIpRange(c.range) };
  const sidecar = m.mesh.mode === 'istio-sidecar' && m.layers.includes('mesh');
  const ambient = m.mesh.mode === 'istio-ambient' && m.layers.includes('mesh');
  const out: Undeclared[] = [];
  for (const e of connlist(resources)) {
    const src = peerOf(e.src);
    const dst = peerOf(e.dst);
    const name = (p: typeof src, c: ConnlistPeer) => (p === undefined || p.kind === 'external' ? c.name : p.ref);
    // a pod the verifier did not make (none should exist): refuse rather than guess
    const declared = (protocol: Protocol, port: number): boolean => {
      if (src === undefined || dst === undefined) return false;
      // the DNS and istiod pods are pods of their namespace like any other: a namespace's flows admit them
      const caller: Caller = src.kind === 'external' ? { kind: 'external', ip: src.first } : src.kind === 'dns' || src.kind === 'istiod' ? { ...src, kind: 'probe' } : src;
      if (dst.kind === 'workload') {
        if (dst.workload === undefined) return false;
        // ambient: meshed callers arrive as HBONE on 15008 wherever they have a declared TCP flow
        if (ambient && protocol === 'TCP' && port === HBONE_PORT && src.kind !== 'external') return m.intent.flows.some((f) => f.to === dst.workload && f.ports.some((p) => p.protocol === 'TCP' && intendedAllowed(m, caller, f.to, 'TCP', p.port, undefined, 'network')));
        return intendedAllowed(m, caller, dst.workload, protocol, port, undefined, 'network');
      }
      if (!managed(src)) return false; // into a managed pod that is not a declared workload: the rogue
      if (dst.kind === 'dns') return (protocol === 'UDP' || protocol === 'TCP') && port === m.intent.dns.port;
      if (dst.kind === 'istiod') return sidecar && protocol === 'TCP' && port === ISTIOD_XDS_PORT;
      if (dst.kind === 'external') return intendedEgressToIp(m, caller, dst.first, protocol, port);
      return false; // the rogue pod, the probes and the outsider: nothing may reach them from ztp's pods
    };
    // traffic between pods and addresses ztp does not manage is not its business
    if (src !== undefined && dst !== undefined && !managed(src) && !managed(dst)) continue;
    // ambient: kubelet probes reach every managed pod from ztunnel's address (ztp-allow-ambient-probes)
    if (ambient && src?.kind === 'external' && src.name === `${AMBIENT_PROBE_IP}-${AMBIENT_PROBE_IP}`) continue;
    // what only some pod pairs of the two have counts too
    const first = firstUndeclared(e.conns, declared) ?? (e.partial !== undefined ? firstUndeclared(e.partial, declared) : undefined);
    if (first !== undefined) out.push({ id: `${name(src, e.src)} => ${name(dst, e.dst)} : ${first.protocol} ${first.port}` });
  }
  return out;
}

function managed(p: PodPeer | { kind: 'external' }): boolean {
  return p.kind !== 'external' && p.managed;
}

function firstUndeclared(conns: ConnSet, declared: (protocol: Protocol, port: number) => boolean): { protocol: Protocol; port: number } | undefined {
  for (const [protocol, ranges] of Object.entries(conns.byProtocol) as [Protocol, readonly (readonly [number, number])[]][]) {
    for (const [start, end] of ranges) {
      if (end - start >= MAX_DECLARED_RANGE) return { protocol, port: start };
      for (let port = start; port <= end; port++) if (!declared(protocol, port)) return { protocol, port };
    }
  }
  return undefined;
}
