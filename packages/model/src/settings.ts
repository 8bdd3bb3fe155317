import type { MtlsMode } from './workload.ts';

/** The mesh an environment runs, if any. Built by the `@ztp/policy-mesh` module. */
export interface MeshSettings {
  /**
   * - `istio-sidecar`: Envoy sidecars; AuthorizationPolicy enforces L4 and L7.
   * - `istio-ambient`: ztunnel; L4 only without a waypoint (HTTP rules are refused).
   * - `none`: no mesh; workloads get cert-manager certificates with SPIFFE IDs.
   */
  readonly mode: 'istio-sidecar' | 'istio-ambient' | 'none';
  /** Mesh-wide mutual TLS mode; DISABLE is refused under `istio-ambient`, which does not support it. @default 'STRICT' */
  readonly mtls: MtlsMode;
  /** Namespace of istiod. @default 'istio-system' */
  readonly istiodNamespace: string;
  /** Pod labels of istiod. @default { app: 'istiod' } */
  readonly istiodLabels: Readonly<Record<string, string>>;
}

/** The cluster DNS that every pod may reach. Built by the `@ztp/policy-network-baseline` module. */
export interface DnsSettings {
  /** @default 'kube-system' */
  readonly namespace: string;
  /** @default { 'k8s-app': 'kube-dns' } */
  readonly podLabels: Readonly<Record<string, string>>;
  /** @default 53 */
  readonly port: number;
}

/** Where workloads get certificates when there is no mesh. */
export interface CertificateSettings {
  /** cert-manager issuer that signs SPIFFE certificates (e.g. a csi-driver-spiffe or CA issuer). */
  readonly issuer: { readonly kind: 'Issuer' | 'ClusterIssuer'; readonly name: string; readonly group?: string };
  /** @default '1h' */
  readonly duration: string;
  /** @default '30m' */
  readonly renewBefore: string;
}

/** How workloads reach Vault through External Secrets. */
export interface VaultSettings {
  /** Vault address as External Secrets reaches it, e.g. `https://vault.vault.svc:8200`. */
  readonly server: string;
  /**
   * Mount path of Vault's Kubernetes auth method.
   * @default 'kubernetes'
   */
  readonly kubernetesAuthMount?: string;
  /**
   * Audience of the service account tokens External Secrets requests to log in, and the only
   * audience the Vault roles accept (a token minted for the Kubernetes API cannot log in).
   * @default 'vault'
   */
  readonly audience?: string;
}

/**
 * The staged rollout. Each phase adds layers to the bundle:
 * 1 default deny (with the declared flows) and audit logging; 2 mesh mTLS (or SPIFFE
 * certificates); 3 admission policies and secrets; 4 runtime security.
 */
export type RolloutPhase = 1 | 2 | 3 | 4;

/** The layers of a bundle, in rollout order. */
export const LAYERS = ['network', 'identity', 'mesh', 'admission', 'secrets', 'runtime'] as const;
export type Layer = (typeof LAYERS)[number];

/** The layers a phase turns on. `identity` (service accounts and RBAC) is always on. */
export function layersForPhase(phase: RolloutPhase): ReadonlySet<Layer> {
  const layers = new Set<Layer>(['network', 'identity']);
  if (phase >= 2) layers.add('mesh');
  if (phase >= 3) {
    layers.add('admission');
    layers.add('secrets');
  }
  if (phase >= 4) layers.add('runtime');
  return layers;
}
