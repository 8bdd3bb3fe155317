/**
 * Cilium's enforcement of one direction of a connection, combining CiliumNetworkPolicy,
 * CiliumClusterwideNetworkPolicy and Kubernetes NetworkPolicy the way Cilium does:
 * - deny rules win over every allow rule;
 * - an endpoint is in default deny for a direction when a Kubernetes NetworkPolicy isolates it
 *   or a selecting Cilium rule has enableDefaultDeny (explicit, or implied by rules);
 * - allow rules of all policies are unioned; ipBlock / toCIDR never match a pod (Cilium
 *   identifies pods by labels, CIDR rules only match addresses outside the cluster);
 * - L7 HTTP rules are enforced whenever a matching allow rule carries them, even without
 *   default deny, unless another matching allow rule has no L7 rule for the same port.
 */
import type { CompiledRule, Direction, Engine } from '../engine.ts';
import { rulePortsOn } from '../engine.ts';
import type { IpAddress, IpFamily } from '../ip.ts';
import type { ContainerPort, Pod, Workload } from '../model.ts';
import type { Protocol } from '../ports.ts';
import { fqdnMatches } from './fqdn.ts';
import { entityMatches, hostIdentities, podIdentity, selectorMatches, worldIdentity } from './identity.ts';
import type { Identity } from './identity.ts';
import type { CiliumPeers, CiliumPolicy, CiliumPortRule, CiliumRule, CiliumSpec, HttpRule } from './model.ts';

/** A reference to the object (and rule) that took part in a decision. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Where in the object, e.g. `ingress[0]`, `specs[1].egressDeny[0]`. */
  readonly rule?: string;
}

/** A connection end for mesh-aware evaluation. */
export type MeshPeer =
  | { readonly type: 'pod'; readonly workload: Workload; readonly pod: Pod; readonly classId: number; readonly ip?: IpAddress }
  | { readonly type: 'external'; readonly ip?: IpAddress; readonly fqdn?: string };

/** An HTTP rule with the policy it comes from. */
export interface SourcedHttpRule {
  readonly ref: ObjectRef;
  readonly rule: HttpRule;
}

/** What Cilium decides for one direction. */
export interface CiliumDirectionResult {
  /** Allowed at L3/L4. */
  readonly allowed: boolean;
  readonly isolated: boolean;
  readonly deniedBy: readonly ObjectRef[];
  readonly allowedBy: readonly ObjectRef[];
  readonly isolatedBy: readonly ObjectRef[];
  /** Present when L7 HTTP rules decide each request of an allowed connection. */
  readonly http?: readonly SourcedHttpRule[];
  /** Set when the manifests cannot tell (a host-network pod under host policies). */
  readonly undecided?: string;
}

/** Evaluation context: the compiled Kubernetes policies and the Cilium policies. */
export interface CiliumContext {
  readonly engine: Engine;
  readonly policies: readonly CiliumPolicy[];
  /** Protocols `ANY` covers. */
  readonly anyProtocols: readonly Protocol[];
}

const identities = new WeakMap<Pod, Identity>();

function identityOf(ctx: CiliumContext, peer: MeshPeer): Identity {
  if (peer.type === 'external') return worldIdentity(peer.ip?.family ?? 4);
  let id = identities.get(peer.pod);
  if (id === undefined) {
    const ns = ctx.engine.resources.namespaces.find((n) => n.name === peer.workload.namespace);
    id = podIdentity(peer.pod.labels, peer.workload.namespace, ns?.labels ?? {}, peer.pod.serviceAccount);
    identities.set(peer.pod, id);
  }
  return id;
}

function specRef(policy: CiliumPolicy, spec: CiliumSpec, field: string, index?: number): ObjectRef {
  const where = policy.specs.length > 1 || spec.index > 0 ? `specs[${spec.index}].` : '';
  return {
    kind: policy.kind,
    ...(policy.namespace !== undefined ? { namespace: policy.namespace } : {}),
    name: policy.name,
    rule: index === undefined ? `${where}${field}` : `${where}${field}[${index}]`,
  };
}

/** The Cilium specs selecting a pod. */
export function selectingSpecs(ctx: CiliumContext, subject: MeshPeer & { type: 'pod' }): { policy: CiliumPolicy; spec: CiliumSpec }[] {
  if (subject.pod.hostNetwork) return []; // not a Cilium endpoint
  const identity = identityOf(ctx, subject);
  const out: { policy: CiliumPolicy; spec: CiliumSpec }[] = [];
  for (const policy of ctx.policies) {
    for (const spec of policy.specs) {
      if (spec.nodePolicy || spec.endpointSelector === undefined) continue;
      if (selectorMatches(spec.endpointSelector, identity)) out.push({ policy, spec });
    }
  }
  return out;
}

/**
 * Peer matching. Some peers may have one of several identities and the manifests do not say
 * which: a host-network pod is `host` (same node) or `remote-node`; an external address known
 * only by name is IPv4 or IPv6 world. A rule matching only some of them gives `unknown`.
 */
