/**
 * Turning raw manifest objects into `Resources`: flattening `List` kinds, reading namespaces,
 * workloads and NetworkPolicies, merging pods of one owner, implying referenced namespaces,
 * and listing what is not analysed. Pure: no file access.
 */
import { NAMESPACE_NAME_LABEL } from './model.ts';
import type { IgnoredObject, Namespace, NetworkPolicy, Origin, Pod, Resources, Workload } from './model.ts';
import { readNetworkPolicy } from './networkpolicy.ts';
import { CONTROLLER_KINDS, readWorkload, workloadId } from './workloads.ts';
import type { WorkloadPart } from './workloads.ts';
import { labelsKey } from './selectors.ts';
import { readCiliumPolicy } from './cilium/read.ts';
import type { CiliumPolicy } from './cilium/model.ts';
import { readAuthorizationPolicy, readPeerAuthentication } from './istio/read.ts';
import type { AuthorizationPolicy, PeerAuthentication } from './istio/model.ts';

/** Raised when manifests contain objects the API server would reject; lists every problem. */
export class ManifestError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid manifests:\n  ${problems.join('\n  ')}`);
    this.name = 'ManifestError';
    this.problems = problems;
  }
}

/** One object with where it came from. */
export interface ManifestDocument {
  readonly object: unknown;
  readonly origin?: Origin;
}

/** Hooks for object kinds handled by other layers (Cilium, Istio); return true when consumed. */
export type ExtraKindReader = (obj: Record<string, unknown>, origin: Origin | undefined, errors: string[]) => boolean;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function group(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

const WORKLOAD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Pod: [''],
  ReplicationController: [''],
  Deployment: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  DaemonSet: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  Job: ['batch'],
  CronJob: ['batch'],
};

/** True when the object's apiVersion group is one of `groups` (a missing apiVersion is accepted). */
function inGroup(obj: Record<string, unknown>, groups: readonly string[]): boolean {
  const g = group(obj.apiVersion);
  return g === undefined || groups.includes(g);
}

function flatten(docs: readonly ManifestDocument[]): ManifestDocument[] {
  const out: ManifestDocument[] = [];
  const visit = (object: unknown, origin: Origin | undefined): void => {
    if (isObject(object) && typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      // typed lists (PodList, NamespaceList...) may leave kind/apiVersion out of their items
      const itemKind = object.kind.slice(0, -'List'.length);
      for (const item of object.items) {
        if (isObject(item) && item.kind === undefined && itemKind !== '') {
          visit({ ...item, kind: itemKind, ...(item.apiVersion === undefined ? { apiVersion: object.apiVersion } : {}) }, origin);
        } else visit(item, origin);
      }
      return;
    }
    out.push({ object, ...(origin ? { origin } : {}) });
  };
  for (const d of docs) visit(d.object, d.origin);
  return out;
}

/** Options of building resources. */
export interface BuildOptions {
  /**
   * The namespace of namespaced objects that name none, as `kubectl apply -n` would give them;
   * default `default`.
   */
  readonly defaultNamespace?: string;
  /** Readers of further kinds for higher layers (they must push their own errors). */
  readonly extraReaders?: readonly ExtraKindReader[];
}

const CLUSTER_SCOPED = new Set(['Namespace', 'CiliumClusterwideNetworkPolicy', 'List']);

/**
 * Builds the analysed world from manifest documents (objects with an optional origin).
 * Throws `ManifestError` listing every invalid object of an analysed kind.
 */
export function buildResourcesFromDocuments(docs: readonly ManifestDocument[], options: BuildOptions = {}): Resources {
  const extraReaders = options.extraReaders ?? [];
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const errors: string[] = [];
  const warnings: string[] = [];
  let withoutNamespace = 0;
  const ignored: IgnoredObject[] = [];
  const namespaces = new Map<string, Namespace>();
  const parts: WorkloadPart[] = [];
  const policies: NetworkPolicy[] = [];
  const policyKeys = new Set<string>();
  const ciliumPolicies: CiliumPolicy[] = [];
  const authorizationPolicies: AuthorizationPolicy[] = [];
  const peerAuthentications: PeerAuthentication[] = [];
  const seen = new Set<string>();
  /** Refuses a second object of the same kind and name (the API server would keep one). */
  const duplicate = (key: string, at: string): boolean => {
    if (!seen.has(key)) {
      seen.add(key);
      return false;
    }
    errors.push(`${key} is declared more than once${at}`);
    return true;
  };

  for (const { object: raw, origin } of flatten(docs)) {
    if (raw === null || raw === undefined) continue; // empty YAML document
    const at = origin?.file !== undefined ? ` (${origin.file}${origin.index !== undefined ? ` #${origin.index}` : ''})` : '';
    if (!isObject(raw) || typeof raw.kind !== 'string') {
      ignored.push({ kind: '<none>', reason: 'not a Kubernetes object (no kind)', ...(origin ? { origin } : {}) });
      continue;
    }
    let object: Record<string, unknown> = raw;
    if (!CLUSTER_SCOPED.has(raw.kind)) {
      const meta = isObject(raw.metadata) ? raw.metadata : {};
      if (typeof meta.namespace !== 'string' || meta.namespace === '') {
        withoutNamespace++;
        object = { ...raw, metadata: { ...meta, namespace: defaultNamespace } };
      }
    }
    const kind = raw.kind;
    const metadata = isObject(object.metadata) ? object.metadata : {};
    const ref = {
      ...(typeof object.apiVersion === 'string' ? { apiVersion: object.apiVersion } : {}),
      kind,
      ...(typeof metadata.name === 'string' ? { name: metadata.name } : {}),
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      ...(origin ? { origin } : {}),
    };
    if (kind === 'Namespace' && inGroup(object, [''])) {
      const name = typeof metadata.name === 'string' ? metadata.name : '';
      if (name === '') {
        errors.push(`Namespace without metadata.name${at}`);
        continue;
      }
      const labels: Record<string, string> = {};
      const rawLabels = isObject(metadata.labels) ? metadata.labels : {};
      for (const [k, v] of Object.entries(rawLabels)) {
        if (typeof v === 'string') labels[k] = v;
        else errors.push(`Namespace ${name}: label "${k}" must be a string${at}`);
      }
      labels[NAMESPACE_NAME_LABEL] = name; // always set by the API server
      if (namespaces.has(name)) warnings.push(`Namespace ${name} is declared more than once; the last declaration wins${at}`);
      namespaces.set(name, { name, labels, implicit: false });
      continue;
    }
    if (kind === 'NetworkPolicy' && inGroup(object, ['networking.k8s.io', 'extensions'])) {
      const r = readNetworkPolicy(object, origin);
      if (!r.ok) {
        errors.push(...r.errors.map((e) => e + at));
        continue;
      }
      const key = `${r.value.namespace}/${r.value.name}`;
      if (policyKeys.has(key)) {
        errors.push(`NetworkPolicy ${key} is declared more than once${at}`);
        continue;
      }
      policyKeys.add(key);
      policies.push(r.value);
      continue;
    }
    if ((kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy') && inGroup(object, ['cilium.io'])) {
      const r = readCiliumPolicy(object, origin);
      if (!r.ok) errors.push(...r.errors.map((e) => e + at));
      else if (!duplicate(`${kind} ${r.value.namespace ?? ''}/${r.value.name}`, at)) {
        ciliumPolicies.push(r.value);
        warnings.push(...(r.warnings ?? []).map((w) => w + at));
      }
      continue;
    }
    if (kind === 'AuthorizationPolicy' && inGroup(object, ['security.istio.io'])) {
      // Istio does not enforce a policy annotated istio.io/dry-run: "true" (it only logs its verdict)
      const annotations = (object.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
      // (read as Go's strconv.ParseBool reads it: "1", "t", "TRUE"... are true)
      if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(String(annotations?.['istio.io/dry-run']))) {
        ignored.push({ ...ref, reason: 'annotated istio.io/dry-run: Istio does not enforce it' });
        continue;
      }
      const r = readAuthorizationPolicy(object, origin);
      if (!r.ok) errors.push(...r.errors.map((e) => e + at));
      else if (!duplicate(`AuthorizationPolicy ${r.value.namespace}/${r.value.name}`, at)) authorizationPolicies.push(r.value);
      continue;
    }
    if (kind === 'PeerAuthentication' && inGroup(object, ['security.istio.io'])) {
      const r = readPeerAuthentication(object, origin);
      if (!r.ok) errors.push(...r.errors.map((e) => e + at));
      else if (!duplicate(`PeerAuthentication ${r.value.namespace}/${r.value.name}`, at)) peerAuthentications.push(r.value);
      continue;
    }
    const groups = WORKLOAD_GROUPS[kind];
    if (groups !== undefined && (kind === 'Pod' || CONTROLLER_KINDS.includes(kind)) && inGroup(object, groups)) {
      const r = readWorkload(object, origin);
      if (!r.ok) errors.push(...r.errors.map((e) => e + at));
      else {
        parts.push(r.value);
        warnings.push(...r.value.warnings.map((w) => `${w}; entry ignored${at}`));
      }
      continue;
    }
    if (extraReaders.some((read) => read(object, origin, errors))) continue;
    ignored.push({ ...ref, reason: `kind ${kind}${ref.apiVersion ? ` (${ref.apiVersion})` : ''} is not analysed` });
  }

  if (errors.length > 0) throw new ManifestError(errors);
  if (withoutNamespace > 0) {
    warnings.push(`${withoutNamespace} namespaced object(s) name no namespace and were placed in "${defaultNamespace}" (set defaultNamespace to match kubectl -n)`);
  }

  // merge parts into workloads (pods of one owner; duplicate controllers)
  const byId = new Map<string, { kind: string; name: string; namespace: string; pods: Pod[]; origin?: Origin }>();
  for (const part of parts) {
    const id = workloadId(part.namespace, part.name, part.kind);
    let w = byId.get(id);
    if (w === undefined) {
      w = { kind: part.kind, name: part.name, namespace: part.namespace, pods: [], ...(part.origin ? { origin: part.origin } : {}) };
      byId.set(id, w);
    }
    if (w.pods.some((p) => p.name === part.pod.name)) {
      warnings.push(`${id}: pod ${part.pod.name} is declared more than once; both are analysed`);
    }
    w.pods.push(part.pod);
  }
  const workloads: Workload[] = [...byId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, w]) => ({ id, ...w }));
  for (const w of workloads) {
    const distinct = new Set(w.pods.map((p) => labelsKey(p.labels)));
    if (distinct.size > 1) {
      warnings.push(`${w.id}: its pods have different labels; a connection is listed for it only when every pod has it`);
    }
    if (!namespaces.has(w.namespace)) {
      namespaces.set(w.namespace, { name: w.namespace, labels: { [NAMESPACE_NAME_LABEL]: w.namespace }, implicit: true });
    }
  }
  for (const p of [...policies, ...authorizationPolicies, ...peerAuthentications, ...ciliumPolicies.filter((c) => c.namespace !== undefined)]) {
    if (p.namespace !== undefined && !namespaces.has(p.namespace)) {
      namespaces.set(p.namespace, { name: p.namespace, labels: { [NAMESPACE_NAME_LABEL]: p.namespace }, implicit: true });
    }
  }
  return {
    namespaces: [...namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    workloads,
    networkPolicies: policies,
    ciliumPolicies,
    authorizationPolicies,
    peerAuthentications,
    ignored,
    warnings,
  };
}

/** Builds the analysed world from raw manifest objects (see `buildResourcesFromDocuments`). */
export function buildResources(objects: readonly unknown[], options: BuildOptions = {}): Resources {
  return buildResourcesFromDocuments(
    objects.map((object) => ({ object })),
    options,
  );
}
