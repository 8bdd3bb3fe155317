/**
 * Verdicts for one connection (src, dst, protocol, port): allowed or not, and which policies
 * and rules decided each direction.
 */
import { compile, evaluateEgress, evaluateIngress, sameFamilyPath } from './engine.ts';
import type { DirectionResult, Direction, Endpoint, Engine, HostNetworkMode } from './engine.ts';
import { formatIp } from './ip.ts';
import type { Resources } from './model.ts';
import { isProtocol, MAX_PORT, MIN_PORT } from './ports.ts';
import type { Protocol } from './ports.ts';
import { resolvePeer } from './peers.ts';
import type { PeerSpec, ResolvedPeer } from './peers.ts';

/** A connection to judge. */
export interface VerdictQuery {
  readonly src: PeerSpec;
  readonly dst: PeerSpec;
  readonly protocol: Protocol;
  readonly port: number;
}

/**
 * A policy that took part in a decision: with `rule`, that rule (index in the policy's
 * `ingress`/`egress` list) allows the connection; without `rule`, the policy isolates the pod
 * in that direction and none of its rules allows the connection.
 */
export interface DecisionRef {
  readonly kind: 'NetworkPolicy';
  readonly namespace: string;
  readonly name: string;
  readonly direction: Direction;
  readonly rule?: number;
}

/**
 * What decided one direction: no policy selects the pod, the side is external, the two sides
 * share no IP family (so no connection exists), or these policies.
 */
export type Decision = 'not isolated' | 'external peer' | 'no common IP family' | readonly DecisionRef[];

/** One direction's verdict. */
export interface DirectionVerdict {
  readonly allowed: boolean;
  readonly decidedBy: Decision;
}

/** The verdict for one pair of pod endpoints (one pod and IP on each side). */
export interface PathVerdict {
  readonly src: string;
  readonly dst: string;
  readonly allowed: boolean;
  readonly ingress: DirectionVerdict;
  readonly egress: DirectionVerdict;
}

/** The verdict of a query. */
export interface Verdict {
  /** True only when every pod of `src` may open the connection to every pod of `dst`. */
  readonly allowed: boolean;
  readonly src: string;
  readonly dst: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** The destination's ingress decision (of the first refused path when some path is refused). */
  readonly ingress: DirectionVerdict;
  /** The source's egress decision (same path as `ingress`). */
  readonly egress: DirectionVerdict;
  /** Every pod-level path, when a side has several pods or IPs. */
  readonly paths?: readonly PathVerdict[];
}

function endpointName(ep: Endpoint): string {
  if (ep.type === 'external') return formatIp(ep.ip);
  const pod = ep.pod.name === ep.workload.name ? ep.workload.id : `${ep.workload.namespace}/${ep.pod.name}`;
  return ep.ip === undefined ? pod : `${pod}@${formatIp(ep.ip)}`;
}

function directionVerdict(
  engine: Engine,
  result: DirectionResult,
  direction: Direction,
  externalSide: boolean,
  protocol: Protocol,
  port: number,
): DirectionVerdict {
  if (externalSide) return { allowed: true, decidedBy: 'external peer' };
  if (!result.isolated) return { allowed: true, decidedBy: 'not isolated' };
  const allowing = result.matched.filter((m) => m.conns.contains(protocol, port));
  const ref = (policyIndex: number, rule?: number): DecisionRef => {
    const p = engine.policies[policyIndex]!.policy;
    return { kind: 'NetworkPolicy', namespace: p.namespace, name: p.name, direction, ...(rule === undefined ? {} : { rule }) };
  };
  if (allowing.length > 0) return { allowed: true, decidedBy: allowing.map((m) => ref(m.rule.policy, m.rule.index)) };
  return { allowed: false, decidedBy: result.isolating.map((p) => ref(p)) };
}

function judgePath(engine: Engine, src: Endpoint, dst: Endpoint, protocol: Protocol, port: number): PathVerdict {
  const ingress = directionVerdict(engine, evaluateIngress(engine, src, dst), 'ingress', dst.type === 'external', protocol, port);
  const egress = directionVerdict(engine, evaluateEgress(engine, src, dst), 'egress', src.type === 'external', protocol, port);
  return { src: endpointName(src), dst: endpointName(dst), allowed: ingress.allowed && egress.allowed, ingress, egress };
}

/** Checks a query's protocol and port; throws a RangeError when invalid. */
export function checkConnection(protocol: unknown, port: unknown): void {
  if (!isProtocol(protocol)) throw new RangeError(`protocol must be TCP, UDP or SCTP, got ${String(protocol)}`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw new RangeError(`port must be an integer ${MIN_PORT}-${MAX_PORT}, got ${String(port)}`);
  }
}

/** Judges the paths between two resolved peers (helper shared with the mesh layers). */
export function judgeResolved(engine: Engine, src: ResolvedPeer, dst: ResolvedPeer, protocol: Protocol, port: number): Verdict {
  if (src.type === 'external' && dst.type === 'external') {
    throw new RangeError('at least one side of a connection must be a workload');
  }
  const paths: PathVerdict[] = [];
  for (const s of src.endpoints) {
    for (const d of dst.endpoints) {
      if (sameFamilyPath(s, d)) paths.push(judgePath(engine, s, d, protocol, port));
    }
  }
  if (paths.length === 0) {
    const none: DirectionVerdict = { allowed: false, decidedBy: 'no common IP family' };
    return { allowed: false, src: src.name, dst: dst.name, protocol, port, ingress: none, egress: none, paths };
  }
  const refused = paths.find((p) => !p.allowed);
  const shown = refused ?? paths[0]!;
  return {
    allowed: refused === undefined,
    src: src.name,
    dst: dst.name,
    protocol,
    port,
    ingress: shown.ingress,
    egress: shown.egress,
    ...(paths.length > 1 ? { paths } : {}),
  };
}

/** Options of `verdict`. */
export interface VerdictOptions {
  /** How host-network pods are treated (upstream leaves it open); default `intersection`. */
  readonly hostNetwork?: HostNetworkMode;
}

/**
 * Judges one connection. `src`/`dst` are workloads (`ns/name[Kind]` or `ns/name`) or IP
 * addresses (an address owned by a pod stands for that pod). Allowed only when the source's
 * egress and the destination's ingress both allow it, for every pod of each workload.
 */
export function verdict(resources: Resources, query: VerdictQuery, options: VerdictOptions = {}): Verdict {
  checkConnection(query.protocol, query.port);
  const engine = compile(resources, options.hostNetwork);
  return judgeResolved(engine, resolvePeer(engine, query.src), resolvePeer(engine, query.dst), query.protocol, query.port);
}
