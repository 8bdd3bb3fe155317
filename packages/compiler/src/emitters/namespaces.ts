import type { IR } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';

/**
 * The managed namespaces, with the labels the mesh needs once its layer is on: sidecar injection,
 * or enrolment in ambient mode.
 */
export function emitNamespaces(ir: IR): Emitted[] {
  const meshOn = ir.layers.has('mesh');
  const mesh: Record<string, string> =
    meshOn && ir.env.mesh.mode === 'istio-sidecar' ? { 'istio-injection': 'enabled' } : meshOn && ir.env.mesh.mode === 'istio-ambient' ? { 'istio.io/dataplane-mode': 'ambient' } : {};
  return ir.namespaces.map((ns) =>
    emitted('identity', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: { ...ns.labels, ...mesh, ...ztpLabels(ir.env.name) } } }, [ir.envOrigin]),
  );
}
