import { flowsToPort, intendedAllowed, probeRequests, synthesize, type BundleManifest, type PodPeer } from '@ztp/verify';
import type { ExpectedOutcome } from './outcome.ts';

/** Which part of the bundle enforces in the run: `network` (NetworkPolicy and Cilium), or `all` (with Istio too). */
export type EnforcedLayer = 'all' | 'network';

type Protocol = 'TCP' | 'UDP' | 'SCTP';
type ManifestFlow = BundleManifest['intent']['flows'][number];

/** A pod the suite places to call from: a declared workload, or one of verify's synthetic callers. */
export interface ProbeSource {
  /** `namespace/name`: the workload id for declared workloads, else the synthetic pod. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: 'workload' | 'rogue' | 'probe' | 'outsider' | 'impostor';
  /** The caller as `@ztp/verify` knows it (for `intendedAllowed`). */
  readonly peer: PodPeer;
}

/** A port a target listens on; `declared: false` is the one extra port nobody declared. */
export interface TargetPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly declared: boolean;
}

/** A destination: a declared workload, or the cluster DNS. */
export interface ProbeTarget {
  readonly id: string;
  readonly kind: 'workload' | 'dns';
  readonly ports: readonly TargetPort[];
}

/** How a cell is probed. */
export type ProbeKind = 'tcp' | 'http' | 'udp' | 'dns';

/** One cell of the expected matrix: a source, a destination port, maybe a request, and the expectation. */
export interface ProbeCell {
  /** `source => target:port/PROTOCOL [METHOD path]`. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly port: number;
  readonly portName: string;
  readonly protocol: Protocol;
  readonly probe: ProbeKind;
  readonly request?: { readonly method: string; readonly path: string };
  /** For `dns` probes: the name to resolve. */
  readonly name?: string;
  readonly expected: ExpectedOutcome;
  /** The declarations (source lines) that make it allowed; empty for a default-deny cell. */
  readonly declaredBy: readonly string[];
}

/** Everything the suite will probe in one environment, and what it will not, with why. */
export interface ProbePlan {
  readonly environment: string;
  readonly layer: EnforcedLayer;
  readonly sources: readonly ProbeSource[];
  readonly targets: readonly ProbeTarget[];
  readonly cells: readonly ProbeCell[];
  readonly notProbed: readonly string[];
}

/** Options of `planProbes`. */
export interface PlanOptions {
  /** Which layers enforce in this run; default `network` (the kind suite runs no Istio). */
  readonly layer?: EnforcedLayer;
  /** The name every managed source resolves through the cluster DNS; default `kubernetes.default.svc.cluster.local`. */
  readonly dnsName?: string;
}

/** The cluster DNS as a target id. */
export const CLUSTER_DNS = 'cluster-dns';

