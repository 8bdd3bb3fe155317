/**
 * One environment's compliance from what was read: the bundle against the live objects. Pure:
 * every cluster read, dry run and engine run happens before (see check.ts).
 */
import { describeRef, objectKey, type BundleSpec } from './bundle.ts';
import { differences, formatDifference, type CompareMode } from './compare.ts';
import { defaultDenyGaps, openingPolicies, type NetworkPolicyLike } from './default-deny.ts';
import { ENVIRONMENT_LABEL, isPolicyKind } from './kinds.ts';
import type { KubeResource, LiveObject } from './kube.ts';
import { summarizePolicyReports, type PolicyReportLike } from './policy-reports.ts';
import { sortDrift, type Drift, type EnvironmentCompliance, type Note } from './report.ts';

/** A served kind and its live objects. */
export interface LiveKind {
  readonly resource: KubeResource;
  readonly objects: readonly LiveObject[];
}

/** A bundle object as the apiserver would store it, or as written when the server would not say. */
export interface ComparableForm {
  readonly object: Readonly<Record<string, unknown>>;
  readonly mode: CompareMode;
  /** Why the comparison is `subset`. */
  readonly reason?: string | undefined;
}

/** A running pod that breaks admission rules. */
export interface PodViolation {
  readonly namespace: string;
  readonly name: string;
  /** `<module>/<rule>: <message>`, sorted. */
  readonly messages: readonly string[];
}

/** What evaluating the running pods gave. */
export interface PodResult {
  readonly evaluated: number;
  readonly violations: readonly PodViolation[];
  /** Set when the pods could not be evaluated (then `evaluated` is 0). */
  readonly incomplete?: string | undefined;
}

export interface JudgeInput {
  readonly spec: BundleSpec;
  /** Per `apiVersion|kind` of the bundle's objects: the live kind, or undefined when the cluster does not serve it. */
  readonly bundleKinds: ReadonlyMap<string, LiveKind | undefined>;
  /** The policy kinds the cluster serves, with their objects (for objects added by hand). */
  readonly policyKinds: readonly LiveKind[];
  /** The names of the namespaces on the cluster. */
  readonly namespaces: ReadonlySet<string>;
  /** The cluster's NetworkPolicies. */
  readonly networkPolicies: readonly LiveObject[];
  /** Per objectKey of a bundle object found on the cluster: the form to compare it with. */
  readonly forms: ReadonlyMap<string, ComparableForm>;
  /** objectKeys of every object of the bundles checked together (not added by hand in any of them). */
  readonly held: ReadonlySet<string>;
  readonly pods: PodResult;
  readonly engine: string;
  /** The PolicyReports, when the cluster serves a report API. */
  readonly reports?: { readonly api: string; readonly objects: readonly LiveObject[] } | undefined;
}

