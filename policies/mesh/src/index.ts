import type { MeshSettings, MtlsMode } from '@ztp/model';

/** Options for {@link istioMesh}. */
export interface IstioMeshOptions {
  /** `istio-sidecar` (Envoy sidecars) or `istio-ambient` (ztunnel, L4 only). */
  readonly mode: 'istio-sidecar' | 'istio-ambient';
  /**
   * Mesh-wide mutual TLS. STRICT refuses plaintext; PERMISSIVE accepts both while migrating.
   * @default 'STRICT'
   */
  readonly mtls?: MtlsMode;
  /** @default 'istio-system' */
  readonly istiodNamespace?: string;
  /** @default { app: 'istiod' } */
  readonly istiodLabels?: Readonly<Record<string, string>>;
}

/**
 * An Istio mesh: every call is authenticated by its peer's SPIFFE identity, and each workload
 * accepts exactly the declared callers (AuthorizationPolicy), with a namespace-wide allow-nothing.
 */
export function istioMesh(options: IstioMeshOptions): MeshSettings {
  return {
    mode: options.mode,
    mtls: options.mtls ?? 'STRICT',
    istiodNamespace: options.istiodNamespace ?? 'istio-system',
    istiodLabels: { ...(options.istiodLabels ?? { app: 'istiod' }) },
  };
}

/**
 * No mesh. Workloads then get cert-manager certificates carrying their SPIFFE ID, so they can
 * still authenticate each other (set the environment's `certificates`).
 */
export function noMesh(): MeshSettings {
  return { mode: 'none', mtls: 'DISABLE', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };
}

export { CAPTURE_ANNOTATIONS, INJECTED_CAPTURE_DEFAULTS, meshIntegrity, MESH_INTEGRITY_ID, noCaptureBypassRule, noMeshOptOutRule } from './mesh-integrity.ts';