function peersMatch(ctx: CiliumContext, peers: CiliumPeers, other: MeshPeer, hasL4: boolean): boolean | 'unknown' {
  const results = possibleIdentities(ctx, other).map((candidate) => matchOne(peers, other, candidate, hasL4));
  if (results.includes('unknown')) return 'unknown';
  if (results.every((r) => r === true)) return true;
  return results.some((r) => r === true) ? 'unknown' : false;
}

type Candidate = { readonly identity: Identity; readonly entityPeer: EntityPeer };
type EntityPeer = { readonly type: 'pod' } | { readonly type: 'external'; readonly family: IpFamily } | { readonly type: 'node'; readonly entity: 'host' | 'remote-node' };

function possibleIdentities(ctx: CiliumContext, peer: MeshPeer): Candidate[] {
  if (peer.type === 'pod' && peer.pod.hostNetwork) {
    return hostIdentities().map(({ identity, entity }) => ({ identity, entityPeer: { type: 'node', entity: entity as 'host' | 'remote-node' } }));
  }
  if (peer.type === 'pod') return [{ identity: identityOf(ctx, peer), entityPeer: { type: 'pod' } }];
  const families: IpFamily[] = peer.ip === undefined ? [4, 6] : [peer.ip.family];
  return families.map((family) => ({ identity: worldIdentity(family), entityPeer: { type: 'external', family } }));
}

function matchOne(peers: CiliumPeers, other: MeshPeer, candidate: Candidate, hasL4: boolean): boolean | 'unknown' {
  switch (peers.type) {
    case 'none':
      return hasL4;
    case 'endpoints':
      return peers.selectors.some((s) => selectorMatches(s, candidate.identity));
    case 'cidr':
      // CIDR rules only match addresses outside the cluster (never pods, never nodes)
      if (candidate.entityPeer.type !== 'external' || other.type !== 'external') return false;
      return other.ip === undefined ? 'unknown' : peers.set.contains(other.ip);
    case 'entities': {
      const ep = candidate.entityPeer;
      return peers.entities.some((e) =>
        ep.type === 'node' ? e === 'all' || e === 'cluster' || e === ep.entity : entityMatches(e, ep),
      );
    }
    case 'fqdns':
      return other.type === 'external' && other.fqdn !== undefined && peers.selectors.some((s) => fqdnMatches(s, other.fqdn!));
    default:
      return false; // unsupported L3 members never match
  }
}

function containerPortsOf(peer: MeshPeer): readonly ContainerPort[] | undefined {
  return peer.type === 'pod' ? peer.pod.ports : undefined;
}

/** The toPorts entries of a rule covering (protocol, port); `all` for an L3-only rule. */
const ALL_PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function portRulesFor(
  ctx: CiliumContext,
  rule: CiliumRule,
  dst: MeshPeer,
  protocol: Protocol,
  port: number,
  deny: boolean,
): readonly CiliumPortRule[] | 'all' | 'none' {
  if (rule.toPorts === undefined) {
    if (rule.icmpOnly) return 'none';
    return ctx.anyProtocols.includes(protocol) ? 'all' : 'none';
  }
  const dstPorts = containerPortsOf(dst);
  const matched = rule.toPorts.filter((pr) =>
    pr.ports.some((p) => {
      const protocols = p.protocols === 'ANY' ? (deny ? ALL_PROTOCOLS : ctx.anyProtocols) : p.protocols;
      if (!protocols.includes(protocol)) return false;
      if (p.port === 'all') return true;
      if ('name' in p.port) {
        const name = p.port.name;
        return dstPorts?.some((c) => c.name?.toLowerCase() === name && c.protocol === protocol && c.port === port) ?? false;
      }
      return port >= p.port.from && port <= p.port.to;
    }),
  );
  return matched.length > 0 ? matched : 'none';
}

/** Kubernetes NetworkPolicy rules under Cilium: ipBlocks never match pods. */
function k8sAllows(
  ctx: CiliumContext,
  direction: Direction,
  subject: MeshPeer & { type: 'pod' },
  other: MeshPeer,
  dst: MeshPeer,
  protocol: Protocol,
  port: number,
): { isolatedBy: ObjectRef[]; allowedBy: ObjectRef[] } {
  const engine = ctx.engine;
  const policies = direction === 'ingress' ? engine.ingressPolicies[subject.classId]! : engine.egressPolicies[subject.classId]!;
  const isolatedBy: ObjectRef[] = [];
  const allowedBy: ObjectRef[] = [];
  for (const index of policies) {
    const compiled = engine.policies[index]!;
    const ref = { kind: 'NetworkPolicy', namespace: compiled.policy.namespace, name: compiled.policy.name };
    isolatedBy.push(ref);
    const rules: readonly CompiledRule[] = (direction === 'ingress' ? compiled.ingress : compiled.egress) ?? [];
    for (const rule of rules) {
      const peerOk =
        rule.allPeers ||
        (other.type === 'pod' ? rule.classMatch.has(other.classId) : other.ip !== undefined && rule.ipSet.contains(other.ip));
      if (!peerOk) continue;
      if (rulePortsOn(rule, containerPortsOf(dst)).contains(protocol, port)) {
        allowedBy.push({ ...ref, rule: `${direction}[${rule.index}]` });
      }
    }
  }
  return { isolatedBy, allowedBy };
}

