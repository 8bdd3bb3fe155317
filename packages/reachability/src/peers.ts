/**
 * Resolving what a caller names as a connection end: a workload (`ns/name[Kind]`, `ns/name`),
 * or an IP address (a pod's when a pod has that IP, otherwise external).
 */
import { addressKey, podEndpoints } from './engine.ts';
import type { Endpoint, Engine } from './engine.ts';
import { formatIp, parseIp } from './ip.ts';
import type { Workload } from './model.ts';

/** A connection end as a caller names it. A plain string is an IP when it parses as one. */
export type PeerSpec = string | { readonly workload: string } | { readonly ip: string };

/** A resolved connection end. */
export type ResolvedPeer =
  | { readonly type: 'workload'; readonly name: string; readonly workload: Workload; readonly endpoints: readonly Endpoint[] }
  | { readonly type: 'external'; readonly name: string; readonly endpoints: readonly Endpoint[] };

/** Raised when a peer cannot be resolved (unknown or ambiguous workload, bad address). */
export class PeerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerError';
  }
}

/** Finds a workload by `ns/name[Kind]` or `ns/name` (unique across kinds). */
export function findWorkload(engine: Engine, ref: string): Workload {
  const exact = engine.resources.workloads.find((w) => w.id === ref);
  if (exact !== undefined) return exact;
  const candidates = engine.resources.workloads.filter((w) => `${w.namespace}/${w.name}` === ref);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    throw new PeerError(`workload "${ref}" is ambiguous: ${candidates.map((w) => w.id).join(', ')}`);
  }
  throw new PeerError(`no workload "${ref}" (expected ns/name[Kind] or ns/name)`);
}

/** Peers resolved on each engine, by spec (a proof names the same few peers in every query). */
const resolved = new WeakMap<Engine, Map<string, ResolvedPeer>>();

/** Resolves a peer spec into the endpoints it stands for. */
export function resolvePeer(engine: Engine, spec: PeerSpec): ResolvedPeer {
  const key = typeof spec === 'string' ? `s ${spec}` : 'ip' in spec ? `i ${spec.ip}` : `w ${spec.workload}`;
  let byKey = resolved.get(engine);
  if (byKey === undefined) resolved.set(engine, (byKey = new Map()));
  let peer = byKey.get(key);
  if (peer === undefined) byKey.set(key, (peer = resolveUncached(engine, spec)));
  return peer;
}

function resolveUncached(engine: Engine, spec: PeerSpec): ResolvedPeer {
  let ipText: string | undefined;
  let workloadRef: string | undefined;
  if (typeof spec === 'string') {
    if (parseIp(spec) !== undefined) ipText = spec;
    else workloadRef = spec;
  } else if ('ip' in spec) ipText = spec.ip;
  else workloadRef = spec.workload;

  if (workloadRef !== undefined) {
    const workload = findWorkload(engine, workloadRef);
    return { type: 'workload', name: workload.id, workload, endpoints: podEndpoints(engine, workload) };
  }
  const ip = parseIp(ipText!);
  if (ip === undefined) throw new PeerError(`"${ipText}" is not an IP address`);
  const owners = engine.podsByIp.get(addressKey(ip)) ?? [];
  if (owners.length > 0) {
    const workloads = [...new Set(owners.map((o) => o.workload))];
    if (workloads.length > 1) {
      throw new PeerError(`${ipText} is the IP of pods of several workloads (${workloads.map((w) => w.id).join(', ')}); name the workload`);
    }
    const workload = workloads[0]!;
    return {
      type: 'workload',
      name: workload.id,
      workload,
      endpoints: owners.map((o) => ({ type: 'pod' as const, classId: engine.podClass.get(o.pod)!, ports: o.pod.ports, ip, workload, pod: o.pod })),
    };
  }
  return { type: 'external', name: formatIp(ip), endpoints: [{ type: 'external', ip }] };
}
