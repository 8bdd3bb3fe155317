/**
 * The analysed world: namespaces, workloads (with their pods) and policies, after parsing and
 * validation. Everything here is plain data; semantics live in the evaluation modules.
 */
import type { Protocol } from './ports.ts';
import type { LabelSelector, Labels } from './selectors.ts';
import type { CiliumPolicy } from './cilium/model.ts';
import type { AuthorizationPolicy, PeerAuthentication } from './istio/model.ts';

/** The label every namespace carries with its own name (set by the API server). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Where an object came from, for messages. */
export interface Origin {
  readonly file?: string;
  readonly index?: number;
}

/** A namespace with its labels (the name label always included). */
export interface Namespace {
  readonly name: string;
  readonly labels: Labels;
  /** True when the namespace was only referenced, not declared. */
  readonly implicit: boolean;
}

/** A container port of a pod (named or not). */
export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** One pod (or, for controllers, the pod template standing for all replicas). */
export interface Pod {
  /** Pod name; for a controller's template, `<workload>` itself. */
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  /** Known pod IPs (`status.podIPs` / `status.podIP`); empty when unknown. */
  readonly ips: readonly string[];
  readonly serviceAccount: string;
  /** Names of the pod's containers and init containers (e.g. to see an `istio-proxy` sidecar). */
  readonly containers: readonly string[];
  /** `spec.hostNetwork`: the pod uses its node's network and IP. */
  readonly hostNetwork: boolean;
  /**
   * The pod's annotations (the Istio sidecar injector reads its capture settings from them).
   * @default {} (none)
   */
  readonly annotations?: Labels;
}

/** A workload kind as netpol-analyzer prints it (`Deployment`, `Pod`, owner kinds...). */
export type WorkloadKind = string;

/**
 * A workload: a controller with its pod template, or the pods sharing one controlling owner,
 * or a bare pod. Printed `namespace/name[Kind]`.
 */
export interface Workload {
  /** `namespace/name[Kind]`, unique. */
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly namespace: string;
  readonly pods: readonly Pod[];
  readonly origin?: Origin;
}

/** A NetworkPolicyPort after defaulting (protocol TCP). */
export interface PolicyPort {
  readonly protocol: Protocol;
  /** Absent: every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

/** A NetworkPolicyPeer. */
export type PolicyPeer =
  | {
      readonly type: 'selector';
      /** Absent: every pod (of the selected namespaces). */
      readonly podSelector?: LabelSelector;
      /** Absent: the policy's own namespace. */
      readonly namespaceSelector?: LabelSelector;
    }
  | { readonly type: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] };

/** An ingress or egress rule. `peers`/`ports` are `'all'` when absent or empty. */
export interface PolicyRule {
  readonly peers: readonly PolicyPeer[] | 'all';
  readonly ports: readonly PolicyPort[] | 'all';
}

/** A NetworkPolicy (networking.k8s.io/v1), with effective policy types. */
export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Effective policy types: as written, or Ingress plus Egress iff egress rules exist. */
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  readonly origin?: Origin;
}

/** An object that was read but is not part of the analysis. */
export interface IgnoredObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly reason: string;
  readonly origin?: Origin;
}

/** Everything the analysis works on. Build it with `buildResources` or `loadManifests`. */
export interface Resources {
  readonly namespaces: readonly Namespace[];
  readonly workloads: readonly Workload[];
  readonly networkPolicies: readonly NetworkPolicy[];
  /** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy objects (cilium.io/v2). */
  readonly ciliumPolicies: readonly CiliumPolicy[];
  /** Istio AuthorizationPolicy objects (security.istio.io). */
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  /** Istio PeerAuthentication objects (security.istio.io). */
  readonly peerAuthentications: readonly PeerAuthentication[];
  /** Objects of kinds this engine does not analyse (Services, ConfigMaps, Routes...). */
  readonly ignored: readonly IgnoredObject[];
  /** Non-fatal notes (duplicate objects, pods without network identity...). */
  readonly warnings: readonly string[];
}
