import { buildResources, judge, type Judgement, type Resources } from '@ztp/reachability';
import { synthesize, type BundleManifest } from '@ztp/verify';
import { CLUSTER_DNS, type EnforcedLayer, type ProbeCell } from './probe-plan.ts';

/** Names the policies that apply to a cell, for failure reports. */
export interface CellExplainer {
  /** One line per layer that had a say: its result, the objects that decided it, and why. */
  explain(cell: ProbeCell): string[];
}

const ref = (id: string) => `${id.split('/')[0]}/${id.split('/').slice(1).join('/')}[Deployment]`;

function describe(j: Judgement): string[] {
  return j.stages
    .filter((s) => s.result !== 'not applicable')
    .map((s) => `${s.layer}: ${s.result}${s.decidedBy.length ? ` by ${s.decidedBy.map((d) => `${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}${'rule' in d && d.rule ? ` ${d.rule}` : ''}`).join(', ')}` : ''} (${s.reason})`);
}

/**
 * Explains cells with ztp's reachability engine over the objects that were applied and the pods
 * `@ztp/verify` synthesizes: which NetworkPolicies, CiliumNetworkPolicies (and, at layer `all`,
 * Istio policies) decide the connection. At layer `network` (no Istio in the run) the Istio
 * objects and the sidecar-injection labels are left out, as in the cluster. The engine is built
 * once, on first use.
 */
/** A copy of `o` without Istio's injection labels: in a run without Istio no pod has a sidecar. */
function withoutSidecars(o: Record<string, unknown>): Record<string, unknown> {
  const meta = o.metadata as { labels?: Record<string, string> } | undefined;
  if (o.kind !== 'Namespace' || meta?.labels === undefined) return o;
  const labels = Object.fromEntries(Object.entries(meta.labels).filter(([k]) => k !== 'istio-injection' && k !== 'istio.io/rev' && k !== 'istio.io/dataplane-mode'));
  return { ...o, metadata: { ...meta, labels } };
}

export function cellExplainer(manifest: BundleManifest, objects: readonly Record<string, unknown>[], layer: EnforcedLayer): CellExplainer {
  let resources: Resources | undefined;
  const isMesh = (o: Record<string, unknown>) => String(o.apiVersion).startsWith('security.istio.io/');
  const options = { trustDomain: manifest.trustDomain, dataplane: manifest.cni === 'cilium' ? ('cilium' as const) : ('kubernetes' as const) };
  return {
    explain(cell: ProbeCell): string[] {
      try {
        const all = [...objects.filter((o) => layer === 'all' || !isMesh(o)), ...synthesize(manifest).objects];
        resources ??= buildResources(layer === 'all' ? all : all.map(withoutSidecars), {});
        const dst = cell.target === CLUSTER_DNS ? `${manifest.intent.dns.namespace}/ztp-cluster-dns[Deployment]` : ref(cell.target);
        const j = judge(resources, { src: ref(cell.source), dst, protocol: cell.protocol, port: cell.port, ...(cell.request ? { http: { ...cell.request } } : {}) }, options);
        const lines = describe(j);
        return lines.length > 0 ? lines : [`no policy selects this connection (engine: ${j.outcome})`];
      } catch (e) {
        return [`(the reachability engine could not explain this cell: ${e instanceof Error ? e.message : String(e)})`];
      }
    },
  };
}
