/**
 * The PeerAuthentication mode in force for a workload port: the workload's policy
 * (port-level first), else the namespace's, else the mesh-wide one in the root namespace,
 * UNSET inheriting from the next level, PERMISSIVE by default.
 */
import type { Pod } from '../model.ts';
import type { ObjectRef } from '../cilium/evaluate.ts';
import type { MtlsMode, PeerAuthentication } from './model.ts';

/** The effective mode and the objects that set it. */
export interface MtlsDecision {
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  readonly decidedBy: readonly ObjectRef[];
  readonly notes: readonly string[];
}

function ref(pa: PeerAuthentication, rule?: string): ObjectRef {
  return { kind: 'PeerAuthentication', namespace: pa.namespace, name: pa.name, ...(rule ? { rule } : {}) };
}

function selectsPod(pa: PeerAuthentication, pod: Pod): boolean {
  return Object.entries(pa.selector ?? {}).every(([k, v]) => pod.labels[k] === v);
}

/** The mTLS mode a server pod enforces on `port`. */
export function effectiveMtls(all: readonly PeerAuthentication[], pod: Pod, namespace: string, port: number, rootNamespace: string): MtlsDecision {
  const notes: string[] = [];
  const hasSelector = (pa: PeerAuthentication) => pa.selector !== undefined && Object.keys(pa.selector).length > 0;
  const workload = all.filter((pa) => pa.namespace === namespace && hasSelector(pa) && selectsPod(pa, pod));
  if (workload.length > 1) {
    notes.push(`several workload PeerAuthentications select the pod (${workload.map((p) => p.name).join(', ')}); Istio uses the oldest, this analysis the first listed`);
  }
  const namespaced = all.filter((pa) => pa.namespace === namespace && !hasSelector(pa));
  const mesh = all.filter((pa) => pa.namespace === rootNamespace && !hasSelector(pa));
  const levels: { pa: PeerAuthentication; mode: MtlsMode; rule?: string }[] = [];
  const w = workload[0];
  if (w !== undefined) {
    const portMode = w.portLevel.get(port);
    if (portMode !== undefined) levels.push({ pa: w, mode: portMode, rule: `portLevelMtls.${port}` });
    levels.push({ pa: w, mode: w.mode });
  }
  if (namespaced[0] !== undefined) levels.push({ pa: namespaced[0], mode: namespaced[0].mode });
  if (mesh[0] !== undefined && namespace !== rootNamespace) levels.push({ pa: mesh[0], mode: mesh[0].mode });
  for (const level of levels) {
    if (level.mode !== 'UNSET') return { mode: level.mode, decidedBy: [ref(level.pa, level.rule)], notes };
  }
  return { mode: 'PERMISSIVE', decidedBy: [], notes };
}
