/**
 * End-to-end verdicts through every layer the manifests describe, in the order a packet and
 * a request meet them:
 *
 * 1. the network: Kubernetes NetworkPolicy (upstream semantics), or, on Cilium, Kubernetes
 *    NetworkPolicy plus CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (Cilium semantics);
 * 2. Cilium L7 HTTP rules (a refused request gets 403, the connection itself is allowed);
 * 3. Istio PeerAuthentication on the destination sidecar (STRICT refuses plain text);
 * 4. Istio AuthorizationPolicy on the destination sidecar (HTTP: 403; TCP: connection reset).
 *
 * Each stage names the objects that decided it.
 *
 * What the manifests do not say (an address that is not known, the node of a host-network pod,
 * an attribute Istio sees but the manifests do not...) is never taken as a refusal: a layer that
 * cannot tell is `undecided`, later layers are still evaluated, and the outcome is a refusal
 * only when a layer refuses for certain, else `undecided` (see `tri.ts`). A query over several
 * paths is `undecided` as soon as one path is.
 */
import { evaluateCiliumDirection } from './cilium/evaluate.ts';
import type { CiliumDirectionResult, CiliumContext, MeshPeer, ObjectRef, SourcedHttpRule } from './cilium/evaluate.ts';
import { httpRuleMatches } from './cilium/http.ts';
import type { HttpRequest } from './cilium/http.ts';
import { unknownAddressIn } from './cilium/evaluate.ts';
import { compile, evaluateEgress, evaluateIngress, rulePortsOn, sameFamilyPath } from './engine.ts';
import type { DirectionResult, Endpoint, Engine, HostNetworkMode } from './engine.ts';
import { formatIp, parseIp } from './ip.ts';
import type { IpFamily } from './ip.ts';
import { applicablePolicies, evaluateAuthorization } from './istio/authz.ts';
import { effectiveMtls } from './istio/mtls.ts';
import { inboundCapture, meshMode, outboundCapture } from './istio/sidecar.ts';
import type { Resources } from './model.ts';
import { resolvePeer, PeerError } from './peers.ts';
import type { PeerSpec } from './peers.ts';
import type { Protocol } from './ports.ts';
import { inEveryWorld, or } from './tri.ts';
import { checkConnection } from './verdict.ts';

/** A destination may also be a DNS name (for Cilium toFQDNs), with or without its address. */
export type DestinationSpec = PeerSpec | { readonly fqdn: string; readonly ip?: string };

/** A connection, optionally with the HTTP request sent on it. */
export interface RequestQuery {
  readonly src: PeerSpec;
  readonly dst: DestinationSpec;
  readonly protocol: Protocol;
  readonly port: number;
  /**
   * The HTTP request (TCP only). Without it, Cilium's L7 rules are reported but not applied (the
   * connection is judged at L4), and Istio judges a plain TCP connection: a rule with HTTP-only
   * fields never matches it, as on a port Istio does not read as HTTP. On an HTTP port Istio judges
   * each request instead: ask with one to know.
   */
  readonly http?: HttpRequest & {
    /** The JWT principal (`iss/sub`) the request carries, if any. */
    readonly requestPrincipal?: string;
  };
}

/** Options of `judge`. */
export interface JudgeOptions {
  /** Which network semantics apply; default: `cilium` when Cilium policies are present. */
  readonly dataplane?: 'kubernetes' | 'cilium';
  /** Kubernetes dataplane: how host-network pods are treated; default `intersection`. */
  readonly hostNetwork?: HostNetworkMode;
  /** Cilium: whether protocol ANY includes SCTP (agent `enable-sctp`); default false. */
  readonly ciliumSctp?: boolean;
  /** Istio root namespace (mesh-wide policies); default `istio-system`. */
  readonly istioRootNamespace?: string;
  /** Istio trust domain of workload principals; default `cluster.local`. */
  readonly trustDomain?: string;
  /**
   * Whether Istio's STRICT mTLS refuses a source without a sidecar. `false` judges the network
   * layer on its own (a proof of defence in depth): the refusal is noted and passed over, while
   * whether traffic is encrypted still decides what Cilium L7 rules can read.
   * @default true
   */
  readonly mtlsRefusal?: boolean;
  /**
   * The cluster DNS (a peer as `src`/`dst` name one, e.g. `kube-system/coredns`) and its port:
   * a Cilium toFQDNs rule then works only where an egress DNS rule covers the lookups to it.
   * @default unknown: any DNS rule naming a name makes its lookups visible
   */
  readonly dnsServer?: { readonly peer: PeerSpec; readonly port: number };
}

