import type { K8sObject } from '@ztp/admission';
import { parse } from 'yaml';

/** A workload as `manifest.json` describes it. */
export interface ManifestWorkload {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly appProtocol: string; readonly mtls?: 'STRICT' | 'PERMISSIVE' | 'DISABLE' }[];
}

/** A flow's caller. A CIDR's `except` (absent when empty) lists ranges inside it that are not admitted. */
export type FlowFrom = { readonly workload: string } | { readonly namespace: string; readonly managed: boolean } | { readonly cidr: string; readonly except?: readonly string[] };

/** A declared flow, one caller each, as `manifest.json` lists it. */
export interface ManifestFlow {
  readonly from: FlowFrom;
  readonly to: string;
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: 'TCP' | 'UDP' | 'SCTP' }[];
  readonly http?: readonly { readonly methods?: readonly string[]; readonly paths?: readonly string[] }[];
  /** Who enforces `http`: Cilium at the network layer, or Istio at the mesh layer. */
  readonly l7?: 'cilium' | 'istio';
  readonly source: string;
}

/** A declared external egress, one destination each. */
export interface ManifestEgress {
  readonly from: { readonly workload: string } | { readonly namespace: string };
  readonly to: { readonly cidr: string; readonly except: readonly string[] } | { readonly fqdn: string };
  readonly ports: readonly { readonly port: number; readonly protocol: 'TCP' | 'UDP' | 'SCTP' }[];
  readonly source: string;
}

/** What the verifier reads from a bundle's `manifest.json`. */
export interface BundleManifest {
  readonly environment: string;
  readonly trustDomain: string;
  readonly cni: 'cilium' | 'kubernetes';
  /**
   * The cluster's pod and service ranges, as the environment declares them (absent when it does
   * not). The verifier then gives its pods addresses in the first IPv4 range, so ipBlocks that
   * cover pod IPs are judged as the dataplane judges them.
   */
  readonly clusterCidrs?: readonly string[];
  readonly mesh: { readonly mode: 'none' } | { readonly mode: 'istio-sidecar' | 'istio-ambient'; readonly mtls: string; readonly istiod: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> } };
  readonly layers: readonly string[];
  readonly namespaces: readonly string[];
  readonly workloads: readonly ManifestWorkload[];
  readonly intent: {
    readonly flows: readonly ManifestFlow[];
    readonly egress: readonly ManifestEgress[];
    readonly dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>>; readonly port: number };
  };
}

/** A bundle as files: relative path → content (in memory, or read from `dist/bundles/<env>`). */
export interface BundleFiles {
  readonly files: ReadonlyMap<string, string>;
}

/** A problem with the bundle itself (not with its connectivity). */
export class BundleReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleReadError';
  }
}

/** The manifest and the cluster objects (the kustomization's resources) of a bundle. */
export function readBundle(bundle: BundleFiles): { manifest: BundleManifest; objects: Record<string, unknown>[] } {
  const manifestText = bundle.files.get('manifest.json');
  const kustomizationText = bundle.files.get('kustomization.yaml');
  if (manifestText === undefined || kustomizationText === undefined) throw new BundleReadError('not a ztp bundle: manifest.json or kustomization.yaml is missing');
  const manifest = JSON.parse(manifestText) as BundleManifest;
  const resources = (parse(kustomizationText) as { resources?: string[] }).resources ?? [];
  const objects = resources.map((file) => {
    const text = bundle.files.get(file);
    if (text === undefined) throw new BundleReadError(`kustomization.yaml lists ${file}, which is not in the bundle`);
    // YAML 1.2 reads ztp's bytes as Kubernetes does: the writer quotes every string go-yaml v2
    // (YAML 1.1) would read otherwise, and writes numbers in JSON's form. Hand-edited bytes are
    // refused before (checkIntegrity) where they come from disk.
    return parse(text) as Record<string, unknown>;
  });
  return { manifest, objects };
}

/**
 * What a bundle ships of its admission layer: whether `manifest.json` lists the layer as on, the
 * objects it lists in the `admission` layer, and the scan files under `admission/scan/` (paths
 * relative to it), as the admission proof reads them (see `proveShipped` in @ztp/admission).
 */
export function shippedAdmission(bundle: BundleFiles): { layer: boolean; objects: K8sObject[]; files: { path: string; content: string }[] } {
  const manifestText = bundle.files.get('manifest.json');
  if (manifestText === undefined) throw new BundleReadError('not a ztp bundle: manifest.json is missing');
  const manifest = JSON.parse(manifestText) as { layers?: string[]; objects?: { file: string; layer: string }[] };
  const listed = manifest.objects ?? [];
  const objects = listed
    .filter((o) => o.layer === 'admission')
    .map((o) => {
      const text = bundle.files.get(o.file);
      if (text === undefined) throw new BundleReadError(`manifest.json lists ${o.file}, which is not in the bundle`);
      return parse(text) as K8sObject;
    });
  const files = [...bundle.files].filter(([f]) => f.startsWith(SCAN_DIR)).map(([f, content]) => ({ path: f.slice(SCAN_DIR.length), content }));
  return { layer: (manifest.layers ?? []).includes('admission'), objects, files };
}

const SCAN_DIR = 'admission/scan/';
