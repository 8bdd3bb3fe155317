import type { LayerDecision } from './report/model.ts';

/** A CRD file that could be installed: which kind it defines and which versions it serves. */
export interface CrdSource {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  readonly served: readonly string[];
  readonly object: Record<string, unknown>;
}

/** One object of the bundle, as `manifest.json` lists it, with its content. */
export interface BundleObject {
  readonly file: string;
  readonly layer: string;
  readonly syncWave: number;
  readonly object: Record<string, unknown>;
}

/** How a bundle is put onto the cluster: the CRDs first, missing namespaces, then objects by sync wave. */
export interface SyncPlan {
  readonly crds: readonly CrdSource[];
  /** Namespaces objects live in that the bundle does not create (an operator's, e.g. `falco`). */
  readonly extraNamespaces: readonly string[];
  /** In apply order: sync wave, then the bundle's order. */
  readonly objects: readonly BundleObject[];
  readonly layers: readonly LayerDecision[];
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const versionOf = (apiVersion: string) => apiVersion.split('/').at(-1)!;
const isBuiltIn = (apiVersion: string) => {
  const g = groupOf(apiVersion);
  return g === '' || !g.includes('.') || g.endsWith('.k8s.io');
};
/** Groups whose CRDs Cilium's operator installs itself. */
const CILIUM_GROUPS = new Set(['cilium.io']);

const OPERATOR: Readonly<Record<string, string>> = {
  'security.istio.io': 'Istio (istiod)',
  'networking.istio.io': 'Istio (istiod)',
  'cert-manager.io': 'cert-manager',
  'external-secrets.io': 'External Secrets',
  'generators.external-secrets.io': 'External Secrets',
  'kyverno.io': 'Kyverno',
  'policies.kyverno.io': 'Kyverno',
  'templates.gatekeeper.sh': 'Gatekeeper',
  'constraints.gatekeeper.sh': 'Gatekeeper',
  'argoproj.io': 'Argo CD',
};

const LAYER_ORDER = ['identity', 'network', 'mesh', 'secrets', 'admission', 'runtime', 'audit'];

/**
 * Decides how a bundle is synced to the kind cluster. Built-in kinds and Cilium's are applied
 * and enforced. Other custom resources are applied when their CRD is among `crds` (installed
 * first, so the API server validates the objects against the real schema and CEL rules), but are
 * not enforced: their operators (Istio, cert-manager, External Secrets, ...) are not part of the
 * suite. A layer with an object whose CRD is not available is left out whole, with the reason.
 * Files that are not cluster objects (the audit policy) are reported as left out.
 */
export function planSync(objects: readonly BundleObject[], crds: readonly CrdSource[], files: readonly string[] = []): SyncPlan {
  const layers = [...new Set(objects.map((o) => o.layer))].sort((a, b) => (LAYER_ORDER.indexOf(a) + 1 || 99) - (LAYER_ORDER.indexOf(b) + 1 || 99) || (a < b ? -1 : 1));
  const decisions: LayerDecision[] = [];
  const neededCrds = new Map<string, CrdSource>();
  const applied: BundleObject[] = [];
  for (const layer of layers) {
    const mine = objects.filter((o) => o.layer === layer);
    const missing = new Set<string>();
    const notEnforced = new Map<string, Set<string>>();
    const crdsHere: CrdSource[] = [];
    for (const o of mine) {
      const apiVersion = String(o.object.apiVersion);
      const kind = String(o.object.kind);
      const group = groupOf(apiVersion);
      if (isBuiltIn(apiVersion) || CILIUM_GROUPS.has(group)) continue;
      const crd = crds.find((c) => c.group === group && c.kind === kind && c.served.includes(versionOf(apiVersion)));
      if (crd === undefined) missing.add(`${kind} (${apiVersion})`);
      else crdsHere.push(crd);
      const operator = OPERATOR[group] ?? group;
      notEnforced.set(operator, (notEnforced.get(operator) ?? new Set()).add(kind));
    }
    if (missing.size > 0) {
      if (layer === 'identity' || layer === 'network') throw new Error(`the ${layer} layer cannot be synced: no CRD for ${[...missing].join(', ')}`);
      decisions.push({ layer, applied: false, enforced: false, reason: `no CRD for ${[...missing].join(', ')} (its operator is not part of this suite; put the CRD in ZTP_CRDS_DIR to apply it)` });
      continue;
    }
    for (const c of crdsHere) neededCrds.set(c.file, c);
    applied.push(...mine);
    const kinds = [...new Set(mine.map((o) => String(o.object.kind)))].join(', ');
    const reason =
      notEnforced.size === 0
        ? layer === 'network'
          ? `${kinds}: enforced by Cilium`
          : `${kinds}`
        : `${kinds}; accepted by the API server against the real CRDs, but not enforced: ${[...notEnforced].map(([op, ks]) => `${[...ks].join(', ')} need ${op}`).join('; ')}, which this suite does not run`;
    decisions.push({ layer, applied: true, enforced: notEnforced.size === 0, reason });
  }
  for (const f of files) {
    const layer = f.split('/')[0] ?? f;
    if (f === 'audit/audit-policy.yaml') {
      decisions.push({ layer, applied: true, enforced: true, reason: `${f} is not a cluster object: the control plane's kube-apiserver runs with it (--audit-policy-file, through the kind config)` });
    } else decisions.push({ layer, applied: false, enforced: false, reason: `${f} is not a cluster object` });
  }
  const created = new Set(applied.filter((o) => o.object.kind === 'Namespace').map((o) => String((o.object.metadata as { name?: string } | undefined)?.name)));
  const extraNamespaces = [...new Set(applied.map((o) => (o.object.metadata as { namespace?: string } | undefined)?.namespace).filter((n): n is string => n !== undefined && !created.has(n) && n !== 'default' && n !== 'kube-system'))].sort();
  const order = new Map(objects.map((o, i) => [o, i]));
  applied.sort((a, b) => a.syncWave - b.syncWave || (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { crds: [...neededCrds.values()], extraNamespaces, objects: applied, layers: decisions };
}

/** The bundle's objects with their layer and sync wave, from `manifest.json` and the files it names. */
export function bundleObjects(files: ReadonlyMap<string, string>, parse: (text: string) => unknown): { objects: BundleObject[]; otherFiles: string[] } {
  const manifest = JSON.parse(files.get('manifest.json') ?? '{}') as { objects?: { file: string; layer: string; syncWave: number }[]; files?: { file: string }[] };
  const objects = (manifest.objects ?? []).map((o) => {
    const text = files.get(o.file);
    if (text === undefined) throw new Error(`manifest.json lists ${o.file}, which is not in the bundle`);
    return { file: o.file, layer: o.layer, syncWave: o.syncWave, object: parse(text) as Record<string, unknown> };
  });
  return { objects, otherFiles: (manifest.files ?? []).map((f) => f.file) };
}
