/**
 * Synthetic environments for the benchmarks: N workloads, M flows, K namespaces, deterministic
 * from a seed. Shape: a few hub services (gateway, auth, databases: several named ports, many
 * callers) and many leaf services (one or two ports, a few callers); ports are named, with
 * numbers from a realistic spread (8080, 9090, 5432, 6379, 5000-5999...), a few UDP; some flows
 * carry HTTP rules; some workloads and namespaces have external egress. Emits the ztp source
 * (an Environment built with @ztp/model) and, through the compiler and the analyzers' bundle
 * synthesis, plain manifests: the Deployments and the compiled NetworkPolicies.
 */
import { defineEnvironment, egress, flow, fromNamespace, toCidr, workload } from '@ztp/model';
import type { Environment, Flow, HttpRule, Port, PortProps, Workload } from '@ztp/model';
import { istioMesh } from '@ztp/policy-mesh';
import { kubeDns } from '@ztp/policy-network-baseline';

/** What to generate. */
export interface GenerateOptions {
  readonly workloads: number;
  /** Flows (workload or namespace source to workload). @default 3 * workloads */
  readonly flows?: number;
  /** Namespaces. @default max(1, round(workloads / 25)) */
  readonly namespaces?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default 'bench' */
  readonly name?: string;
}

/** mulberry32: a small deterministic PRNG, [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

const HUB_KINDS: readonly { readonly name: string; readonly ports: Readonly<Record<string, PortProps>> }[] = [
  { name: 'gateway', ports: { http: { port: 8080, appProtocol: 'http' }, grpc: { port: 9090, appProtocol: 'grpc' }, metrics: { port: 9100 } } },
  { name: 'auth', ports: { http: { port: 8080, appProtocol: 'http' }, grpc: { port: 9090, appProtocol: 'grpc' } } },
  { name: 'postgres', ports: { postgres: { port: 5432 }, metrics: { port: 9187 } } },
  { name: 'redis', ports: { redis: { port: 6379 } } },
  { name: 'kafka', ports: { broker: { port: 9092 }, controller: { port: 9093 } } },
  { name: 'statsd', ports: { statsd: { port: 8125, protocol: 'UDP' }, admin: { port: 8126 } } },
];

/** The counts actually used for `options` (defaults applied). */
export function shapeOf(options: GenerateOptions): { workloads: number; flows: number; namespaces: number; hubs: number; seed: number } {
  const workloads = Math.max(2, Math.floor(options.workloads));
  const namespaces = Math.max(1, Math.min(workloads, options.namespaces ?? Math.round(workloads / 25)));
  const flows = Math.max(0, Math.floor(options.flows ?? 3 * workloads));
  const hubs = Math.max(1, Math.min(workloads - 1, Math.round(workloads * 0.03)));
  return { workloads, flows, namespaces, hubs, seed: options.seed ?? 1 };
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

/** A synthetic environment, the same for the same options. */
export function generateEnvironment(options: GenerateOptions): Environment {
  const shape = shapeOf(options);
  const rnd = random(shape.seed);
  const namespaces = Array.from({ length: shape.namespaces }, (_, i) => `team-${String(i).padStart(3, '0')}`);
  const workloads: Workload[] = [];
  const hubs: Workload[] = [];
  for (let i = 0; i < shape.workloads; i++) {
    const namespace = namespaces[i % namespaces.length]!;
    if (i < shape.hubs) {
      const kind = HUB_KINDS[i % HUB_KINDS.length]!;
      const w = workload({ namespace, name: `${kind.name}-${i}`, ports: kind.ports, images: [`registry.example.com/hub/${kind.name}:1.${i % 10}.0`] });
      hubs.push(w);
      workloads.push(w);
      continue;
    }
    const r = rnd();
    const ports: Record<string, PortProps> =
      r < 0.55
        ? { http: { port: 8080, appProtocol: 'http' } }
        : r < 0.75
          ? { grpc: { port: 9090, appProtocol: 'grpc' }, metrics: { port: 9100 } }
          : r < 0.95
            ? { [`tcp-${5000 + (i % 1000)}`]: { port: 5000 + (i % 1000) } }
            : { [`udp-${6000 + (i % 100)}`]: { port: 6000 + (i % 100), protocol: 'UDP' } };
    workloads.push(workload({ namespace, name: `svc-${i}`, ports, images: [`registry.example.com/leaf/svc-${i}:2.${i % 7}.1`] }));
  }

  const flows: Flow[] = [];
  const seen = new Set<string>();
  const leaves = workloads.slice(shape.hubs);
  const sourceNamespaces = ['istio-ingress', 'monitoring'];
  for (let attempts = 0; flows.length < shape.flows && attempts < shape.flows * 20; attempts++) {
    const to = rnd() < 0.4 ? pick(rnd, hubs) : pick(rnd, leaves);
    const fromNs = rnd() < 0.05;
    const from = fromNs ? fromNamespace(pick(rnd, sourceNamespaces)) : pick(rnd, workloads);
    const fromKey = fromNs ? `ns:${(from as { namespace: string }).namespace}` : `${(from as Workload).namespace}/${(from as Workload).name}`;
    const key = `${fromKey}->${to.namespace}/${to.name}`;
    if (!fromNs && from === to) continue;
    if (seen.has(key)) continue;
    seen.add(key);
    const ports = Object.values<Port>(to.ports);
    const names = ports.map((p) => p.name);
    const chosen = names.filter((_, i) => i === 0 || rnd() < 0.3);
    const httpPorts = ports.filter((p) => chosen.includes(p.name) && p.appProtocol !== 'tcp');
    let http: HttpRule[] | undefined;
    if (httpPorts.length === chosen.length && httpPorts.length > 0 && rnd() < 0.25) {
      http = httpPorts.some((p) => p.appProtocol === 'grpc') ? [{ methods: ['POST'], paths: [`/svc${flows.length % 50}.v1.Api/*`] }] : [{ methods: ['GET', 'POST'], paths: [`/api/v${1 + (flows.length % 3)}/*`] }];
    }
    flows.push(flow({ from, to, ports: chosen, ...(http !== undefined ? { http } : {}) }));
  }

  const egresses = [];
  for (const w of workloads) {
    if (rnd() < 0.05) egresses.push(egress({ from: w, to: toCidr('0.0.0.0/0', PRIVATE), ports: [443] }));
  }
  if (namespaces.length > 1) egresses.push(egress({ from: fromNamespace(namespaces[namespaces.length - 1]!), to: toCidr('0.0.0.0/0', PRIVATE), ports: [443, 8443] }));

  return defineEnvironment({
    name: options.name ?? 'bench',
    cni: 'cilium',
    mesh: istioMesh({ mode: 'istio-sidecar', mtls: 'STRICT' }),
    dns: kubeDns(),
    enforcement: 'enforce',
    phase: 4,
    namespaces,
    workloads,
    flows,
    egress: egresses,
  });
}