/** How the attempt ends. */
export type Outcome =
  | 'allowed'
  /** dropped by network policy */
  | 'dropped'
  /** the server sidecar requires mTLS and the client sends plain text */
  | 'mtls-refused'
  /** an HTTP request refused by Cilium L7 rules or Istio authorization */
  | 'http-403'
  /** a TCP connection closed by Istio authorization */
  | 'connection-reset'
  /**
   * the outcome depends on something the manifests do not say (an unknown address or node,
   * external authorizer, ambient mode...): it may be allowed; never a proof of denial
   */
  | 'undecided';

/** One layer's decision. */
export interface Stage {
  readonly layer: 'NetworkPolicy' | 'Cilium' | 'Cilium L7' | 'Istio mTLS' | 'Istio authorization';
  readonly result: 'allow' | 'deny' | 'not applicable' | 'undecided';
  readonly reason: string;
  readonly decidedBy: readonly ObjectRef[];
}

/** The judgement of one pod-level path. */
export interface PathJudgement {
  readonly src: string;
  readonly dst: string;
  readonly allowed: boolean;
  readonly outcome: Outcome;
  readonly stages: readonly Stage[];
}

/** The judgement of a query. */
export interface Judgement extends PathJudgement {
  readonly protocol: Protocol;
  readonly port: number;
  readonly dataplane: 'kubernetes' | 'cilium';
  /** Every pod-level path, when a side has several pods or IPs. */
  readonly paths?: readonly PathJudgement[];
}

/** An external endpoint no ipBlock contains (addresses are never negative). */
const UNKNOWN_ADDRESS: Endpoint = { type: 'external', ip: { family: 4, value: -1n } };

function toMeshPeer(ep: Endpoint): MeshPeer {
  return ep.type === 'pod'
    ? { type: 'pod', workload: ep.workload, pod: ep.pod, classId: ep.classId, ...(ep.ip ? { ip: ep.ip } : {}) }
    : { type: 'external', ip: ep.ip };
}

function peerName(p: MeshPeer): string {
  if (p.type === 'external') return [p.fqdn, p.ip ? formatIp(p.ip) : undefined].filter(Boolean).join('@');
  const base = p.pod.name === p.workload.name ? p.workload.id : `${p.workload.namespace}/${p.pod.name}`;
  return p.ip ? `${base}@${formatIp(p.ip)}` : base;
}

