import { callSite, type SourceLocation } from './source.ts';
import { unknownKeys } from './unknown-keys.ts';
import { workloadId, type Workload } from './workload.ts';

/** Every pod of a namespace, managed by this environment or not (e.g. an ingress gateway's). */
export interface NamespaceSource {
  readonly type: 'namespace';
  readonly namespace: string;
}

/**
 * Clients by IP range, meant for clients outside the cluster. What the range matches depends on
 * the CNI: Cilium's CIDR rules never match pods, but with cni `kubernetes` (Calico and most other
 * CNIs) a NetworkPolicy ipBlock also matches the pods whose IPs lie in it. There ztp excepts the
 * environment's `clusterCidrs` (required then) from the range, and refuses a range inside them.
 */
export interface CidrSource {
  readonly type: 'cidr';
  /** IPv4 or IPv6 CIDR, e.g. `203.0.113.0/24`. */
  readonly cidr: string;
}

/** Who may call: one workload, several, all pods of a namespace, or an external IP range. */
export type FlowSource = Workload | NamespaceSource | CidrSource;

/** All pods of a namespace as a flow source. */
export function fromNamespace(namespace: string): NamespaceSource {
  return { type: 'namespace', namespace };
}

/** External clients in an IP range as a flow source (see {@link CidrSource} for pods in the range). */
export function fromCidr(cidr: string): CidrSource {
  return { type: 'cidr', cidr };
}

/** HTTP methods a rule may name. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * An HTTP rule: the request is allowed when its method is one of `methods` and its path matches
 * one of `paths`. A path is exact (`/healthz`) or a prefix ending in `/*` (`/api/*`).
 */
export interface HttpRule {
  /** @default any method */
  readonly methods?: readonly HttpMethod[];
  /** @default any path */
  readonly paths?: readonly string[];
}

/**
 * Who enforces a flow's HTTP rules.
 * - `auto`: Istio when the environment has a mesh, otherwise Cilium; but Cilium on a sidecar-mesh
 *   port whose mTLS is DISABLE (refused there without the Cilium CNI).
 * - `cilium`: a CiliumNetworkPolicy L7 rule; refused where Istio mTLS is STRICT or PERMISSIVE
 *   on that port, because Cilium cannot read encrypted traffic, and under istio-ambient, whose
 *   HBONE tunnels Cilium cannot see into.
 * - `istio`: an Istio AuthorizationPolicy; refused on a port whose mTLS is DISABLE, where Istio
 *   has no caller identity and so could not keep one caller's rules from the others.
 */
export type L7Enforcer = 'auto' | 'cilium' | 'istio';

/** A permitted connection: the only kind of traffic that is not denied. */
export interface FlowProps<P extends string> {
  /** The callers. */
  readonly from: FlowSource | readonly FlowSource[];
  /** The workload called. */
  readonly to: Workload<P>;
  /** Names of the destination's ports that may be called; at least one. */
  readonly ports: readonly P[];
  /** Restrict HTTP requests on these ports. @default no HTTP restriction (L4 only) */
  readonly http?: readonly HttpRule[];
  /** Who enforces `http`. @default 'auto' */
  readonly l7?: L7Enforcer;
  /** Why this flow exists, shown in reports. @default none */
  readonly description?: string;
}

/** A declared flow. Create with {@link flow}. */
export interface Flow {
  readonly type: 'flow';
  readonly from: readonly FlowSource[];
  readonly to: Workload;
  readonly ports: readonly string[];
  readonly http: readonly HttpRule[] | undefined;
  readonly l7: L7Enforcer;
  readonly description: string | undefined;
  /** Properties given that a flow does not have (reported by validation). */
  readonly unknown: readonly string[];
  readonly at: SourceLocation;
}

/**
 * Declares that `from` may call `to` on `ports`. Everything not declared is denied.
 *
 * @example
 * flow({ from: apiServer, to: database, ports: ['postgres'] })
 */
export function flow<P extends string>(props: FlowProps<P>): Flow {
  const from: readonly FlowSource[] = isSourceList(props.from) ? [...props.from] : [props.from];
  return {
    type: 'flow',
    from,
    to: props.to as Workload,
    ports: [...props.ports],
    http: props.http === undefined ? undefined : props.http.map((r) => ({ ...r })),
    l7: props.l7 ?? 'auto',
    description: props.description,
    unknown: [
      ...unknownKeys(props, ['from', 'to', 'ports', 'http', 'l7', 'description']),
      ...(props.http ?? []).flatMap((r, i) => unknownKeys(r, ['methods', 'paths']).map((k) => `http[${i}].${k}`)),
    ],
    at: callSite(),
  };
}

function isSourceList(v: FlowSource | readonly FlowSource[]): v is readonly FlowSource[] {
  return Array.isArray(v);
}

/** A short human name of a source: `ns/name`, `namespace ns`, or the CIDR. */
export function sourceId(s: FlowSource): string {
  switch (s.type) {
    case 'workload':
      return workloadId(s);
    case 'namespace':
      return `namespace ${s.namespace}`;
    case 'cidr':
      return s.cidr;
  }
}

/** `a, b -> ns/name`, the way ztp names a flow in messages. */
export function flowId(f: Flow): string {
  return `flow ${f.from.map(sourceId).join(', ')} -> ${workloadId(f.to)}`;
}
