/**
 * Whether a pod runs in the Istio mesh, from what its manifests say (sidecar mode):
 * an `istio-proxy` container (already injected), or the injection webhook's rules:
 * namespace `istio-injection=disabled` never injects; pod label `sidecar.istio.io/inject`
 * `false` / `true` decides next; else namespace `istio-injection=enabled` or an
 * `istio.io/rev` namespace label injects; host-network pods are never injected. Ambient mode
 * is reported separately.
 */
import type { Pod } from '../model.ts';
import type { Labels } from '../selectors.ts';

/** How a pod takes part in the mesh. */
export type MeshMode = 'sidecar' | 'ambient' | 'none';

/** The pod's mesh mode. */
export function meshMode(pod: Pod, namespaceLabels: Labels): MeshMode {
  if (pod.containers.includes('istio-proxy')) return 'sidecar';
  if (pod.hostNetwork) return 'none'; // the injector skips host-network pods
  const nsInjection = namespaceLabels['istio-injection'];
  const podInject = pod.labels['sidecar.istio.io/inject'];
  if (nsInjection !== 'disabled') {
    if (podInject === 'true') return 'sidecar';
    if (podInject !== 'false' && (nsInjection === 'enabled' || namespaceLabels['istio.io/rev'] !== undefined)) return 'sidecar';
  }
  if (namespaceLabels['istio.io/dataplane-mode'] === 'ambient' && pod.labels['istio.io/dataplane-mode'] !== 'none') return 'ambient';
  return 'none';
}
