/**
 * Turning a cluster into cyclonus `query-traffic` questions, and the answers back into the
 * common model. cyclonus answers one question per traffic object: a source and a destination
 * (pod: namespace, namespace labels, pod labels, IP; or external: IP only), a protocol, a port
 * and the name the destination gives that port. The questions asked are every ordered pair of
 * pods of different workloads and every pod with a representative address of each external
 * piece, on a representative port of each port piece (see partition.ts). Identical traffic
 * objects are asked once: cyclonus's answer is a function of the object.
 */
import { ConnSet, PROTOCOLS } from '@ztp/reachability';
import type { PortRange, Protocol } from '@ztp/reachability';
import type { ClusterSpec, PodSpec, WorkloadSpec } from '../cluster.ts';
import { namespaceLabels, workloadId } from '../cluster.ts';
import { Connectivity, externalPeer, workloadPeer } from '../connectivity.ts';
import type { Peer, PeerPair } from '../connectivity.ts';
import { formatIpv4, isIpv6Text, parseIpv4 } from '../ipv4.ts';
import { addressPieces, pieceOf, portPieces } from '../partition.ts';
import type { Ipv4Range } from '../ipv4.ts';

/**
 * The address given to pods whose IP is unknown (controllers' templates). cyclonus needs an IP
 * for every pod (it stops on an unparsable one) and matches ipBlocks against pod IPs; an IPv6
 * unique-local address lies in no IPv4 ipBlock, so an unknown IP is matched by no ipBlock, as in
 * @ztp/reachability and netpol-analyzer. IPv6 ipBlocks are refused before this is used.
 */
export const UNKNOWN_POD_IP = 'fd00::1';

/** A side of a cyclonus traffic object (field names are cyclonus's). */
export interface TrafficPeer {
  readonly Internal?: {
    readonly PodLabels: Readonly<Record<string, string>>;
    readonly NamespaceLabels: Readonly<Record<string, string>>;
    readonly Namespace: string;
  };
  readonly IP: string;
}

/** One cyclonus traffic object (`--traffic-path` is a JSON array of these). */
export interface Traffic {
  readonly Source: TrafficPeer;
  readonly Destination: TrafficPeer;
  readonly Protocol: Protocol;
  readonly ResolvedPort: number;
  readonly ResolvedPortName: string;
}

