/**
 * The finite partitions that make point queries exact. Every engine decides a port by comparing
 * it with the ports, port ranges and (through named ports) container ports written in the
 * manifests, and an external address by its membership in the ipBlocks written in the
 * policies. Cutting ports and addresses at all those boundaries gives pieces on which every
 * engine's answer is constant, so one representative per piece answers for the whole piece.
 */
import { MAX_PORT, MIN_PORT, PROTOCOLS } from '@ztp/reachability';
import type { PortRange, Protocol } from '@ztp/reachability';
import type { ClusterSpec } from './cluster.ts';
import { isIpv6Text, MAX_IPV4, parseCidr4 } from './ipv4.ts';
import type { Ipv4Range } from './ipv4.ts';

interface RawPort {
  readonly protocol?: unknown;
  readonly port?: unknown;
  readonly endPort?: unknown;
}

interface RawPeer {
  readonly ipBlock?: { readonly cidr?: unknown; readonly except?: readonly unknown[] };
}

interface RawRule {
  readonly ports?: readonly RawPort[];
  readonly from?: readonly RawPeer[];
  readonly to?: readonly RawPeer[];
}

/** The ingress and egress rules of a NetworkPolicy object as written. */
export function policyRules(policy: Record<string, unknown>): { ingress: RawRule[]; egress: RawRule[] } {
  const spec = (policy['spec'] ?? {}) as { ingress?: RawRule[]; egress?: RawRule[] };
  return { ingress: spec.ingress ?? [], egress: spec.egress ?? [] };
}

/** Every ipBlock CIDR and except entry written in the policies (both directions). */
export function ipBlockTexts(policies: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const policy of policies) {
    const { ingress, egress } = policyRules(policy);
    for (const rule of ingress) for (const peer of rule.from ?? []) out.push(...blockTexts(peer));
    for (const rule of egress) for (const peer of rule.to ?? []) out.push(...blockTexts(peer));
  }
  return out;
}

function blockTexts(peer: RawPeer): string[] {
  if (peer.ipBlock === undefined) return [];
  return [String(peer.ipBlock.cidr), ...(peer.ipBlock.except ?? []).map(String)];
}

/** Every port name the policies use. */
export function namedPolicyPorts(policies: readonly Record<string, unknown>[]): Set<string> {
  const names = new Set<string>();
  for (const policy of policies) {
    const { ingress, egress } = policyRules(policy);
    for (const rule of [...ingress, ...egress]) for (const p of rule.ports ?? []) if (typeof p.port === 'string') names.add(p.port);
  }
  return names;
}

/** Pieces of one protocol's ports 1-65535, cut at every boundary written for that protocol. */
export function portPieces(cluster: ClusterSpec): Record<Protocol, PortRange[]> {
  const cuts: Record<Protocol, Set<number>> = { TCP: new Set([MIN_PORT]), UDP: new Set([MIN_PORT]), SCTP: new Set([MIN_PORT]) };
  const cut = (protocol: Protocol, start: number, end: number) => {
    cuts[protocol].add(start);
    cuts[protocol].add(end + 1);
  };
  for (const policy of cluster.policies) {
    const { ingress, egress } = policyRules(policy);
    for (const rule of [...ingress, ...egress]) {
      for (const p of rule.ports ?? []) {
        const protocol = (p.protocol ?? 'TCP') as Protocol;
        if (!PROTOCOLS.includes(protocol)) continue;
        if (typeof p.port === 'number') cut(protocol, p.port, typeof p.endPort === 'number' ? p.endPort : p.port);
      }
    }
  }
  // a named port resolves to the destination's container port of that name: cut at every
  // container port whose name some policy uses (other container ports change no answer)
  const names = namedPolicyPorts(cluster.policies);
  for (const w of cluster.workloads) {
    for (const pod of w.pods) for (const port of pod.ports) if (port.name !== undefined && names.has(port.name)) cut(port.protocol, port.port, port.port);
  }
  const out = {} as Record<Protocol, PortRange[]>;
  for (const protocol of PROTOCOLS) {
    const sorted = [...cuts[protocol]].filter((c) => c >= MIN_PORT && c <= MAX_PORT).sort((a, b) => a - b);
    out[protocol] = sorted.map((start, i) => [start, (sorted[i + 1] ?? MAX_PORT + 1) - 1] as const);
  }
  return out;
}

/**
 * Pieces of the IPv4 space cut at every ipBlock CIDR and except of the policies. Throws on an
 * IPv6 block: the common model (and netpol-analyzer v1.4.4) is IPv4 only.
 */
export function addressPieces(policies: readonly Record<string, unknown>[]): Ipv4Range[] {
  const cuts = new Set<number>([0]);
  for (const text of ipBlockTexts(policies)) {
    if (isIpv6Text(text)) throw new Error(`IPv6 ipBlock ${text}: the cross-check compares IPv4 only`);
    const range = parseCidr4(text);
    if (range === undefined) throw new Error(`unreadable ipBlock ${text}`);
    cuts.add(range.start);
    if (range.end < MAX_IPV4) cuts.add(range.end + 1);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.map((start, i) => ({ start, end: (sorted[i + 1] ?? MAX_IPV4 + 1) - 1 }));
}

/** The piece holding `address`. */
export function pieceOf(pieces: readonly Ipv4Range[], address: number): Ipv4Range {
  const piece = pieces.find((p) => p.start <= address && address <= p.end);
  if (piece === undefined) throw new Error(`address ${address} is in no piece`);
  return piece;
}