function k8sStage(engine: Engine, src: MeshPeer, srcEp: Endpoint, dstEp: Endpoint | undefined, protocol: Protocol, port: number): Stage {
  const refs = (r: DirectionResult, direction: 'ingress' | 'egress', allowed: boolean): ObjectRef[] =>
    allowed
      ? r.matched
          .filter((m) => m.conns.contains(protocol, port))
          .map((m) => {
            const p = engine.policies[m.rule.policy]!.policy;
            return { kind: 'NetworkPolicy', namespace: p.namespace, name: p.name, rule: `${direction}[${m.rule.index}]` };
          })
      : r.isolating.map((i) => ({ kind: 'NetworkPolicy', namespace: engine.policies[i]!.policy.namespace, name: engine.policies[i]!.policy.name }));
  if (dstEp === undefined) {
    // An external destination known only by name: a rule without peers allows it; an ipBlock
    // may or may not contain its address (nor is its family known), which makes the verdict
    // undecided unless no ipBlock on the port has any address of either family.
    if (src.type !== 'pod' || srcEp.type !== 'pod') return { layer: 'NetworkPolicy', result: 'allow', reason: 'external source', decidedBy: [] };
    const egress = evaluateEgress(engine, srcEp, UNKNOWN_ADDRESS);
    const ok = egress.conns.contains(protocol, port);
    if (!ok) {
      const maybe = engine.egressPolicies[srcEp.classId]!.flatMap((i) =>
        (engine.policies[i]!.egress ?? []).filter((r) => !r.ipSet.isEmpty() && rulePortsOn(r, undefined).contains(protocol, port)),
      );
      const inWorld = (family: IpFamily) => or(maybe.map((r) => unknownAddressIn(r.ipSet, family)));
      const verdict = inEveryWorld([inWorld(4), inWorld(6)]);
      if (verdict !== false) {
        const by = maybe.map((r) => ({ kind: 'NetworkPolicy', namespace: engine.policies[r.policy]!.policy.namespace, name: engine.policies[r.policy]!.policy.name, rule: `egress[${r.index}]` }));
        return verdict === true
          ? { layer: 'NetworkPolicy', result: 'allow', reason: 'egress allowed by ipBlocks covering every address of both families', decidedBy: by }
          : { layer: 'NetworkPolicy', result: 'undecided', reason: 'the destination address is not known and an egress ipBlock may contain it', decidedBy: by };
      }
    }
    return {
      layer: 'NetworkPolicy',
      result: ok ? 'allow' : 'deny',
      reason: ok
        ? egress.isolated
          ? 'egress allowed by a rule without peers (the destination address is not known)'
          : 'source not isolated for egress'
        : 'the source is isolated for egress and no rule without peers nor ipBlock could allow it',
      decidedBy: refs(egress, 'egress', ok),
    };
  }
  const egress = evaluateEgress(engine, srcEp, dstEp);
  const ingress = evaluateIngress(engine, srcEp, dstEp);
  const egressOk = egress.conns.contains(protocol, port);
  const ingressOk = ingress.conns.contains(protocol, port);
  if (!egressOk) return { layer: 'NetworkPolicy', result: 'deny', reason: 'the source egress policies allow no such connection', decidedBy: refs(egress, 'egress', false) };
  if (!ingressOk) return { layer: 'NetworkPolicy', result: 'deny', reason: 'the destination ingress policies allow no such connection', decidedBy: refs(ingress, 'ingress', false) };
  const by = [...refs(egress, 'egress', true), ...refs(ingress, 'ingress', true)];
  const reason =
    !egress.isolated && !ingress.isolated
      ? 'no policy isolates either side'
      : `${egress.isolated ? 'egress allowed by rule' : 'source not isolated for egress'}; ${ingress.isolated ? 'ingress allowed by rule' : 'destination not isolated for ingress'}`;
  return { layer: 'NetworkPolicy', result: 'allow', reason, decidedBy: by };
}

function ciliumStage(egress: CiliumDirectionResult | undefined, ingress: CiliumDirectionResult | undefined): Stage {
  for (const [dir, r] of [['egress', egress], ['ingress', ingress]] as const) {
    if (r === undefined || r.allowed || r.undecided !== undefined) continue;
    if (r.deniedBy.length > 0) return { layer: 'Cilium', result: 'deny', reason: `a ${dir} deny rule matches`, decidedBy: r.deniedBy };
    return { layer: 'Cilium', result: 'deny', reason: `${dir} is default-deny and no rule allows the connection`, decidedBy: r.isolatedBy };
  }
  const by = [...(egress?.allowedBy ?? []), ...(ingress?.allowedBy ?? [])];
  const iso = (r: CiliumDirectionResult | undefined, dir: string) => (r === undefined ? `${dir}: external side` : r.isolated ? `${dir}: allowed by rule` : `${dir}: not default-deny`);
  return { layer: 'Cilium', result: 'allow', reason: `${iso(egress, 'egress')}; ${iso(ingress, 'ingress')}`, decidedBy: by };
}

function l7Stage(rules: readonly SourcedHttpRule[], http: RequestQuery['http']): Stage {
  const refs = [...new Map(rules.map((r) => [JSON.stringify(r.ref), r.ref])).values()];
  if (http === undefined) {
    return {
      layer: 'Cilium L7',
      result: 'allow',
      reason: `the connection is allowed; each HTTP request must match one of: ${rules.map((r) => r.rule.text).join(' | ')} (others get 403)`,
      decidedBy: refs,
    };
  }
  const matches = rules.map((r) => ({ r, match: httpRuleMatches(r.rule, http) }));
  const unique = (list: typeof matches) => [...new Map(list.map(({ r }) => [JSON.stringify(r.ref), r.ref])).values()];
  const matched = matches.filter((m) => m.match === true);
  if (matched.length > 0) return { layer: 'Cilium L7', result: 'allow', reason: 'the request matches an HTTP rule', decidedBy: unique(matched) };
  const perhaps = matches.filter((m) => m.match === 'unknown');
  if (perhaps.length > 0) return { layer: 'Cilium L7', result: 'undecided', reason: 'the request matches an HTTP rule with some Host or headers, which the caller chooses', decidedBy: unique(perhaps) };
  return { layer: 'Cilium L7', result: 'deny', reason: 'the request matches no HTTP rule (403 Forbidden)', decidedBy: refs };
}

