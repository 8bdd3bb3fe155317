/**
 * The NetworkPolicy semantics, compiled once per `Resources`:
 *
 * - pods with the same (namespace, labels) form one equivalence class; every policy's
 *   podSelector and every rule's peer selectors are evaluated once per class;
 * - a pod is isolated for a direction iff some policy selecting it has that policy type;
 * - a connection needs the source's egress and the destination's ingress to allow it;
 * - a rule allows a connection when one of its peers matches the other side (or it has no
 *   peers) and one of its ports matches (or it has no ports); named ports are looked up on the
 *   destination pod (name and protocol), never on an IP-only peer;
 * - an ipBlock matches external addresses and pods whose known IP it contains.
 *
 * Selectors are matched on the pods' labels, or (`ClassLabels` `cilium-identity`, for the Cilium
 * dataplane) on the labels of their Cilium security identity, which is what Cilium matches
 * NetworkPolicy selectors against.
 */
import { ClassIndex } from './class-index.ts';
import type { ClassSet } from './class-set.ts';
import { IpSet, parseCidr, parseIp } from './ip.ts';
import type { IpAddress } from './ip.ts';
import type { ContainerPort, NetworkPolicy, Pod, PolicyPort, Resources, Workload } from './model.ts';
import { ConnSet, MAX_PORT, MIN_PORT } from './ports.ts';
import type { PortRange, Protocol } from './ports.ts';
import { podIdentity } from './cilium/identity.ts';
import { labelsKey } from './selectors.ts';
import type { Labels } from './selectors.ts';

/** Ingress or egress. */
export type Direction = 'ingress' | 'egress';

/** An equivalence class of pods: one namespace, one label set. */
export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  /** Host-network pods: pod and namespace selectors of peers never match them. */
  readonly hostNetwork: boolean;
}

/** A policy rule with its peers pre-evaluated on every class. */
export interface CompiledRule {
  /** Global id among all rules of its direction. */
  readonly id: number;
  readonly policy: number;
  readonly direction: Direction;
  /** Index of the rule in the policy's `ingress` / `egress` list. */
  readonly index: number;
  readonly allPeers: boolean;
  /** The classes a selector peer of the rule matches. */
  readonly classMatch: ClassSet;
  /** The union of the rule's ipBlocks (cidr minus except). */
  readonly ipSet: IpSet;
  /** Each ipBlock peer of the rule on its own (cidr minus except). */
  readonly ipBlocks: readonly IpSet[];
  readonly ports: readonly PolicyPort[] | 'all';
  readonly hasNamedPorts: boolean;
  /** The connections the ports allow, for a rule without named ports (they do not depend on the destination). */
  readonly fixedPorts?: ConnSet;
}

/** A policy with its podSelector evaluated on every class. */
export interface CompiledPolicy {
  readonly index: number;
  readonly policy: NetworkPolicy;
  readonly ingress?: readonly CompiledRule[];
  readonly egress?: readonly CompiledRule[];
}

/** One end of a connection: a pod (of a class, possibly with a known IP) or an external address. */
export type Endpoint =
  | {
      readonly type: 'pod';
      readonly classId: number;
      readonly ports: readonly ContainerPort[];
      readonly ip?: IpAddress;
      readonly workload: Workload;
      readonly pod: Pod;
    }
  | { readonly type: 'external'; readonly ip: IpAddress };

/** What one direction decided for a pair of endpoints. */
export interface DirectionResult {
  /** False when no policy of this direction selects the pod (or the side is external). */
  readonly isolated: boolean;
  readonly conns: ConnSet;
  /** Rules whose peers match, with the connections each allows. */
  readonly matched: readonly { readonly rule: CompiledRule; readonly conns: ConnSet }[];
  /** Policies that isolate the pod in this direction. */
  readonly isolating: readonly number[];
}

/** The compiled analysis of one `Resources`. */
export interface Engine {
  readonly resources: Resources;
  readonly hostNetwork: HostNetworkMode;
  readonly classLabels: ClassLabels;
  readonly classes: readonly PodClass[];
  readonly policies: readonly CompiledPolicy[];
  readonly ingressRules: readonly CompiledRule[];
  readonly egressRules: readonly CompiledRule[];
  /** Per class: policies isolating it for ingress / egress. */
  readonly ingressPolicies: readonly (readonly number[])[];
  readonly egressPolicies: readonly (readonly number[])[];
  /** Class id of each (workload id, pod index). */
  readonly podClass: ReadonlyMap<Pod, number>;
  /** Pods having each known IP (several when pods share an IP, e.g. hostNetwork pods). */
  readonly podsByIp: ReadonlyMap<string, readonly { workload: Workload; pod: Pod }[]>;
}

