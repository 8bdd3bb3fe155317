import { callSite, type SourceLocation } from './source.ts';
import { unknownKeys } from './unknown-keys.ts';
import type { Protocol, Workload } from './workload.ts';
import { workloadId } from './workload.ts';
import type { NamespaceSource } from './flow.ts';

/**
 * An external destination by IP range. Under Cilium it matches no pod. With cni `kubernetes`
 * (Calico and most other CNIs) a NetworkPolicy ipBlock also matches the pods whose IPs lie in it,
 * unless excepted: there ztp adds the environment's `clusterCidrs` (required then) that lie inside
 * `cidr` to `except`, and refuses a `cidr` inside them.
 */
export interface CidrDestination {
  readonly type: 'cidr';
  readonly cidr: string;
  /** Ranges inside `cidr` that stay denied. @default [] */
  readonly except: readonly string[];
}

/**
 * An external destination by DNS name; needs Cilium (`toFQDNs`). A leading `*.` stands for exactly
 * one DNS label, as Cilium's `matchPattern` reads it: `*.cdn.example.com` matches
 * `a.cdn.example.com`, not `a.b.cdn.example.com` nor `cdn.example.com`.
 */
export interface FqdnDestination {
  readonly type: 'fqdn';
  readonly fqdn: string;
}

/** External IP range as an egress destination (see {@link CidrDestination} for pods in the range). */
export function toCidr(cidr: string, except: readonly string[] = []): CidrDestination {
  return { type: 'cidr', cidr, except: [...except] };
}

/** External DNS name as an egress destination (Cilium only). */
export function toFqdn(fqdn: string): FqdnDestination {
  return { type: 'fqdn', fqdn };
}

/** A port for external egress: a number and protocol, since the destination is not a workload. */
export interface EgressPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
}

/** Outbound traffic to outside the cluster. */
export interface EgressProps {
  /** The callers: a workload, or every pod of a managed namespace. */
  readonly from: Workload | NamespaceSource;
  /** Where to. */
  readonly to: CidrDestination | FqdnDestination | readonly (CidrDestination | FqdnDestination)[];
  /** Ports allowed; at least one. */
  readonly ports: readonly (number | EgressPort)[];
  /** Why, shown in reports. @default none */
  readonly description?: string;
}

/** A declared external egress. Create with {@link egress}. */
export interface Egress {
  readonly type: 'egress';
  readonly from: Workload | NamespaceSource;
  readonly to: readonly (CidrDestination | FqdnDestination)[];
  readonly ports: readonly { readonly port: number; readonly protocol: Protocol }[];
  readonly description: string | undefined;
  /** Properties given that an egress does not have (reported by validation). */
  readonly unknown: readonly string[];
  readonly at: SourceLocation;
}

/**
 * Declares outbound traffic to outside the cluster.
 *
 * @example
 * egress({ from: fromNamespace('ai-inference'), to: toCidr('0.0.0.0/0'), ports: [443, 8080] })
 */
export function egress(props: EgressProps): Egress {
  const to = Array.isArray(props.to) ? [...(props.to as readonly (CidrDestination | FqdnDestination)[])] : [props.to as CidrDestination | FqdnDestination];
  return {
    type: 'egress',
    from: props.from,
    to,
    ports: props.ports.map((p) => (typeof p === 'number' ? { port: p, protocol: 'TCP' as const } : { port: p.port, protocol: p.protocol ?? 'TCP' })),
    description: props.description,
    // a port's other keys (`endPort`...) would be dropped without a word
    unknown: [
      ...unknownKeys(props, ['from', 'to', 'ports', 'description']),
      ...props.ports.flatMap((p) => (typeof p === 'object' && p !== null ? unknownKeys(p, ['port', 'protocol']).map((k) => `ports[].${k}`) : [])),
    ],
    at: callSite(),
  };
}

/** `egress <from> -> <to>`, the way ztp names an egress in messages. */
export function egressId(e: Egress): string {
  const from = e.from.type === 'workload' ? workloadId(e.from) : `namespace ${e.from.namespace}`;
  const to = e.to.map((d) => (d.type === 'cidr' ? d.cidr : d.fqdn)).join(', ');
  return `egress ${from} -> ${to}`;
}
