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
  /** Set when competing policies disagree and which one Istio uses cannot be told: the mode is then unknown. */
  readonly ambiguous?: string;
}

function ref(pa: PeerAuthentication, rule?: string): ObjectRef {
  return { kind: 'PeerAuthentication', namespace: pa.namespace, name: pa.name, ...(rule ? { rule } : {}) };
}

function selectsPod(pa: PeerAuthentication, pod: Pod): boolean {
  return Object.entries(pa.selector ?? {}).every(([k, v]) => pod.labels[k] === v);
}

/**
 * The mTLS mode a server pod enforces on `port`. Where several policies compete at one level (two
 * namespace-wide ones, two selecting the pod) and disagree, Istio takes the oldest, which
 * manifests do not show: the decision is then `ambiguous` (no mode can be assumed soundly: a looser
 * one hides a principal an ALLOW rule would match, a stricter one refuses what may pass).
 */
export function effectiveMtls(all: readonly PeerAuthentication[], pod: Pod, namespace: string, port: number, rootNamespace: string): MtlsDecision {
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
  const decide = (from: number): MtlsDecision => {
    const level = levels[from];
    if (level === undefined) return { mode: 'PERMISSIVE', decidedBy: [], notes: [] };
    if (level.candidates.length === 0) return decide(from + 1);
    const outcomes = level.candidates.map((c): MtlsDecision => (c.mode === 'UNSET' ? decide(from + 1) : { mode: c.mode, decidedBy: [ref(c.pa, c.rule)], notes: [] }));
    const inner = outcomes.find((o) => o.ambiguous !== undefined);
    if (inner !== undefined) return inner;
    if (outcomes.some((o) => o.mode !== outcomes[0]!.mode)) {
      return { ...outcomes[0]!, ambiguous: `several ${level.what} (${level.candidates.map((c) => `${c.pa.name}: ${c.mode}`).join(', ')}) and disagree; Istio uses the oldest, which the manifests do not show` };
    }
    return outcomes[0]!;
  };
  return decide(0);
}