/**
 * How NetworkPolicy treats pods with `hostNetwork: true`, which upstream leaves undefined
 * between two implementations:
 * - `as-pods`: the plugin tells host-network pods apart; selectors match them and policies
 *   apply to them like any pod (netpol-analyzer's reading);
 * - `as-node`: their traffic is the node's; pod and namespace selectors never match them and
 *   policies selecting them have no effect (the most common implementation);
 * - `intersection` (default): allowed only when allowed under both: selectors never match
 *   them and policies selecting them still apply.
 */
export type HostNetworkMode = 'intersection' | 'as-pods' | 'as-node';

/**
 * Which labels pod and namespace selectors of NetworkPolicies see:
 * - `pod`: the pod's labels (upstream Kubernetes semantics);
 * - `cilium-identity`: the labels of the pod's Cilium security identity (`podIdentity`): the
 *   pod labels Cilium's default identity-label filter keeps (so e.g.
 *   `statefulset.kubernetes.io/pod-name`, `controller-revision-hash`, `pod-template-hash`,
 *   `kubernetes.io/...` are invisible), plus `io.kubernetes.pod.namespace`,
 *   `io.cilium.k8s.namespace.labels.*`, `io.cilium.k8s.policy.serviceaccount` and
 *   `io.cilium.k8s.policy.cluster`. Namespace selectors still see every namespace label (Cilium
 *   keeps them all in the identity).
 */
export type ClassLabels = 'pod' | 'cilium-identity';

const cache = new WeakMap<Resources, Map<string, Engine>>();

function ipKeyOf(ip: IpAddress): string {
  return `${ip.family}:${ip.value.toString(16)}`;
}

/** The canonical key of an address (family and value). */
export function addressKey(ip: IpAddress): string {
  return ipKeyOf(ip);
}

