/**
 * A deliberately naive transcription of the NetworkPolicy API documentation, working directly
 * on raw manifest objects, one connection at a time. Property tests compare the engine with it.
 * It shares no code with the engine except IP parsing.
 */
import { parseCidr, parseIp } from '../ip.ts';

// Raw manifest objects of any shape, read as the API docs describe them, deliberately unchecked.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** A pod of the reference world. */
export interface RefPod {
  readonly ns: string;
  readonly labels: Record<string, string>;
  readonly ip?: string;
  readonly ports: readonly { name?: string; containerPort: number; protocol?: string }[];
  /** Host-network pod: read the `intersection` way (selectors never match it as a peer). */
  readonly hostNetwork?: boolean;
}

/** An end of a connection: a pod, or an external IP. */
export type RefPeer = { readonly pod: RefPod } | { readonly ip: string };

function selectorMatches(sel: Obj | undefined, labels: Record<string, string>): boolean {
  if (sel === undefined || sel === null) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    if (e.operator === 'In' && !(present && e.values.includes(value))) return false;
    if (e.operator === 'NotIn' && present && e.values.includes(value)) return false;
    if (e.operator === 'Exists' && !present) return false;
    if (e.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const a = parseIp(ip)!;
  const r = parseCidr(cidr)!;
  return a.family === r.family && a.value >= r.start && a.value <= r.end;
}

function effectiveTypes(spec: Obj): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function peerMatches(peer: Obj, other: RefPeer, policyNs: string, nsLabels: (ns: string) => Record<string, string>): boolean {
  if (peer.ipBlock) {
    const ip = 'ip' in other ? other.ip : other.pod.ip;
    if (ip === undefined) return false;
    return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(ip, e));
  }
  if (!('pod' in other) || other.pod.hostNetwork === true) return false;
  const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, nsLabels(other.pod.ns)) : other.pod.ns === policyNs;
  return nsOk && selectorMatches(peer.podSelector, other.pod.labels);
}

function portMatches(port: Obj, protocol: string, number: number, dst: RefPeer): boolean {
  if ((port.protocol ?? 'TCP') !== protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') return number >= port.port && number <= (port.endPort ?? port.port);
  if (!('pod' in dst)) return false;
  return dst.pod.ports.some((p) => p.name === port.port && (p.protocol ?? 'TCP') === protocol && p.containerPort === number);
}

function direction(
  policies: readonly Obj[],
  subject: RefPod,
  other: RefPeer,
  dst: RefPeer,
  type: 'Ingress' | 'Egress',
  protocol: string,
  port: number,
  nsLabels: (ns: string) => Record<string, string>,
): boolean {
  const selecting = policies.filter(
    (p) => (p.metadata.namespace ?? 'default') === subject.ns && selectorMatches(p.spec.podSelector ?? {}, subject.labels) && effectiveTypes(p.spec).includes(type),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    ((type === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule: Obj | null) => {
      const peers = (rule ?? {})[type === 'Ingress' ? 'from' : 'to'] ?? [];
      const ports = (rule ?? {}).ports ?? [];
      const peerOk = peers.length === 0 || peers.some((peer: Obj) => peerMatches(peer, other, p.metadata.namespace ?? 'default', nsLabels));
      const portOk = ports.length === 0 || ports.some((pp: Obj) => portMatches(pp, protocol, port, dst));
      return peerOk && portOk;
    }),
  );
}

/** Whether a connection is allowed, by the book. */
export function referenceAllowed(
  policies: readonly Obj[],
  nsLabels: (ns: string) => Record<string, string>,
  src: RefPeer,
  dst: RefPeer,
  protocol: string,
  port: number,
): boolean {
  const egress = 'pod' in src ? direction(policies, src.pod, dst, dst, 'Egress', protocol, port, nsLabels) : true;
  const ingress = 'pod' in dst ? direction(policies, dst.pod, src, dst, 'Ingress', protocol, port, nsLabels) : true;
  return egress && ingress;
}