function judgePath(
  resources: Resources,
  engine: Engine,
  dataplane: 'kubernetes' | 'cilium',
  ctx: CiliumContext,
  options: Required<Pick<JudgeOptions, 'istioRootNamespace' | 'trustDomain' | 'mtlsRefusal'>>,
  src: MeshPeer,
  dst: MeshPeer,
  srcEp: Endpoint,
  dstEp: Endpoint | undefined,
  query: RequestQuery,
): PathJudgement {
  const { protocol, port } = query;
  const stages: Stage[] = [];
  // Set once a layer cannot tell: a later layer may still refuse for certain (the connection is
  // then refused whichever way the unknown resolves); otherwise the outcome is `undecided`.
  let undecided = false;
  const result = (outcome: Outcome): PathJudgement => {
    const final = outcome === 'allowed' && undecided ? 'undecided' : outcome;
    return { src: peerName(src), dst: peerName(dst), allowed: final === 'allowed', outcome: final, stages };
  };

  // 1. network
  let egressHttp: readonly SourcedHttpRule[] = [];
  let ingressHttp: readonly SourcedHttpRule[] = [];
  let httpUndecided: { reason: string; by: readonly ObjectRef[] } | undefined;
  if (dataplane === 'kubernetes') {
    const s = k8sStage(engine, src, srcEp, dstEp, protocol, port);
    stages.push(s);
    if (s.result === 'deny') return result('dropped');
    if (s.result === 'undecided') undecided = true;
  } else {
    const egress = src.type === 'pod' ? evaluateCiliumDirection(ctx, 'egress', src, dst, protocol, port) : undefined;
    const ingress = dst.type === 'pod' ? evaluateCiliumDirection(ctx, 'ingress', dst, src, protocol, port) : undefined;
    // a direction that certainly refuses decides, whatever the other one could not tell
    const refusing = [egress, ingress].some((r) => r !== undefined && !r.allowed && r.undecided === undefined);
    const unknown = [egress, ingress].find((r) => r?.undecided !== undefined);
    if (unknown !== undefined && !refusing) {
      stages.push({ layer: 'Cilium', result: 'undecided', reason: unknown.undecided!, decidedBy: unknown.undecidedBy ?? unknown.isolatedBy });
      undecided = true;
    } else {
      const s = ciliumStage(egress, ingress);
      stages.push(s);
      if (s.result === 'deny') return result('dropped');
      egressHttp = egress?.http ?? [];
      ingressHttp = ingress?.http ?? [];
      const l7Unknown = [egress, ingress].find((r) => r?.httpUndecided !== undefined);
      if (l7Unknown !== undefined) httpUndecided = { reason: l7Unknown.httpUndecided!, by: l7Unknown.allowedBy };
    }
  }

  // what Istio will do on the destination sidecar
  const nsLabels = (name: string) => resources.namespaces.find((n) => n.name === name)?.labels ?? {};
  const dstMode = dst.type === 'pod' ? meshMode(dst.pod, nsLabels(dst.workload.namespace)) : 'none';
  // a source's sidecar originates mTLS only for traffic it captures
  const srcOutbound = src.type === 'pod' && meshMode(src.pod, nsLabels(src.workload.namespace)) === 'sidecar' ? outboundCapture(src.pod) : undefined;
  const srcSidecar = srcOutbound?.captured === true;
  const mtls = dst.type === 'pod' && dstMode === 'sidecar' ? effectiveMtls(resources.peerAuthentications, dst.pod, dst.workload.namespace, port, options.istioRootNamespace) : undefined;
  if (mtls !== undefined && srcOutbound?.captured === 'unknown') {
    // every later stage (mTLS, Cilium reading the traffic, authorization by principal) depends on
    // whether the source's sidecar carries the connection: none of them can refuse for certain
    stages.push({ layer: 'Istio mTLS', result: 'undecided', reason: `whether the source's sidecar carries the connection is unknown: ${srcOutbound.reason}`, decidedBy: [] });
    return result('undecided');
  }
  if (mtls?.ambiguous !== undefined) {
    stages.push({ layer: 'Istio mTLS', result: 'undecided', reason: `the mTLS mode in force is unknown: ${mtls.ambiguous}`, decidedBy: [] });
    return result('undecided');
  }
  const mutual = mtls !== undefined && srcSidecar && mtls.mode !== 'DISABLE';

  // 2. Cilium L7 (source side, then destination side)
  if (httpUndecided !== undefined && (query.http !== undefined || mutual)) {
    stages.push({ layer: 'Cilium L7', result: 'undecided', reason: httpUndecided.reason, decidedBy: httpUndecided.by });
    undecided = true;
  } else if (mutual && egressHttp.length + ingressHttp.length > 0) {
    stages.push({
      layer: 'Cilium L7',
      result: 'undecided',
      reason: 'Cilium L7 HTTP rules apply but the traffic is Istio mTLS-encrypted, which Cilium cannot read',
      decidedBy: [...egressHttp, ...ingressHttp].map((r) => r.ref),
    });
    undecided = true;
  } else {
    for (const rules of [egressHttp, ingressHttp]) {
      if (rules.length === 0) continue;
      const s = l7Stage(rules, query.http);
      stages.push(s);
      if (s.result === 'deny') return result('http-403');
      if (s.result === 'undecided') undecided = true;
    }
  }

  // 3 and 4. Istio on the destination sidecar
  if (dst.type !== 'pod') return result('allowed');
  const hasIstioPolicy = resources.authorizationPolicies.length > 0 || resources.peerAuthentications.length > 0;
  if (protocol !== 'TCP') {
    // Sidecars and ztunnel capture TCP only: UDP and SCTP reach the application directly, so
    // neither PeerAuthentication nor AuthorizationPolicy can refuse them.
    if (hasIstioPolicy) stages.push({ layer: 'Istio authorization', result: 'not applicable', reason: `Istio intercepts TCP only; ${protocol} is not subject to mTLS or authorization`, decidedBy: [] });
    return result('allowed');
  }
  if (dstMode === 'ambient') {
    if (!hasIstioPolicy) return result('allowed');
    stages.push({ layer: 'Istio authorization', result: 'undecided', reason: 'the destination runs in Istio ambient mode, which this analysis does not model', decidedBy: [] });
    return result('undecided');
  }
  if (mtls === undefined) {
    if (hasIstioPolicy) stages.push({ layer: 'Istio authorization', result: 'not applicable', reason: 'the destination has no Istio sidecar', decidedBy: [] });
    return result('allowed');
  }
  // a port the sidecar does not capture reaches the application (or the sidecar's own listener)
  // directly, past mTLS and authorization
  const capture = inboundCapture(dst.pod, port);
  if (capture.captured === 'unknown') {
    stages.push({ layer: 'Istio authorization', result: 'undecided', reason: `whether the sidecar captures port ${port} is unknown: ${capture.reason}`, decidedBy: [] });
    return result('undecided');
  }
  if (!capture.captured) {
    stages.push({ layer: 'Istio authorization', result: 'not applicable', reason: `the sidecar does not capture port ${port} (${capture.reason}): neither mTLS nor authorization applies`, decidedBy: [] });
    return result('allowed');
  }
  if (mtls.mode === 'STRICT' && !srcSidecar) {
    if (options.mtlsRefusal) {
      stages.push({ layer: 'Istio mTLS', result: 'deny', reason: 'the destination requires mTLS (STRICT) and the source has no sidecar to provide it', decidedBy: mtls.decidedBy });
      return result('mtls-refused');
    }
    stages.push({ layer: 'Istio mTLS', result: 'not applicable', reason: 'STRICT would refuse a source without a sidecar; passed over to judge the network layer on its own', decidedBy: mtls.decidedBy });
  } else {
    stages.push({
      layer: 'Istio mTLS',
      result: 'allow',
      reason: `mode ${mtls.mode}; ${mutual ? 'the source sidecar uses mTLS' : 'plain text (no peer identity)'}${mtls.notes.length ? `; ${mtls.notes.join('; ')}` : ''}`,
      decidedBy: mtls.decidedBy,
    });
  }
  const principal = mutual && src.type === 'pod' ? `${options.trustDomain}/ns/${src.workload.namespace}/sa/${src.pod.serviceAccount}` : undefined;
  const policies = applicablePolicies(resources.authorizationPolicies, dst.pod, dst.workload.namespace, options.istioRootNamespace);
  const decision = evaluateAuthorization(policies, {
    ...(principal ? { principal } : {}),
    ...(src.ip ? { sourceIp: src.ip } : {}),
    ...(dst.ip ? { destinationIp: dst.ip } : {}),
    port,
    ...(query.http ? { http: query.http } : {}),
  });
  stages.push({ layer: 'Istio authorization', result: decision.result, reason: decision.reason, decidedBy: decision.decidedBy });
  if (decision.result === 'undecided') return result('undecided');
  if (decision.result === 'deny') return result(query.http ? 'http-403' : 'connection-reset');
  return result('allowed');
}