/** Compiles (once per mode and label view, cached) the semantics of `resources`. */
export function compile(resources: Resources, hostNetwork: HostNetworkMode = 'intersection', classLabels: ClassLabels = 'pod'): Engine {
  let byMode = cache.get(resources);
  if (byMode === undefined) {
    byMode = new Map();
    cache.set(resources, byMode);
  }
  const cacheKey = `${hostNetwork}|${classLabels}`;
  const cached = byMode.get(cacheKey);
  if (cached !== undefined) return cached;

  const nsLabels = new Map(resources.namespaces.map((n) => [n.name, n.labels]));
  const classes: PodClass[] = [];
  const classIndex = new Map<string, number>();
  const podClass = new Map<Pod, number>();
  const podsByIp = new Map<string, { workload: Workload; pod: Pod }[]>();
  for (const w of resources.workloads) {
    const namespaceLabels = nsLabels.get(w.namespace) ?? { 'kubernetes.io/metadata.name': w.namespace };
    for (const pod of w.pods) {
      const labels =
        classLabels === 'pod'
          ? pod.labels
          : Object.fromEntries(podIdentity(pod.labels, w.namespace, namespaceLabels, pod.serviceAccount).get('k8s') ?? []);
      const key = `${w.namespace}\u0000${pod.hostNetwork ? 'host' : 'pod'}\u0000${labelsKey(labels)}`;
      let id = classIndex.get(key);
      if (id === undefined) {
        id = classes.length;
        classIndex.set(key, id);
        classes.push({
          id,
          namespace: w.namespace,
          labels,
          namespaceLabels,
          hostNetwork: pod.hostNetwork,
        });
      }
      podClass.set(pod, id);
      for (const ipText of pod.ips) {
        const ip = parseIp(ipText);
        if (ip === undefined) continue;
        const owners = podsByIp.get(ipKeyOf(ip)) ?? [];
        owners.push({ workload: w, pod });
        podsByIp.set(ipKeyOf(ip), owners);
      }
    }
  }

  const ingressRules: CompiledRule[] = [];
  const egressRules: CompiledRule[] = [];
  const ingressPolicies: number[][] = classes.map(() => []);
  const egressPolicies: number[][] = classes.map(() => []);
  const index = new ClassIndex(classes);
  const any = () => true;
  const notHost = (c: PodClass) => !(c.hostNetwork && hostNetwork !== 'as-pods');
  const policies: CompiledPolicy[] = resources.networkPolicies.map((policy, policyIndex) => {
    const selected = index.select(policy.namespace, policy.podSelector, any);
    const compileRules = (direction: Direction, target: CompiledRule[]): CompiledRule[] =>
      (direction === 'ingress' ? policy.ingress : policy.egress).map((rule, ruleIndex) => {
        const matched: number[][] = [];
        let ipSet = IpSet.empty();
        const ipBlocks: IpSet[] = [];
        if (rule.peers !== 'all') {
          for (const peer of rule.peers) {
            if (peer.type === 'ipBlock') {
              const cidr = parseCidr(peer.cidr)!;
              const except = peer.except.map((e) => parseCidr(e)!);
              const block = IpSet.of([cidr]).subtract(IpSet.of(except));
              ipBlocks.push(block);
              ipSet = ipSet.union(block);
              continue;
            }
            matched.push(index.peer(policy.namespace, peer.namespaceSelector, peer.podSelector, notHost));
          }
        }
        const classMatch = index.union(matched);
        const hasNamedPorts = rule.ports !== 'all' && rule.ports.some((p) => typeof p.port === 'string');
        const plain: CompiledRule = {
          id: target.length,
          policy: policyIndex,
          direction,
          index: ruleIndex,
          allPeers: rule.peers === 'all',
          classMatch,
          ipSet,
          ipBlocks,
          ports: rule.ports,
          hasNamedPorts,
        };
        const compiled: CompiledRule = hasNamedPorts ? plain : { ...plain, fixedPorts: rulePortsOn(plain, undefined) };
        target.push(compiled);
        return compiled;
      });
    const ingress = policy.policyTypes.includes('Ingress') ? compileRules('ingress', ingressRules) : undefined;
    const egress = policy.policyTypes.includes('Egress') ? compileRules('egress', egressRules) : undefined;
    for (const id of selected) {
      if (classes[id]!.hostNetwork && hostNetwork === 'as-node') continue;
      if (ingress !== undefined) ingressPolicies[id]!.push(policyIndex);
      if (egress !== undefined) egressPolicies[id]!.push(policyIndex);
    }
    return { index: policyIndex, policy, ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}) };
  });

  const engine: Engine = {
    resources,
    hostNetwork,
    classLabels,
    classes,
    policies,
    ingressRules,
    egressRules,
    ingressPolicies,
    egressPolicies,
    podClass,
    podsByIp,
  };
  byMode.set(cacheKey, engine);
  return engine;
}

/** True when the rule's peers match the endpoint. */
export function ruleMatchesPeer(rule: CompiledRule, peer: Endpoint): boolean {
  if (rule.allPeers) return true;
  if (peer.type === 'pod') {
    if (rule.classMatch.has(peer.classId)) return true;
    return peer.ip !== undefined && rule.ipSet.contains(peer.ip);
  }
  return rule.ipSet.contains(peer.ip);
}

/** The connections a rule's ports allow towards `dst` (named ports resolved on a destination pod). */
export function rulePortsFor(rule: CompiledRule, dst: Endpoint): ConnSet {
  return rule.fixedPorts ?? rulePortsOn(rule, dst.type === 'pod' ? dst.ports : undefined);
}

/**
 * The connections a rule's ports allow towards a destination with the given container ports
 * (`undefined` for an address that is no pod: named ports never match it).
 */
export function rulePortsOn(rule: CompiledRule, dstPorts: readonly ContainerPort[] | undefined): ConnSet {
  if (rule.ports === 'all') return ConnSet.all();
  const ranges: Record<Protocol, PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
  for (const p of rule.ports) {
    if (p.port === undefined) ranges[p.protocol].push([MIN_PORT, MAX_PORT]);
    else if (typeof p.port === 'number') ranges[p.protocol].push([p.port, p.endPort ?? p.port]);
    else if (dstPorts !== undefined) {
      const named = dstPorts.find((cp) => cp.name === p.port && cp.protocol === p.protocol);
      if (named !== undefined) ranges[p.protocol].push([named.port, named.port]);
    }
  }
  return ConnSet.ofRanges(ranges);
}