/** `apiVersion|kind`, the key of `bundleKinds`. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

function keyOfLive(o: LiveObject): string {
  return objectKey(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
}

function briefSpec(o: LiveObject): string[] {
  const lines: string[] = [];
  if (o.kind === 'NetworkPolicy') {
    for (const direction of ['Ingress', 'Egress'] as const) {
      if (openingPolicies([o as unknown as NetworkPolicyLike], direction).length > 0) lines.push(`allows all ${direction.toLowerCase()} for every pod of ${o.metadata.namespace}`);
    }
  }
  const body = Object.fromEntries(Object.entries(o).filter(([k]) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k)));
  const text = JSON.stringify(body);
  if (text !== '{}') lines.push(text.length > 240 ? `${text.slice(0, 237)}...` : text);
  if (o.metadata.labels?.[ENVIRONMENT_LABEL]) lines.push(`labelled ${ENVIRONMENT_LABEL}=${o.metadata.labels[ENVIRONMENT_LABEL]}`);
  return lines;
}

/** The compliance of `input.spec`'s environment. */
export function judgeEnvironment(input: JudgeInput): EnvironmentCompliance {
  const { spec } = input;
  const drift: Drift[] = [];
  const notes: Note[] = [];
  const managed = new Set(spec.namespaces);

  // Missing and changed: every object of the bundle.
  const subset: string[] = [];
  const subsetReasons = new Set<string>();
  for (const m of spec.objects) {
    const { apiVersion, kind, metadata } = m.object;
    const base = { objectKind: kind, namespace: metadata.namespace, name: metadata.name, file: m.file };
    const live = input.bundleKinds.get(kindKey(apiVersion, kind));
    if (live === undefined) {
      drift.push({ kind: 'missing', ...base, summary: `not on the cluster: it serves no ${kind} in ${apiVersion} (is its CRD installed?)`, details: [] });
      continue;
    }
    const key = objectKey(apiVersion, kind, metadata.name, metadata.namespace);
    const found = live.objects.find((o) => keyOfLive(o) === key);
    if (found === undefined) {
      drift.push({ kind: 'missing', ...base, summary: 'not on the cluster', details: [] });
      continue;
    }
    const form = input.forms.get(key) ?? { object: m.object, mode: 'subset' as const, reason: 'no server form was computed' };
    if (form.mode === 'subset') {
      subset.push(describeRef(kind, metadata.name, metadata.namespace));
      if (form.reason) subsetReasons.add(form.reason);
    }
    const diffs = differences(form.object, found, form.mode);
    if (diffs.length > 0) {
      drift.push({ kind: 'changed', ...base, summary: `differs from the bundle in ${diffs.length} field${diffs.length === 1 ? '' : 's'}: ${diffs.map((d) => d.path).join(', ')}`, details: diffs.map(formatDifference) });
    }
  }
  if (subset.length > 0) {
    notes.push({
      level: 'info',
      text: `${subset.length} object${subset.length === 1 ? ' was' : 's were'} compared on the bundle's own fields only (fields only the live object has are not seen), because the apiserver would not dry-run them to show its defaults: ${[...subsetReasons].sort().join('; ')} (${subset.join(', ')})`,
    });
  }

  // Added by hand: policy objects in managed namespaces, and any object of a bundle or policy
  // kind labelled for this environment, that no bundle checked here holds. Also, wherever they
  // are, the policies that reach into managed namespaces from outside: cluster-wide Cilium and
  // Calico policies and admin network policies (they select pods of every namespace, and their
  // allows add to or beat the bundle's), Istio policies and Envoy filters in the mesh's root
  // namespace (they apply to every workload), Kyverno policy exceptions (in any namespace
  // unless Kyverno is told otherwise, they exempt pods from ztp's rules), and role bindings and
  // cluster role bindings that grant a managed namespace's service accounts anything (the bundle's
  // RBAC is each workload's declared apiAccess, and nothing else).
  const seen = new Set<string>();
  const kinds = [...input.policyKinds, ...[...input.bundleKinds.values()].filter((k): k is LiveKind => k !== undefined)];
  for (const { resource, objects } of kinds) {
    const policy = isPolicyKind(resource.group, resource.kind);
    for (const o of objects) {
      const key = keyOfLive(o);
      if (seen.has(key) || input.held.has(key)) continue;
      const labelled = o.metadata.labels?.[ENVIRONMENT_LABEL] === spec.environment;
      const inManaged = resource.namespaced && o.metadata.namespace !== undefined && managed.has(o.metadata.namespace);
      if (!(labelled || (policy && (inManaged || reachesIn(resource.group, resource.kind, o, spec.meshRootNamespace, managed))))) continue;
      seen.add(key);
      drift.push({
        kind: 'added',
        objectKind: resource.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
        summary: labelled ? `not in the bundle, though labelled for ${spec.environment} (a leftover, or added by hand)` : `not in the bundle (added by hand, or by something other than ztp)`,
        details: briefSpec(o),
      });
    }
  }

  // Default deny in every managed namespace.
  for (const gap of defaultDenyGaps(spec.namespaces, input.networkPolicies as unknown as NetworkPolicyLike[], (ns) => input.namespaces.has(ns))) {
    drift.push({ kind: 'default-deny', objectKind: 'Namespace', name: gap.namespace, summary: `not covered by a default deny in force: ${gap.reason}`, details: [] });
  }

  // Running pods against the admission rules.
  if (input.pods.incomplete !== undefined) notes.push({ level: 'incomplete', text: `running pods were not evaluated: ${input.pods.incomplete}` });
  for (const v of input.pods.violations) {
    const rules = [...new Set(v.messages.map((m) => m.split(':')[0] ?? m))];
    drift.push({ kind: 'pod', objectKind: 'Pod', namespace: v.namespace, name: v.name, summary: `running, but breaks ${rules.length} admission rule${rules.length === 1 ? '' : 's'} of ${spec.environment}: ${rules.join(', ')}`, details: v.messages });
  }

  // Kyverno's reports, where Kyverno runs.
  let policyReports: EnvironmentCompliance['policyReports'];
  if (input.reports !== undefined) {
    const { summary, drift: failing } = summarizePolicyReports(input.reports.api, input.reports.objects as unknown as PolicyReportLike[], spec.namespaces);
    policyReports = summary;
    drift.push(...failing);
  }

  return {
    environment: spec.environment,
    namespaces: spec.namespaces,
    objects: spec.objects.length,
    pods: input.pods.evaluated,
    engine: input.engine,
    drift: sortDrift(drift),
    policyReports,
    notes,
  };
}

