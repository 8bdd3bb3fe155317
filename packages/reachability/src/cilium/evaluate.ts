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
 *
 * Unknowns are kept three-valued (`../tri.ts`) and never resolved to a refusal. A peer may be
 * in several possible worlds: a host-network pod is `host` (on the subject's node; Cilium's
 * default `allow-localhost` may then also admit it, ingress) or `remote-node`; an external
 * address known only by name is IPv4 or IPv6 world, and within a family a CIDR rule's match is
 * unknown. In each world:
 *   deny  = OR(deny rule matches), allow = OR(allow rule matches)   (Kleene logic)
 *   world = NOT deny AND (NOT isolated OR allow)
 * and the direction is allowed / refused only when every world agrees; otherwise it is
 * undecided (`undecided` is set), never refused.
 */
import type { CompiledRule, Direction, Engine } from '../engine.ts';
import { rulePortsOn } from '../engine.ts';
import { IpSet } from '../ip.ts';
import type { IpAddress, IpFamily } from '../ip.ts';
import type { ContainerPort, Pod, Workload } from '../model.ts';
import type { Protocol } from '../ports.ts';
import { and, inEveryWorld, not, or } from '../tri.ts';
import type { Tri } from '../tri.ts';
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
  /** Certainly allowed at L3/L4 (false when refused, or when `undecided` is set). */
  readonly allowed: boolean;
  readonly isolated: boolean;
  /** Deny rules that certainly match (in some world of the peer). */
  readonly deniedBy: readonly ObjectRef[];
  /** Allow rules that certainly match (in some world of the peer). */
  readonly allowedBy: readonly ObjectRef[];
  readonly isolatedBy: readonly ObjectRef[];
  /** Present when L7 HTTP rules decide each request of an allowed connection. */
  readonly http?: readonly SourcedHttpRule[];
  /**
   * Set when the manifests cannot tell whether L3/L4 allows (a host-network pod under host
   * policies; a rule whose match depends on the peer's node or unknown address): the
   * connection may be allowed or refused. `allowed` is then false.
   */
  readonly undecided?: string;
  /** The rules whose match is not known, for an undecided result. */
  readonly undecidedBy?: readonly ObjectRef[];
  /**
   * Set when L3/L4 certainly allows but whether (and which) L7 HTTP rules restrict the
   * requests depends on what the manifests do not say; `http` is then absent.
   */
  readonly httpUndecided?: string;
}