function sourceOf(peer: PodPeer): ProbeSource | undefined {
  if (peer.kind === 'dns' || peer.kind === 'istiod') return undefined;
  const name = /^[^/]+\/([^[]+)\[/.exec(peer.ref)?.[1] ?? peer.ref;
  return { id: peer.workload ?? `${peer.namespace}/${name}`, namespace: peer.namespace, name, kind: peer.kind, peer };
}

/**
 * The declared flows that admit `caller` on a port: each flow asked on its own through
 * `intendedAllowed`, so which flows match is decided by `@ztp/verify`, as in the static proof.
 */
export function declaringFlows(m: BundleManifest, caller: PodPeer, target: string, protocol: Protocol, port: number): ManifestFlow[] {
  return m.intent.flows.filter((f) => intendedAllowed({ ...m, intent: { ...m.intent, flows: [f] } }, caller, target, protocol, port));
}

/** The port no workload declares, probed to show default deny per port (as `ztp verify` picks it). */
export function undeclaredPort(ports: readonly { port: number }[]): number {
  return Math.max(1024, ...ports.map((p) => p.port)) + 1;
}

/**
 * The probe plan of an environment, from its `manifest.json` alone: the callers `@ztp/verify`
 * places (each declared workload, an undeclared pod per managed namespace, a probe per other
 * namespace a flow admits, an outsider), every declared workload port plus one undeclared port,
 * the HTTP requests `probeRequests` picks where every admitting flow has HTTP rules (those of the
 * caller's own flows, then those of the other callers' HTTP rules on the port), and the
 * cluster DNS from every managed pod. Each expectation is `intendedAllowed` at the enforced
 * layer: allowed is `connected`; a request refused by HTTP rules on an admitted connection is
 * `http-403`; everything else is `dropped` (default deny). Internet egress is never probed.
 */
export function planProbes(m: BundleManifest, options: PlanOptions = {}): ProbePlan {
  const layer = options.layer ?? 'network';
  const dnsName = options.dnsName ?? 'kubernetes.default.svc.cluster.local';
  const sources = synthesize(m).peers.flatMap((p) => sourceOf(p) ?? []);
  const notProbed: string[] = ['traffic from a workload pod to itself'];
  const targets: ProbeTarget[] = m.workloads.map((w) => ({
    id: w.id,
    kind: 'workload',
    ports: [...w.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, declared: true })), { name: 'undeclared', port: undeclaredPort(w.ports), protocol: 'TCP' as const, declared: false }],
  }));
  const cells: ProbeCell[] = [];
  const sctp = new Set<string>();

  for (const s of sources) {
    for (const t of targets) {
      if (s.kind === 'workload' && s.id === t.id) continue;
      for (const p of t.ports) {
        if (p.protocol === 'SCTP') {
          sctp.add(`${t.id}:${p.port}/SCTP`);
          continue;
        }
        const base = `${s.id} => ${t.id}:${p.port}/${p.protocol}`;
        const flows = declaringFlows(m, s.peer, t.id, p.protocol, p.port);
        const declaredBy = flows.map((f) => f.source);
        const cell = { source: s.id, target: t.id, port: p.port, portName: p.name, protocol: p.protocol, declaredBy };
        if (flows.length > 0 && p.protocol === 'TCP' && flows.every((f) => f.http !== undefined)) {
          // its own requests, then those of the other callers' HTTP rules on the port (as `ztp verify`):
          // a rule that lost its caller would admit them
          const others = flowsToPort(m, t.id, p.protocol, p.port).filter((f) => f.http !== undefined && !flows.includes(f));
          for (const request of probeRequests([...flows, ...others])) {
            const allowed = intendedAllowed(m, s.peer, t.id, p.protocol, p.port, request, layer);
            cells.push({ id: `${base} ${request.method} ${request.path}`, ...cell, probe: 'http', request, expected: allowed ? 'connected' : 'http-403' });
          }
        } else {
          const allowed = intendedAllowed(m, s.peer, t.id, p.protocol, p.port, undefined, layer);
          cells.push({ id: base, ...cell, probe: p.protocol === 'UDP' ? 'udp' : 'tcp', expected: allowed ? 'connected' : 'dropped' });
        }
      }
    }
  }

  // Every managed pod must reach the cluster DNS (the network baseline): one lookup each.
  const dns = m.intent.dns;
  const dnsLabels = Object.entries(dns.podLabels).map(([k, v]) => `${k}=${v}`).join(',');
  for (const s of sources.filter((x) => x.peer.managed)) {
    cells.push({
      id: `${s.id} => ${CLUSTER_DNS}:${dns.port}/UDP lookup ${dnsName}`,
      source: s.id,
      target: CLUSTER_DNS,
      port: dns.port,
      portName: 'dns',
      protocol: 'UDP',
      probe: 'dns',
      name: dnsName,
      expected: 'connected',
      declaredBy: [`cluster DNS ${dns.namespace}/{${dnsLabels}}:${dns.port} (network baseline)`],
    });
  }
  const allTargets: ProbeTarget[] = [...targets, { id: CLUSTER_DNS, kind: 'dns', ports: [{ name: 'dns', port: dns.port, protocol: 'UDP', declared: true }] }];

  if (sctp.size > 0) notProbed.push(`SCTP ports (${[...sctp].join(', ')}): the probe agent speaks TCP, HTTP and UDP only`);
  const external = m.intent.flows.filter((f) => 'cidr' in f.from);
  if (external.length > 0) notProbed.push(`callers outside the cluster (${external.map((f) => ('cidr' in f.from ? `${f.from.cidr} => ${f.to}` : '')).join(', ')}): no address outside the cluster can be placed in it`);
  if (m.intent.egress.length > 0) notProbed.push(`internet egress (${m.intent.egress.length} declared rule${m.intent.egress.length === 1 ? '' : 's'}): never probed`);
  if (layer === 'network' && m.mesh.mode !== 'none') {
    notProbed.push(`Istio mTLS and authorization (${m.mesh.mode}): no Istio control plane in this run, so the expected matrix is the network layer's own (HTTP rules that Istio enforces are expected to pass)`);
  }
  return { environment: m.environment, layer, sources, targets: allTargets, cells, notProbed };
}
