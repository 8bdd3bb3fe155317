import { parse } from 'yaml';
import { readBundle, type BundleManifest } from '@ztp/verify';
import { cellExplainer, type CellExplainer } from './explain.ts';
import { planProbes, type EnforcedLayer, type ProbePlan } from './probe-plan.ts';
import { bundleObjects, planSync, type CrdSource, type SyncPlan } from './sync-plan.ts';

/** Everything about one environment that is decided before any cluster exists. */
export interface PreparedEnvironment {
  readonly environment: string;
  readonly manifest: BundleManifest;
  readonly plan: ProbePlan;
  readonly sync: SyncPlan;
  readonly explainer: CellExplainer;
  /** The bundle's audit policy (`audit/audit-policy.yaml`), for the cluster's apiserver. */
  readonly auditPolicy?: string;
}

/**
 * Prepares an environment's run from its compiled bundle: the sync plan (which layers are
 * applied and enforced, which CRDs are installed), and the probe plan whose expectations are
 * those of the enforced layer (`network`: the suite runs Cilium, not Istio; `all` only when every
 * applied layer is enforced).
 */
export function prepareEnvironment(bundle: { environment: string; files: ReadonlyMap<string, string> }, crds: readonly CrdSource[]): PreparedEnvironment {
  const { manifest } = readBundle(bundle);
  const { objects, otherFiles } = bundleObjects(bundle.files, parse);
  const sync = planSync(objects, crds, otherFiles);
  const meshEnforced = sync.layers.some((l) => l.layer === 'mesh' && l.enforced);
  const layer: EnforcedLayer = manifest.mesh.mode !== 'none' && !meshEnforced ? 'network' : 'all';
  const plan = planProbes(manifest, { layer });
  return {
    environment: bundle.environment,
    manifest,
    plan,
    sync,
    explainer: cellExplainer(manifest, sync.objects.map((o) => o.object), layer),
    ...(bundle.files.has('audit/audit-policy.yaml') ? { auditPolicy: bundle.files.get('audit/audit-policy.yaml')! } : {}),
  };
}