/** Traffic objects asked once each, in the order they are added. */
export class TrafficTable {
  readonly traffics: Traffic[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `traffic`, adding it when new. */
  add(traffic: Traffic): number {
    const key = stableJson(traffic);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.traffics.length;
      this.traffics.push(traffic);
      this.index.set(key, i);
    }
    return i;
  }
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** One cell of a plan: the traffic answering whether `src` may reach `dst` on a piece of ports. */
interface Cell {
  readonly pair: string;
  /** Which pod pair of the workload pair (0 for external peers). */
  readonly podPair: string;
  readonly protocol: Protocol;
  readonly piece: PortRange;
  readonly traffic: number;
}

/** The questions for one cluster and how to read the answers. */
export interface QueryPlan {
  readonly workloads: readonly string[];
  readonly pairs: ReadonlyMap<string, { readonly src: Peer; readonly dst: Peer }>;
  readonly cells: readonly Cell[];
}

interface PodEnd {
  readonly workload: WorkloadSpec;
  readonly pod: PodSpec;
  readonly peer: TrafficPeer;
}

/**
 * A pod as a traffic side. cyclonus reads a pod's IP only to match it against ipBlocks, so a
 * known IP is replaced by the first address of its piece (same blocks, same answers), which lets
 * pods that differ only in IP share their questions.
 */
function podEnd(cluster: ClusterSpec, w: WorkloadSpec, pod: PodSpec, addresses: readonly Ipv4Range[]): PodEnd {
  const ns = cluster.namespaces.find((n) => n.name === w.namespace);
  if (ns === undefined) throw new Error(`${workloadId(w)}: namespace ${w.namespace} is not described`);
  let ip = UNKNOWN_POD_IP;
  if (pod.ip !== undefined) {
    const address = isIpv6Text(pod.ip) ? undefined : parseIpv4(pod.ip);
    if (address === undefined) throw new Error(`${workloadId(w)}: pod IP ${pod.ip} is not IPv4; the cross-check compares IPv4 only`);
    ip = formatIpv4(pieceOf(addresses, address).start);
  }
  return {
    workload: w,
    pod,
    peer: {
      Internal: { PodLabels: { ...pod.labels }, NamespaceLabels: namespaceLabels(ns), Namespace: w.namespace },
      IP: ip,
    },
  };
}

/** The name the destination gives (port, protocol), or `''` (also for external destinations). */
function portName(dst: PodSpec | undefined, protocol: Protocol, port: number): string {
  return dst?.ports.find((p) => p.protocol === protocol && p.port === port && p.name !== undefined)?.name ?? '';
}

/** Adds the questions about `cluster` to `table` and returns how to read their answers. */
export function planQueries(cluster: ClusterSpec, table: TrafficTable): QueryPlan {
  const ports = portPieces(cluster);
  const addresses = addressPieces(cluster.policies);
  const ends = cluster.workloads.flatMap((w) => w.pods.map((pod) => podEnd(cluster, w, pod, addresses)));
  const pairs = new Map<string, { src: Peer; dst: Peer }>();
  const cells: Cell[] = [];
  const ask = (pair: string, podPair: string, src: TrafficPeer, dst: TrafficPeer, dstPod: PodSpec | undefined) => {
    for (const protocol of PROTOCOLS) {
      for (const piece of ports[protocol]) {
        const traffic = table.add({ Source: src, Destination: dst, Protocol: protocol, ResolvedPort: piece[0], ResolvedPortName: portName(dstPod, protocol, piece[0]) });
        cells.push({ pair, podPair, protocol, piece, traffic });
      }
    }
  };
  for (const a of ends) {
    const aId = workloadId(a.workload);
    for (const b of ends) {
      const bId = workloadId(b.workload);
      if (aId === bId) continue;
      const pair = `${aId} => ${bId}`;
      pairs.set(pair, { src: workloadPeer(aId), dst: workloadPeer(bId) });
      ask(pair, `${a.pod.name} => ${b.pod.name}`, a.peer, b.peer, b.pod);
    }
    for (const range of addresses) {
      const external: TrafficPeer = { IP: formatIpv4(range.start) };
      const inbound = `${formatIpv4(range.start)} => ${aId}`;
      pairs.set(inbound, { src: externalPeer(range), dst: workloadPeer(aId) });
      ask(inbound, `=> ${a.pod.name}`, external, a.peer, a.pod);
      const outbound = `${aId} => ${formatIpv4(range.start)}`;
      pairs.set(outbound, { src: workloadPeer(aId), dst: externalPeer(range) });
      ask(outbound, `${a.pod.name} =>`, a.peer, external, undefined);
    }
  }
  return { workloads: cluster.workloads.map(workloadId), pairs, cells };
}

/**
 * Reads the answers (`allowed[i]` answers traffic `i` of the table) into the common model. A
 * workload pair gets the connections every one of its pod pairs has.
 */
export function assembleAnswers(plan: QueryPlan, allowed: readonly boolean[]): Connectivity {
  const perPodPair = new Map<string, Map<string, ConnSet>>();
  for (const cell of plan.cells) {
    const answer = allowed[cell.traffic];
    if (answer === undefined) throw new Error(`no cyclonus answer for traffic ${cell.traffic}`);
    const byPod = perPodPair.get(cell.pair) ?? new Map<string, ConnSet>();
    perPodPair.set(cell.pair, byPod);
    const current = byPod.get(cell.podPair) ?? ConnSet.none();
    byPod.set(cell.podPair, answer ? current.union(ConnSet.of(cell.protocol, [cell.piece])) : current);
  }
  const result: PeerPair[] = [];
  for (const [key, byPod] of perPodPair) {
    const conns = [...byPod.values()].reduce((acc, c) => acc.intersect(c), ConnSet.all());
    result.push({ ...plan.pairs.get(key)!, conns });
  }
  return Connectivity.of(plan.workloads, result);
}
