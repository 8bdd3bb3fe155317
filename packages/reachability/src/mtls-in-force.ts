/**
 * The Istio mTLS mode a workload's sidecar enforces on one of its ports, read from the manifests
 * as `judge` reads it: the pod must carry a sidecar (see istio/sidecar.ts), the sidecar must
 * capture the port, and the PeerAuthentications then decide (see istio/mtls.ts).
 */
import { compile } from './engine.ts';
import { effectiveMtls, type MtlsDecision } from './istio/mtls.ts';
import { inboundCapture, meshMode } from './istio/sidecar.ts';
import type { Resources } from './model.ts';
import { resolvePeer, type PeerSpec } from './peers.ts';

/** The mode in force, or why no mode applies (or which one cannot be told). */
export type MtlsInForce =
  | { readonly kind: 'mode'; readonly mode: MtlsDecision['mode']; readonly decidedBy: MtlsDecision['decidedBy'] }
  /** No sidecar, or a sidecar that does not capture the port: Istio applies no mTLS there. */
  | { readonly kind: 'none'; readonly reason: string }
  /** The manifests do not tell (competing PeerAuthentications, an unknown capture, pods that differ). */
  | { readonly kind: 'undecided'; readonly reason: string };

/**
 * The mTLS mode the pods of `workload` enforce on TCP `port`; every pod must agree (a workload
 * whose pods differ is `undecided`).
 * @param rootNamespace Istio's root namespace (mesh-wide policies). @default 'istio-system'
 */
export function mtlsInForce(resources: Resources, workload: PeerSpec, port: number, rootNamespace = 'istio-system'): MtlsInForce {
  const engine = compile(resources);
  const peer = resolvePeer(engine, workload);
  const nsLabels = (name: string) => resources.namespaces.find((n) => n.name === name)?.labels ?? {};
  const each = peer.endpoints.map((ep): MtlsInForce => {
    if (ep.type !== 'pod') return { kind: 'none', reason: 'not a pod' };
    if (meshMode(ep.pod, nsLabels(ep.workload.namespace)) !== 'sidecar') return { kind: 'none', reason: `${ep.pod.name} has no sidecar` };
    const capture = inboundCapture(ep.pod, port);
    if (capture.captured === 'unknown') return { kind: 'undecided', reason: `whether the sidecar captures port ${port} is unknown: ${capture.reason}` };
    if (!capture.captured) return { kind: 'none', reason: `the sidecar does not capture port ${port} (${capture.reason})` };
    const d = effectiveMtls(resources.peerAuthentications, ep.pod, ep.workload.namespace, port, rootNamespace);
    if (d.ambiguous !== undefined) return { kind: 'undecided', reason: d.ambiguous };
    return { kind: 'mode', mode: d.mode, decidedBy: d.decidedBy };
  });
  const first = each[0];
  if (first === undefined) return { kind: 'none', reason: `${peer.name} has no pods` };
  const key = (x: MtlsInForce) => (x.kind === 'mode' ? x.mode : x.kind);
  if (each.some((x) => key(x) !== key(first))) return { kind: 'undecided', reason: `the pods of ${peer.name} differ (${[...new Set(each.map(key))].join(', ')})` };
  return first;
}