/** True when an egress allow rule of a selecting spec lets Cilium's DNS proxy see lookups of `name`. */
function dnsVisible(specs: readonly { spec: CiliumSpec }[], name: string): boolean {
  return specs.some(({ spec }) =>
    spec.egress.some((r) => r.unsupported === undefined && (r.toPorts ?? []).some((pr) => (pr.dns ?? []).some((d) => fqdnMatches(d, name)))),
  );
}

/**
 * Cilium's verdict for one direction: `ingress` judges `other` -> `subject`, `egress` judges
 * `subject` -> `other`. `dst` is the destination (named ports are resolved on it).
 */
export function evaluateCiliumDirection(
  ctx: CiliumContext,
  direction: Direction,
  subject: MeshPeer & { type: 'pod' },
  other: MeshPeer,
  protocol: Protocol,
  port: number,
): CiliumDirectionResult {
  const dst = direction === 'ingress' ? subject : other;
  if (subject.pod.hostNetwork) {
    const hostPolicies = ctx.policies.filter((p) => p.specs.some((s) => s.nodePolicy));
    if (hostPolicies.length > 0) {
      return {
        allowed: false,
        isolated: true,
        deniedBy: [],
        allowedBy: [],
        isolatedBy: hostPolicies.map((p) => ({ kind: p.kind, name: p.name })),
        undecided: 'the pod uses the host network, where Cilium host policies (not analysed) apply',
      };
    }
    return { allowed: true, isolated: false, deniedBy: [], allowedBy: [], isolatedBy: [] };
  }
  const specs = selectingSpecs(ctx, subject);
  const deniedBy: ObjectRef[] = [];
  const allowedBy: ObjectRef[] = [];
  const isolatedBy: ObjectRef[] = [];
  const http: SourcedHttpRule[] = [];
  let unrestricted = false;

  for (const { policy, spec } of specs) {
    const denyRules = direction === 'ingress' ? spec.ingressDeny : spec.egressDeny;
    const allowRules = direction === 'ingress' ? spec.ingress : spec.egress;
    const field = direction === 'ingress' ? 'ingress' : 'egress';
    if (direction === 'ingress' ? spec.defaultDenyIngress : spec.defaultDenyEgress) isolatedBy.push(specRef(policy, spec, field));
    for (const rule of denyRules) {
      const hasL4 = rule.toPorts !== undefined || rule.icmpOnly;
      // an unknown address counts as matching a deny rule: never report a possibly denied connection as allowed
      if (peersMatch(ctx, rule.peers, other, hasL4) === false) continue;
      // an L3-only deny rule denies every protocol
      const ports = rule.toPorts === undefined ? (rule.icmpOnly ? 'none' : 'all') : portRulesFor(ctx, rule, dst, protocol, port, true);
      if (ports !== 'none') deniedBy.push(specRef(policy, spec, `${field}Deny`, rule.index));
    }
    for (const rule of allowRules) {
      if (rule.unsupported !== undefined) continue;
      const hasL4 = rule.toPorts !== undefined || rule.icmpOnly;
      if (peersMatch(ctx, rule.peers, other, hasL4) !== true) continue;
      if (rule.peers.type === 'fqdns' && (other.type !== 'external' || other.fqdn === undefined || !dnsVisible(specs, other.fqdn))) continue;
      const ports = portRulesFor(ctx, rule, dst, protocol, port, false);
      if (ports === 'none') continue;
      const usable = ports === 'all' ? 'all' : ports.filter((pr) => pr.unsupported === undefined);
      if (usable !== 'all' && usable.length === 0) continue;
      const ref = specRef(policy, spec, field, rule.index);
      allowedBy.push(ref);
      if (usable === 'all' || usable.some((pr) => pr.http === undefined)) unrestricted = true;
      else for (const pr of usable) for (const h of pr.http ?? []) http.push({ ref, rule: h });
    }
  }

  const k8s = k8sAllows(ctx, direction, subject, other, dst, protocol, port);
  isolatedBy.push(...k8s.isolatedBy);
  if (k8s.allowedBy.length > 0) unrestricted = true;
  allowedBy.push(...k8s.allowedBy);

  const isolated = isolatedBy.length > 0;
  const allowed = deniedBy.length === 0 && (!isolated || allowedBy.length > 0);
  return {
    allowed,
    isolated,
    deniedBy,
    allowedBy,
    isolatedBy,
    ...(allowed && !unrestricted && http.length > 0 ? { http } : {}),
  };
}
