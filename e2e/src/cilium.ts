import { parseAllDocuments } from 'yaml';
import { apiServerEndpoint, type ClusterOptions } from './cluster-config.ts';
import { CILIUM_CHART_REPO, CILIUM_VERSION } from './pins.ts';

/**
 * The Helm values Cilium is installed with: kube-proxy replacement talking to the control plane
 * directly, IPAM from the nodes' podCIDRs (so `--pod-subnet` holds), one operator, no Hubble
 * (faster start), the L7 proxy on (CiliumNetworkPolicy HTTP rules need it).
 */
export function ciliumValues(cluster: ClusterOptions = {}): Record<string, string> {
  const api = apiServerEndpoint(cluster);
  return {
    kubeProxyReplacement: 'true',
    k8sServiceHost: api.host,
    k8sServicePort: String(api.port),
    'ipam.mode': 'kubernetes',
    'operator.replicas': '1',
    'hubble.enabled': 'false',
    l7Proxy: 'true',
    // Images by tag, not digest: they are preloaded with `kind load docker-image`, which keeps tags.
    'image.useDigest': 'false',
    'image.pullPolicy': 'IfNotPresent',
    'operator.image.useDigest': 'false',
    'operator.image.pullPolicy': 'IfNotPresent',
    'envoy.image.useDigest': 'false',
    'envoy.image.pullPolicy': 'IfNotPresent',
  };
}

/** Every container image the rendered chart runs (containers and init containers), sorted. */
export function imagesInManifests(manifests: string): string[] {
  const images = new Set<string>();
  const walk = (v: unknown, key?: string) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((key === 'containers' || key === 'initContainers' || key === 'ephemeralContainers') && typeof o.image === 'string') images.add(o.image);
      for (const [k, x] of Object.entries(o)) walk(x, k);
    }
  };
  for (const doc of parseAllDocuments(manifests)) walk(doc.toJS());
  return [...images].sort();
}

/** Options of the Helm command. */
export interface CiliumInstall {
  readonly kubeconfig: string;
  readonly cluster?: ClusterOptions;
  readonly version?: string;
  /** How long Helm waits for the release to be ready; default `10m`. */
  readonly timeout?: string;
}

/** The `helm` arguments that install (or upgrade) the pinned Cilium chart and wait for it. */
export function ciliumHelmArgs(o: CiliumInstall): string[] {
  const values = ciliumValues(o.cluster);
  return [
    'upgrade',
    '--install',
    'cilium',
    'cilium',
    '--repo',
    CILIUM_CHART_REPO,
    '--version',
    o.version ?? CILIUM_VERSION,
    '--namespace',
    'kube-system',
    '--kubeconfig',
    o.kubeconfig,
    '--wait',
    '--timeout',
    o.timeout ?? '10m',
    ...Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
  ];
}
