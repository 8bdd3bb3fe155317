import { callSite, type SourceLocation } from './source.ts';
import { unknownKeys } from './unknown-keys.ts';

/** Transport protocol of a port, as Kubernetes spells it. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/**
 * What speaks on a port. `http` and `grpc` ports may carry HTTP rules on flows; `tcp` may not.
 */
export type AppProtocol = 'http' | 'grpc' | 'tcp';

/** Istio mutual TLS mode, as PeerAuthentication spells it. */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** A named port a workload serves. */
export interface PortProps {
  /** Container port number, 1-65535. */
  readonly port: number;
  /**
   * Transport protocol.
   * @default 'TCP'
   */
  readonly protocol?: Protocol;
  /**
   * Application protocol; decides whether HTTP rules are possible on this port.
   * @default 'tcp'
   */
  readonly appProtocol?: AppProtocol;
  /**
   * Mutual TLS mode for this port only (Istio `portLevelMtls`), overriding the environment's mode.
   * @default the environment's mesh mTLS mode
   */
  readonly mtls?: MtlsMode;
}

/** A resolved port, defaults applied. */
export interface Port {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly appProtocol: AppProtocol;
  readonly mtls: MtlsMode | undefined;
}

/** One Kubernetes API permission a workload needs. Wildcards are refused (least privilege). */
export interface ApiPermission {
  /** API groups, `''` for the core group. */
  readonly apiGroups: readonly string[];
  /** Resources, e.g. `configmaps`, `leases`. */
  readonly resources: readonly string[];
  /** Verbs, e.g. `get`, `list`, `watch`. */
  readonly verbs: readonly ('get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete')[];
  /** Restrict to these object names. @default all objects of the resources */
  readonly resourceNames?: readonly string[];
}

/** What a workload is: where it runs, how it is selected, what it serves. */
export interface WorkloadProps<P extends string> {
  /** Namespace; must be one of the environment's namespaces. */
  readonly namespace: string;
  /** Workload name (DNS-1123 label), unique within its namespace. */
  readonly name: string;
  /**
   * Pod labels. They form the workload's selector, so they must not be a subset of another
   * workload's labels in the same namespace.
   * @default { 'app.kubernetes.io/name': name }
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Service account the pods run as; the workload's identity (SPIFFE ID and mesh principal).
   * @default name
   */
  readonly serviceAccount?: string;
  /** Named ports the workload serves. @default no ports (the workload only calls out) */
  readonly ports?: { readonly [K in P]: PortProps };
  /** Container images the workload runs (for admission proofs and reports). @default [] */
  readonly images?: readonly string[];
  /**
   * Kubernetes API permissions. When empty the service account token is not mounted.
   * @default [] (no API access, automountServiceAccountToken: false)
   */
  readonly apiAccess?: readonly ApiPermission[];
}

/** A declared workload. Create with {@link workload}. */
export interface Workload<P extends string = string> {
  readonly type: 'workload';
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly ports: Readonly<Record<P, Port>>;
  readonly images: readonly string[];
  readonly apiAccess: readonly ApiPermission[];
  /** Properties given that a workload does not have (reported by validation). */
  readonly unknown: readonly string[];
  readonly at: SourceLocation;
}

/**
 * Declares a workload. The port names become a type, so flows that name a port the workload does
 * not serve fail to type-check.
 *
 * @example
 * const db = workload({ namespace: 'production', name: 'database',
 *   ports: { postgres: { port: 5432 } } });
 */
export function workload<P extends string = never>(props: WorkloadProps<P>): Workload<P> {
  // no prototype: a port name such as "constructor" or "__proto__" is the workload's own or nothing
  const ports = Object.create(null) as Record<P, Port>;
  for (const [name, spec] of Object.entries(props.ports ?? {}) as [P, PortProps][]) {
    ports[name] = {
      name,
      port: spec.port,
      protocol: spec.protocol ?? 'TCP',
      appProtocol: spec.appProtocol ?? 'tcp',
      mtls: spec.mtls,
    };
  }
  return {
    type: 'workload',
    namespace: props.namespace,
    name: props.name,
    labels: { ...(props.labels ?? { 'app.kubernetes.io/name': props.name }) },
    serviceAccount: props.serviceAccount ?? props.name,
    ports,
    images: [...(props.images ?? [])],
    apiAccess: [...(props.apiAccess ?? [])],
    unknown: [
      ...unknownKeys(props, ['namespace', 'name', 'labels', 'serviceAccount', 'ports', 'images', 'apiAccess']),
      ...Object.entries(props.ports ?? {}).flatMap(([name, spec]) => unknownKeys(spec as object, ['port', 'protocol', 'appProtocol', 'mtls']).map((k) => `ports.${name}.${k}`)),
    ],
    at: callSite(),
  };
}

/**
 * The workload's port of that name, or `undefined`: its own ports only, never a member of
 * `Object.prototype` (a flow naming "constructor" would otherwise find a function, and compile to
 * a NetworkPolicy port without a number, which Kubernetes reads as every port).
 */
export function portOf(w: { readonly ports: Readonly<Record<string, Port>> }, name: string): Port | undefined {
  return Object.hasOwn(w.ports, name) ? w.ports[name] : undefined;
}

/** `namespace/name`, the way ztp names a workload in messages. */
export function workloadId(w: { readonly namespace: string; readonly name: string }): string {
  return `${w.namespace}/${w.name}`;
}

/**
 * Name of the Secret that holds a workload's SPIFFE certificate (`<workload>-svid`), which
 * cert-manager writes when the environment has no mesh. The rule lives here so that validation can
 * keep declared secrets off these names and the compiler can name the Secret the same way.
 */
export function svidSecretName(w: { readonly name: string }): string {
  return `${w.name}-svid`;
}
