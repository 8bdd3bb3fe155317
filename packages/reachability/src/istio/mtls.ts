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

/** How much plain text a mode lets in: where Istio's choice among policies is not known, the loosest is assumed. */
const LOOSENESS: Record<Exclude<MtlsMode, 'UNSET'>, number> = { STRICT: 0, PERMISSIVE: 1, DISABLE: 2 };

/**
 * The mTLS mode a server pod enforces on `port`. Where several policies compete at one level (two
 * namespace-wide ones, two selecting the pod), Istio takes the oldest, which manifests do not show:
 * the loosest of them is taken (a proof of denial must hold whichever Istio picks), and a note says so.
 */
export function effectiveMtls(all: readonly PeerAuthentication[], pod: Pod, namespace: string, port: number, rootNamespace: string): MtlsDecision {
  const notes: string[] = [];
  const hasSelector = (pa: PeerAuthentication) => pa.selector !== undefined && Object.keys(pa.selector).length > 0;
  const workload = all.filter((pa) => pa.namespace === namespace && hasSelector(pa) && selectsPod(pa, pod));
  const namespaced = all.filter((pa) => pa.namespace === namespace && !hasSelector(pa));
  const mesh = namespace === rootNamespace ? [] : all.filter((pa) => pa.namespace === rootNamespace && !hasSelector(pa));
  /** Each level's candidates, most specific first: the mode each sets (UNSET: the next level's) and by which rule. */
  const levels: { what: string; candidates: { pa: PeerAuthentication; mode: MtlsMode; rule?: string }[] }[] = [
    { what: 'workload PeerAuthentications select the pod', candidates: workload.map((w) => { const portMode = w.portLevel.get(port); return portMode !== undefined && portMode !== 'UNSET' ? { pa: w, mode: portMode, rule: `portLevelMtls.${port}` } : { pa: w, mode: w.mode }; }) },
    { what: `namespace-wide PeerAuthentications are in ${namespace}`, candidates: namespaced.map((pa) => ({ pa, mode: pa.mode })) },
    { what: `mesh-wide PeerAuthentications are in ${rootNamespace}`, candidates: mesh.map((pa) => ({ pa, mode: pa.mode })) },
  ];
  const decide = (from: number): { mode: Exclude<MtlsMode, 'UNSET'>; decidedBy: ObjectRef[] } => {
    const level = levels[from];
    if (level === undefined) return { mode: 'PERMISSIVE', decidedBy: [] };
    if (level.candidates.length === 0) return decide(from + 1);
    const outcomes = level.candidates.map((c) => (c.mode === 'UNSET' ? decide(from + 1) : { mode: c.mode, decidedBy: [ref(c.pa, c.rule)] }));
    const loosest = outcomes.reduce((a, b) => (LOOSENESS[b.mode] > LOOSENESS[a.mode] ? b : a));
    if (level.candidates.length > 1 && outcomes.some((o) => o.mode !== loosest.mode)) {
      notes.push(`several ${level.what} (${level.candidates.map((c) => c.pa.name).join(', ')}) and disagree; Istio uses the oldest, which the manifests do not show: this analysis takes the loosest, ${loosest.mode}`);
    }
    return loosest;
  };
  const d = decide(0);
  return { mode: d.mode, decidedBy: d.decidedBy, notes };
}