function resolveDestination(engine: Engine, spec: DestinationSpec): { name: string; peers: { mesh: MeshPeer; ep?: Endpoint }[] } {
  if (typeof spec === 'object' && 'fqdn' in spec) {
    const ip = spec.ip === undefined ? undefined : parseIp(spec.ip);
    if (spec.ip !== undefined && ip === undefined) throw new PeerError(`"${spec.ip}" is not an IP address`);
    const mesh: MeshPeer = { type: 'external', fqdn: spec.fqdn, ...(ip ? { ip } : {}) };
    return { name: spec.fqdn, peers: [{ mesh, ...(ip ? { ep: { type: 'external', ip } as Endpoint } : {}) }] };
  }
  const r = resolvePeer(engine, spec);
  return { name: r.name, peers: r.endpoints.map((ep) => ({ mesh: toMeshPeer(ep), ep })) };
}

/**
 * Judges a connection (and optionally an HTTP request on it) end to end: network policy,
 * Cilium L7, Istio mTLS and Istio authorization, naming the objects that decided each stage.
 * Allowed only when every pod of `src` succeeds towards every pod of `dst`.
 */
export function judge(resources: Resources, query: RequestQuery, options: JudgeOptions = {}): Judgement {
  checkConnection(query.protocol, query.port);
  if (query.http !== undefined && query.protocol !== 'TCP') throw new RangeError('an HTTP request needs protocol TCP');
  const dataplane = options.dataplane ?? (resources.ciliumPolicies.length > 0 ? 'cilium' : 'kubernetes');
  // on Cilium, host-network pods are the node's (host / remote-node identities)
  // On Cilium, NetworkPolicy selectors match Cilium security identities (filtered labels).
  const engine = dataplane === 'cilium' ? compile(resources, 'as-node', 'cilium-identity') : compile(resources, options.hostNetwork);
  const dns = options.dnsServer === undefined ? undefined : { servers: resolvePeer(engine, options.dnsServer.peer).endpoints.map(toMeshPeer), port: options.dnsServer.port };
  const ctx: CiliumContext = { engine, policies: resources.ciliumPolicies, anyProtocols: options.ciliumSctp ? ['TCP', 'UDP', 'SCTP'] : ['TCP', 'UDP'], ...(dns ? { dns } : {}) };
  const istio = { istioRootNamespace: options.istioRootNamespace ?? 'istio-system', trustDomain: options.trustDomain ?? 'cluster.local', mtlsRefusal: options.mtlsRefusal ?? true };
  const src = resolvePeer(engine, query.src);
  const dst = resolveDestination(engine, query.dst);
  if (src.type === 'external' && dst.peers.every((p) => p.mesh.type === 'external')) {
    throw new RangeError('at least one side of a connection must be a workload');
  }
  const paths: PathJudgement[] = [];
  for (const s of src.endpoints) {
    for (const d of dst.peers) {
      if (d.ep !== undefined && !sameFamilyPath(s, d.ep)) continue;
      paths.push(judgePath(resources, engine, dataplane, ctx, istio, toMeshPeer(s), d.mesh, s, d.ep, query));
    }
  }
  if (paths.length === 0) {
    return {
      src: src.name,
      dst: dst.name,
      allowed: false,
      outcome: 'dropped',
      stages: [{ layer: dataplane === 'cilium' ? 'Cilium' : 'NetworkPolicy', result: 'deny', reason: 'the two sides share no IP family', decidedBy: [] }],
      protocol: query.protocol,
      port: query.port,
      dataplane,
      paths,
    };
  }
  // an undecided path makes the query undecided (it may be allowed), before any refused one
  const shown = paths.find((p) => p.outcome === 'undecided') ?? paths.find((p) => !p.allowed) ?? paths[0]!;
  return {
    ...shown,
    src: src.name,
    dst: dst.name,
    allowed: paths.every((p) => p.allowed),
    protocol: query.protocol,
    port: query.port,
    dataplane,
    ...(paths.length > 1 ? { paths } : {}),
  };
}