/** Evaluation context: the compiled Kubernetes policies and the Cilium policies. */
export interface CiliumContext {
  readonly engine: Engine;
  readonly policies: readonly CiliumPolicy[];
  /** Protocols `ANY` covers. */
  readonly anyProtocols: readonly Protocol[];
  /**
   * The cluster DNS the pods look names up at: Cilium's DNS proxy sees a lookup only when an egress
   * rule with DNS rules covers the traffic to it. @default unknown: any DNS rule naming a name
   * makes its lookups visible
   */
  readonly dns?: { readonly servers: readonly MeshPeer[]; readonly port: number };
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

type Candidate = { readonly identity: Identity; readonly entityPeer: EntityPeer };
type EntityPeer = { readonly type: 'pod' } | { readonly type: 'external'; readonly family: IpFamily } | { readonly type: 'node'; readonly entity: 'host' | 'remote-node' };

/**
 * The worlds a peer may be in, when the manifests do not say which: a host-network pod has the
 * `host` identity (same node as the subject) or `remote-node`; an external address known only by
 * name is IPv4 or IPv6 world. Every other peer has one world.
 */
function possibleIdentities(ctx: CiliumContext, peer: MeshPeer): Candidate[] {
  if (peer.type === 'pod' && peer.pod.hostNetwork) {
    return hostIdentities().map(({ identity, entity }) => ({ identity, entityPeer: { type: 'node', entity: entity as 'host' | 'remote-node' } }));
  }
  if (peer.type === 'pod') return [{ identity: identityOf(ctx, peer), entityPeer: { type: 'pod' } }];
  const families: IpFamily[] = peer.ip === undefined ? [4, 6] : [peer.ip.family];
  return families.map((family) => ({ identity: worldIdentity(family), entityPeer: { type: 'external', family } }));
}

/**
 * Whether an address of `family` that is not known lies in `set`: false when the set has no
 * address of the family, true when it has all of them, unknown otherwise.
 */
export function unknownAddressIn(set: IpSet, family: IpFamily): Tri {
  if (!set.families().includes(family)) return false;
  return IpSet.all(family).isSubsetOf(set) ? true : 'unknown';
}

/** Whether the peers of a rule match the other side in one world (unknown: depends on its address). */
function matchOne(peers: CiliumPeers, other: MeshPeer, candidate: Candidate, hasL4: boolean): Tri {
  switch (peers.type) {
    case 'none':
      return hasL4;
    case 'endpoints':
      return peers.selectors.some((s) => selectorMatches(s, candidate.identity));
    case 'cidr': {
      // CIDR rules only match addresses outside the cluster (never pods, never nodes)
      const ep = candidate.entityPeer;
      if (ep.type !== 'external' || other.type !== 'external') return false;
      return other.ip === undefined ? unknownAddressIn(peers.set, ep.family) : peers.set.contains(other.ip);
    }
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

/**
 * Kubernetes NetworkPolicy rules under Cilium, in one world of the peer: ipBlocks never match
 * pods (nor nodes), and an external address that is not known gives an unknown match. The
 * engine's classes carry Cilium identity labels (`compile(..., 'cilium-identity')`), so
 * podSelectors and namespaceSelectors are matched the way Cilium matches them.
 */
function k8sPolicies(ctx: CiliumContext, direction: Direction, subject: MeshPeer & { type: 'pod' }): readonly number[] {
  return direction === 'ingress' ? ctx.engine.ingressPolicies[subject.classId]! : ctx.engine.egressPolicies[subject.classId]!;
}

function npRef(ctx: CiliumContext, index: number): ObjectRef {
  const p = ctx.engine.policies[index]!.policy;
  return { kind: 'NetworkPolicy', namespace: p.namespace, name: p.name };
}

/** The NetworkPolicies isolating the subject for a direction. */
function k8sIsolation(ctx: CiliumContext, direction: Direction, subject: MeshPeer & { type: 'pod' }): ObjectRef[] {
  return k8sPolicies(ctx, direction, subject).map((i) => npRef(ctx, i));
}

function k8sRules(
  ctx: CiliumContext,
  direction: Direction,
  subject: MeshPeer & { type: 'pod' },
  other: MeshPeer,
  candidate: Candidate,
  dst: MeshPeer,
  protocol: Protocol,
  port: number,
): RuleMatch[] {
  const allows: RuleMatch[] = [];
  for (const index of k8sPolicies(ctx, direction, subject)) {
    const compiled = ctx.engine.policies[index]!;
    const ref = npRef(ctx, index);
    const rules: readonly CompiledRule[] = (direction === 'ingress' ? compiled.ingress : compiled.egress) ?? [];
    for (const rule of rules) {
      const ep = candidate.entityPeer;
      const peer: Tri = rule.allPeers
        ? true
        : other.type === 'pod'
          ? ep.type === 'pod' && rule.classMatch.has(other.classId)
          : ep.type !== 'external'
            ? false
            : other.ip !== undefined
              ? rule.ipSet.contains(other.ip)
              : unknownAddressIn(rule.ipSet, ep.family);
      if (peer === false) continue;
      if (rulePortsOn(rule, containerPortsOf(dst)).contains(protocol, port)) {
        allows.push({ ref: { ...ref, rule: `${direction}[${rule.index}]` }, match: peer });
      }
    }
  }
  return allows;
}

/**
 * True when an egress allow rule of a selecting spec lets Cilium's DNS proxy see lookups of
 * `name`: a DNS rule naming it, on a rule that covers the lookups to every cluster DNS server at
 * its port over UDP (when the context knows the servers; otherwise any such DNS rule).
 */
function dnsVisible(ctx: CiliumContext, specs: readonly { spec: CiliumSpec }[], name: string): boolean {
  const names = (pr: CiliumPortRule) => (pr.dns ?? []).some((d) => fqdnMatches(d, name));
  const dns = ctx.dns;
  return specs.some(({ spec }) =>
    spec.egress.some((r) => {
      if (r.unsupported !== undefined) return false;
      if (dns === undefined) return (r.toPorts ?? []).some(names);
      const hasL4 = r.toPorts !== undefined || r.icmpOnly;
      // a DNS server named but not found: no lookup is known to be seen
      return dns.servers.length > 0 && dns.servers.every((server) => {
        if (!possibleIdentities(ctx, server).every((candidate) => matchOne(r.peers, server, candidate, hasL4) === true)) return false;
        const covering = portRulesFor(ctx, r, server, 'UDP', dns.port, false);
        return covering !== 'all' && covering !== 'none' && covering.some(names);
      });
    }),
  );
}

/** A rule whose match is not certainly false, in one world; `http` absent: no L7 restriction. */
interface RuleMatch {
  readonly ref: ObjectRef;
  readonly match: Tri;
  readonly http?: readonly SourcedHttpRule[];
}

/** One world's evaluation of a direction. */
interface World {
  readonly candidate: Candidate;
  readonly denies: readonly RuleMatch[];
  readonly allows: readonly RuleMatch[];
  /** Cilium's `allow-localhost` may admit the local host (ingress, peer `host`); agent configuration decides. */
  readonly localhost: boolean;
  readonly verdict: Tri;
}

function refKey(r: ObjectRef): string {
  return JSON.stringify([r.kind, r.namespace ?? '', r.name, r.rule ?? '']);
}

function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  return [...new Map(refs.map((r) => [refKey(r), r])).values()];
}

/** Why the peer's worlds or matches are not known, for an undecided result. */
function uncertainty(other: MeshPeer): string {
  if (other.type === 'pod' && other.pod.hostNetwork) {
    return 'the peer uses the host network: Cilium sees it as `host` when it runs on the same node (which allow-localhost may also admit) and as `remote-node` otherwise, and the manifests do not say which node it runs on';
  }
  if (other.type === 'external' && other.ip === undefined) {
    return `the address of ${other.fqdn ?? 'the external peer'} is not known (nor its IP family), and a rule's match depends on it`;
  }
  return "a rule's match depends on what the manifests do not say";
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
  const isolatedBy: ObjectRef[] = [];
  const field = direction === 'ingress' ? 'ingress' : 'egress';
  for (const { policy, spec } of specs) {
    if (direction === 'ingress' ? spec.defaultDenyIngress : spec.defaultDenyEgress) isolatedBy.push(specRef(policy, spec, field));
  }
  isolatedBy.push(...k8sIsolation(ctx, direction, subject));
  const isolated = isolatedBy.length > 0;

  const worlds: World[] = possibleIdentities(ctx, other).map((candidate) => {
    const denies: RuleMatch[] = [];
    const allows: RuleMatch[] = [];
    for (const { policy, spec } of specs) {
      const denyRules = direction === 'ingress' ? spec.ingressDeny : spec.egressDeny;
      const allowRules = direction === 'ingress' ? spec.ingress : spec.egress;
      for (const rule of denyRules) {
        const hasL4 = rule.toPorts !== undefined || rule.icmpOnly;
        const match = matchOne(rule.peers, other, candidate, hasL4);
        if (match === false) continue;
        // an L3-only deny rule denies every protocol
        const ports = rule.toPorts === undefined ? (rule.icmpOnly ? 'none' : 'all') : portRulesFor(ctx, rule, dst, protocol, port, true);
        if (ports !== 'none') denies.push({ ref: specRef(policy, spec, `${field}Deny`, rule.index), match });
      }
      for (const rule of allowRules) {
        if (rule.unsupported !== undefined) continue;
        const hasL4 = rule.toPorts !== undefined || rule.icmpOnly;
        const match = matchOne(rule.peers, other, candidate, hasL4);
        if (match === false) continue;
        if (rule.peers.type === 'fqdns' && (other.type !== 'external' || other.fqdn === undefined || !dnsVisible(ctx, specs, other.fqdn))) continue;
        const ports = portRulesFor(ctx, rule, dst, protocol, port, false);
        if (ports === 'none') continue;
        const usable = ports === 'all' ? 'all' : ports.filter((pr) => pr.unsupported === undefined);
        if (usable !== 'all' && usable.length === 0) continue;
        const ref = specRef(policy, spec, field, rule.index);
        const unrestricted = usable === 'all' || usable.some((pr) => pr.http === undefined);
        const http = unrestricted ? undefined : usable.flatMap((pr) => (pr.http ?? []).map((h) => ({ ref, rule: h })));
        allows.push({ ref, match, ...(http ? { http } : {}) });
      }
    }
    allows.push(...k8sRules(ctx, direction, subject, other, candidate, dst, protocol, port));
    const localhost = direction === 'ingress' && candidate.entityPeer.type === 'node' && candidate.entityPeer.entity === 'host';
    const deny = or(denies.map((d) => d.match));
    const allow = or([...allows.map((a) => a.match), ...(localhost ? ['unknown' as const] : [])]);
    return { candidate, denies, allows, localhost, verdict: and([not(deny), isolated ? allow : true]) };
  });

  const verdict = inEveryWorld(worlds.map((w) => w.verdict));
  const certain = (list: 'denies' | 'allows') => uniqueRefs(worlds.flatMap((w) => w[list].filter((m) => m.match === true).map((m) => m.ref)));
  const deniedBy = certain('denies');
  const allowedBy = certain('allows');
  if (verdict === false) return { allowed: false, isolated, deniedBy, allowedBy: [], isolatedBy };
  if (verdict === 'unknown') {
    // the rules whose match is unknown in a world, or differs between worlds
    const keyed = (list: 'denies' | 'allows') => worlds.map((w) => new Map(w[list].map((m) => [refKey(m.ref), m])));
    const uncertainBy: ObjectRef[] = [];
    for (const list of ['denies', 'allows'] as const) {
      const maps = keyed(list);
      for (const map of maps) {
        for (const [key, m] of map) if (m.match === 'unknown' || maps.some((o) => o.get(key)?.match !== m.match)) uncertainBy.push(m.ref);
      }
    }
    const localhost = worlds.some((w) => w.localhost && w.verdict === 'unknown') ? '; Cilium\'s allow-localhost setting (not in the manifests) decides whether the local host may connect' : '';
    return {
      allowed: false,
      isolated,
      deniedBy,
      allowedBy,
      isolatedBy,
      undecided: `${uncertainty(other)}${localhost}`,
      // none when only allow-localhost is in question: the policies that isolate the subject
      undecidedBy: uncertainBy.length > 0 ? uniqueRefs(uncertainBy) : isolatedBy,
    };
  }

  // Allowed in every world. L7: HTTP rules apply when every certainly matching allow rule has
  // them; an allow rule whose match is unknown (or allow-localhost) may add rules or lift the
  // restriction, and the worlds must agree; otherwise which requests pass is not known.
  const l7 = worlds.map((w) => {
    const sure = w.allows.filter((a) => a.match === true);
    if (sure.some((a) => a.http === undefined)) return { known: true, http: [] as SourcedHttpRule[] };
    // allow-localhost (agent configuration) may admit the local host without the L7 redirect
    const known = !w.allows.some((a) => a.match === 'unknown') && !w.localhost;
    return { known, http: sure.flatMap((a) => a.http ?? []) };
  });
  const l7Key = (http: readonly SourcedHttpRule[]) => JSON.stringify(http.map((h) => [refKey(h.ref), h.rule.text]).sort());
  const agreed = l7.every((x) => x.known) && l7.every((x) => l7Key(x.http) === l7Key(l7[0]!.http));
  if (!agreed) {
    return {
      allowed: true,
      isolated,
      deniedBy: [],
      allowedBy,
      isolatedBy,
      httpUndecided: `whether Cilium L7 HTTP rules restrict the requests depends on the peer: ${uncertainty(other)}`,
    };
  }
  const http = l7[0]!.http;
  return { allowed: true, isolated, deniedBy: [], allowedBy, isolatedBy, ...(http.length > 0 ? { http } : {}) };
}