/** What the destination's ingress policies allow from `src` (all when `dst` is external or not isolated). */
export function evaluateIngress(engine: Engine, src: Endpoint, dst: Endpoint): DirectionResult {
  if (dst.type !== 'pod') return { isolated: false, conns: ConnSet.all(), matched: [], isolating: [] };
  const isolating = engine.ingressPolicies[dst.classId]!;
  return evaluateRules(engine, isolating, 'ingress', src, dst, src);
}

/** What the source's egress policies allow towards `dst` (all when `src` is external or not isolated). */
export function evaluateEgress(engine: Engine, src: Endpoint, dst: Endpoint): DirectionResult {
  if (src.type !== 'pod') return { isolated: false, conns: ConnSet.all(), matched: [], isolating: [] };
  const isolating = engine.egressPolicies[src.classId]!;
  return evaluateRules(engine, isolating, 'egress', src, dst, dst);
}

function evaluateRules(
  engine: Engine,
  isolating: readonly number[],
  direction: Direction,
  _src: Endpoint,
  dst: Endpoint,
  peer: Endpoint,
): DirectionResult {
  if (isolating.length === 0) return { isolated: false, conns: ConnSet.all(), matched: [], isolating };
  let conns = ConnSet.none();
  const matched: { rule: CompiledRule; conns: ConnSet }[] = [];
  for (const p of isolating) {
    const rules = direction === 'ingress' ? engine.policies[p]!.ingress : engine.policies[p]!.egress;
    for (const rule of rules ?? []) {
      if (!ruleMatchesPeer(rule, peer)) continue;
      const allowed = rulePortsFor(rule, dst);
      matched.push({ rule, conns: allowed });
      conns = conns.union(allowed);
    }
  }
  return { isolated: true, conns, matched, isolating };
}

/** The connections the destination's ingress policies allow from `src`: `evaluateIngress(...).conns` without recording the rules. */
export function ingressConns(engine: Engine, src: Endpoint, dst: Endpoint): ConnSet {
  if (dst.type !== 'pod') return ConnSet.all();
  return rulesConns(engine, engine.ingressPolicies[dst.classId]!, 'ingress', dst, src);
}

/** The connections the source's egress policies allow towards `dst`: `evaluateEgress(...).conns` without recording the rules. */
export function egressConns(engine: Engine, src: Endpoint, dst: Endpoint): ConnSet {
  if (src.type !== 'pod') return ConnSet.all();
  return rulesConns(engine, engine.egressPolicies[src.classId]!, 'egress', dst, dst);
}

function rulesConns(engine: Engine, isolating: readonly number[], direction: Direction, dst: Endpoint, peer: Endpoint): ConnSet {
  if (isolating.length === 0) return ConnSet.all();
  let conns = ConnSet.none();
  for (const p of isolating) {
    const rules = direction === 'ingress' ? engine.policies[p]!.ingress : engine.policies[p]!.egress;
    for (const rule of rules ?? []) {
      if (!ruleMatchesPeer(rule, peer)) continue;
      conns = conns.union(rulePortsFor(rule, dst));
      if (conns.isAll()) return conns;
    }
  }
  return conns;
}

/** The connections allowed from `src` to `dst`: egress of the source AND ingress of the destination. */
export function allowedConns(engine: Engine, src: Endpoint, dst: Endpoint): ConnSet {
  return evaluateEgress(engine, src, dst).conns.intersect(evaluateIngress(engine, src, dst).conns);
}

/** The endpoints of a workload's pods: one per (pod, known IP), or one without IP when none is known. */
export function podEndpoints(engine: Engine, workload: Workload): Endpoint[] {
  const out: Endpoint[] = [];
  for (const pod of workload.pods) {
    const classId = engine.podClass.get(pod)!;
    const ips = pod.ips.map((t) => parseIp(t)).filter((ip): ip is IpAddress => ip !== undefined);
    if (ips.length === 0) out.push({ type: 'pod', classId, ports: pod.ports, workload, pod });
    for (const ip of ips) out.push({ type: 'pod', classId, ports: pod.ports, ip, workload, pod });
  }
  return out;
}

/**
 * True when traffic can go between the two endpoints on one IP family: either side without a
 * known IP, or both IPs of the same family.
 */
export function sameFamilyPath(a: Endpoint, b: Endpoint): boolean {
  if (a.ip === undefined || b.ip === undefined) return true;
  return a.ip.family === b.ip.family;
}
