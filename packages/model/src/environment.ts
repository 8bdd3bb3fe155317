import type { AdmissionModule, ClusterForm } from '@ztp/admission';
import { callSite, type SourceLocation } from './source.ts';
import { unknownKeys } from './unknown-keys.ts';
import type { AuditSettings } from './audit.ts';
import type { Egress } from './egress.ts';
import type { Flow } from './flow.ts';
import type { Runtime } from './runtime.ts';
import type { Secret } from './secret.ts';
import type { CertificateSettings, DnsSettings, MeshSettings, RolloutPhase, VaultSettings } from './settings.ts';
import type { Workload } from './workload.ts';

/** A namespace the environment manages: it gets default deny and everything the layers add. */
export interface NamespaceProps {
  /** DNS-1123 label. */
  readonly name: string;
  /** Extra labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An environment's intent, as written in `environments/<env>/src/environment.ts`. */
export interface EnvironmentProps {
  /** Environment name (DNS-1123 label); also the bundle's folder name. */
  readonly name: string;
  /**
   * Cluster the environment is deployed to. Environments on the same cluster may not manage the
   * same namespace.
   * @default name
   */
  readonly cluster?: string;
  /**
   * SPIFFE trust domain of the cluster.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /** The CNI that enforces network policy. `cilium` adds L7 HTTP rules and FQDN egress. */
  readonly cni: 'cilium' | 'kubernetes';
  /**
   * The cluster's own address ranges: every pod CIDR and the service CIDR, e.g.
   * `['10.244.0.0/16', '10.96.0.0/12']` (CIDRs with zero host bits).
   *
   * With cni `kubernetes` (Calico and most other CNIs) a NetworkPolicy `ipBlock` also matches pod
   * IPs, so `fromCidr` and `toCidr` would admit in-cluster pods, e.g. every pod of an unmanaged
   * namespace. There this setting is required as soon as the environment uses `fromCidr` or
   * `toCidr`: every cluster range inside a declared CIDR is added to its `except` (and to the Istio
   * rule's `notIpBlocks`), and a CIDR that lies inside a cluster range is refused.
   *
   * With cni `cilium` it is optional and does not change the network policies: Cilium's CIDR rules
   * never match pods. Declared, it still keeps pods out of a `fromCidr` caller's Istio rule
   * (`notIpBlocks`: Istio matches a pod caller's IP whatever the CNI), lets the proof give its
   * synthetic pods addresses, and refuses a CIDR inside a cluster range (it could match nothing).
   * @default [] (required with cni 'kubernetes' when `fromCidr` or `toCidr` is used)
   */
  readonly clusterCidrs?: readonly string[];
  /** The mesh, from `@ztp/policy-mesh`. */
  readonly mesh: MeshSettings;
  /** Cluster DNS every pod may reach, from `@ztp/policy-network-baseline`. */
  readonly dns: DnsSettings;
  /** `audit` reports violations; `enforce` blocks them. */
  readonly enforcement: 'audit' | 'enforce';
  /** Rollout phase; decides which layers the bundle contains. */
  readonly phase: RolloutPhase;
  /** Namespaces this environment manages. Every workload lives in one of them. */
  readonly namespaces: readonly (string | NamespaceProps)[];
  /** The workloads. */
  readonly workloads: readonly Workload[];
  /** Permitted in-cluster connections. Everything else is denied. @default [] */
  readonly flows?: readonly Flow[];
  /** Permitted connections to outside the cluster. @default [] */
  readonly egress?: readonly Egress[];
  /** Admission policy modules from `policies/`. @default [] */
  readonly admission?: readonly AdmissionModule[];
  /**
   * Which admission engines the clusters run, so the bundle carries their forms only (a form
   * whose engine is not installed would fail to sync). Scan forms for CI are always emitted.
   * @default ['native'] (ValidatingAdmissionPolicy, built into Kubernetes)
   */
  readonly admissionForms?: readonly ClusterForm[];
  /** Vault secrets the workloads read. @default [] */
  readonly secrets?: readonly Secret[];
  /** Required when `secrets` is not empty. @default none */
  readonly vault?: VaultSettings;
  /** Certificate issuance when `mesh.mode` is `none`. @default none (required without a mesh from phase 2) */
  readonly certificates?: CertificateSettings;
  /** Expected outbound ports per namespace (Falco). @default [] */
  readonly runtime?: readonly Runtime[];
  /** Audit rules added to ztp's audit policy (they cannot weaken it). @default {} */
  readonly audit?: AuditSettings;
}

/** A declared environment. Create with {@link defineEnvironment}. */
export interface Environment {
  readonly type: 'environment';
  readonly name: string;
  readonly cluster: string;
  readonly trustDomain: string;
  readonly cni: 'cilium' | 'kubernetes';
  /** The cluster's pod and service CIDRs, as declared (see {@link EnvironmentProps.clusterCidrs}). */
  readonly clusterCidrs: readonly string[];
  readonly mesh: MeshSettings;
  readonly dns: DnsSettings;
  readonly enforcement: 'audit' | 'enforce';
  readonly phase: RolloutPhase;
  readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
  readonly workloads: readonly Workload[];
  readonly flows: readonly Flow[];
  readonly egress: readonly Egress[];
  readonly admission: readonly AdmissionModule[];
  readonly admissionForms: readonly ClusterForm[];
  readonly secrets: readonly Secret[];
  readonly vault: VaultSettings | undefined;
  readonly certificates: CertificateSettings | undefined;
  readonly runtime: readonly Runtime[];
  readonly audit: AuditSettings;
  /** Properties given that an environment does not have (reported by validation). */
  readonly unknown: readonly string[];
  readonly at: SourceLocation;
}

/**
 * Declares an environment. Export it as the default export of `environments/<env>/src/environment.ts`.
 * Validation runs at compile time (`ztp compile`), where every problem is reported with its file and line.
 */
export function defineEnvironment(props: EnvironmentProps): Environment {
  return {
    type: 'environment',
    name: props.name,
    cluster: props.cluster ?? props.name,
    trustDomain: props.trustDomain ?? 'cluster.local',
    cni: props.cni,
    clusterCidrs: [...(props.clusterCidrs ?? [])],
    mesh: props.mesh,
    dns: props.dns,
    enforcement: props.enforcement,
    phase: props.phase,
    namespaces: props.namespaces.map((n) => (typeof n === 'string' ? { name: n, labels: {} } : { name: n.name, labels: { ...(n.labels ?? {}) } })),
    workloads: [...props.workloads],
    flows: [...(props.flows ?? [])],
    egress: [...(props.egress ?? [])],
    admission: [...(props.admission ?? [])],
    admissionForms: [...(props.admissionForms ?? ['native'])],
    secrets: [...(props.secrets ?? [])],
    vault: props.vault,
    certificates: props.certificates,
    runtime: [...(props.runtime ?? [])],
    audit: props.audit ?? {},
    unknown: unknownKeys(props, ['name', 'cluster', 'trustDomain', 'cni', 'clusterCidrs', 'mesh', 'dns', 'enforcement', 'phase', 'namespaces', 'workloads', 'flows', 'egress', 'admission', 'admissionForms', 'secrets', 'vault', 'certificates', 'runtime', 'audit']),
    at: callSite(),
  };
}
