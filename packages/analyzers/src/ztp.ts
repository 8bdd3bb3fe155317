/**
 * @ztp/reachability's answer in the common model, under a chosen reading. A reading is how the
 * engine is asked to read the manifests: its default (the one ztp's proofs use), or the reading
 * of an analyzer where the analyzer documentedly differs (see differences.ts).
 */
import { connlist } from '@ztp/reachability';
import type { ConnlistPeer, HostNetworkMode, Resources } from '@ztp/reachability';
import { Connectivity, externalPeer, workloadPeer } from './connectivity.ts';
import type { Peer } from './connectivity.ts';

/** How @ztp/reachability is asked to read the manifests. */
export interface ZtpReading {
  /** Host-network pods (default `intersection`, the engine's default). */
  readonly hostNetwork?: HostNetworkMode;
  /** Forget every pod IP, so that no ipBlock matches a pod (netpol-analyzer's reading). */
  readonly podIpsUnknown?: boolean;
}

/** The engine's default reading. */
export const DEFAULT_READING: ZtpReading = {};

/** The resources with every pod IP forgotten. */
export function withoutPodIps(resources: Resources): Resources {
  return { ...resources, workloads: resources.workloads.map((w) => ({ ...w, pods: w.pods.map((p) => ({ ...p, ips: [] })) })) };
}

function peer(p: ConnlistPeer): Peer {
  if (p.type === 'workload') return workloadPeer(p.name);
  if (p.range.family !== 4) throw new Error(`IPv6 external peer ${p.name}: the cross-check compares IPv4 only`);
  return externalPeer({ start: Number(p.range.start), end: Number(p.range.end) });
}

/**
 * The allowances @ztp/reachability lists (its `connlist`, IPv4 external ranges) under `reading`.
 * A pair's connections are those every pod pair has (`conns`); `partial` ones are not allowances.
 */
export function ztpConnectivity(resources: Resources, reading: ZtpReading = DEFAULT_READING): Connectivity {
  const input = reading.podIpsUnknown === true ? withoutPodIps(resources) : resources;
  const entries = connlist(input, { ipFamilies: [4], ...(reading.hostNetwork !== undefined ? { hostNetwork: reading.hostNetwork } : {}) });
  return Connectivity.of(
    input.workloads.map((w) => w.id),
    entries.map((e) => ({ src: peer(e.src), dst: peer(e.dst), conns: e.conns })),
  );
}