/** The objectKeys of every object of `specs` (the `held` of JudgeInput). */
export function heldKeys(specs: readonly BundleSpec[]): Set<string> {
  return new Set(specs.flatMap((s) => s.objects.map((m) => objectKey(m.object.apiVersion, m.object.kind, m.object.metadata.name, m.object.metadata.namespace))));
}

/** Whether a policy object outside the managed namespaces still applies inside them (see the "added" check). */
function reachesIn(group: string, kind: string, o: LiveObject, meshRoot: string | undefined, managed: ReadonlySet<string>): boolean {
  const namespace = o.metadata.namespace;
  if (group === 'rbac.authorization.k8s.io' && (kind === 'RoleBinding' || kind === 'ClusterRoleBinding')) return bindsManaged(o, managed);
  if (group === 'cilium.io' && kind === 'CiliumClusterwideNetworkPolicy') return true;
  if (group === 'policy.networking.k8s.io') return true; // admin network policies select namespaces cluster-wide
  if (kind === 'GlobalNetworkPolicy' && (group === 'projectcalico.org' || group === 'crd.projectcalico.org')) return true;
  if (kind === 'PolicyException' && (group === 'kyverno.io' || group === 'policies.kyverno.io')) return true;
  const istio = group === 'security.istio.io' || (group === 'networking.istio.io' && kind === 'EnvoyFilter');
  return istio && meshRoot !== undefined && namespace === meshRoot;
}

/**
 * Whether a (cluster) role binding grants something to service accounts of a managed namespace:
 * one of them by name, or a group of them (`system:serviceaccounts:<namespace>`, or every service
 * account of the cluster, `system:serviceaccounts`). Groups of every user (`system:authenticated`)
 * are left out, and so are the apiserver's own default bindings (`system:` names labelled
 * `kubernetes.io/bootstrapping: rbac-defaults`, such as `system:service-account-issuer-discovery`
 * for every service account): every cluster has them.
 */
function bindsManaged(o: LiveObject, managed: ReadonlySet<string>): boolean {
  const subjects = (o as { subjects?: unknown }).subjects;
  if (!Array.isArray(subjects)) return false;
  if (o.metadata.name.startsWith('system:') && o.metadata.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults') return false;
  return subjects.some((raw) => {
    if (raw === null || typeof raw !== 'object') return false;
    const s = raw as { kind?: unknown; name?: unknown; namespace?: unknown };
    if (s.kind === 'ServiceAccount') return typeof s.namespace === 'string' && managed.has(s.namespace);
    if (s.kind !== 'Group' || typeof s.name !== 'string') return false;
    return s.name === 'system:serviceaccounts' || (s.name.startsWith('system:serviceaccounts:') && managed.has(s.name.slice('system:serviceaccounts:'.length)));
  });
}
