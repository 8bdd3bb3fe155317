/**
 * The pods a bundle's policies are about besides the declared ones. A NetworkPolicy's
 * `podSelector`, a Cilium `endpointSelector` or an Istio `selector` that no declared workload
 * meets selects pods the cluster may run undeclared (an `app: admin` pod deployed later): what such
 * a policy gives them must be no more than any undeclared pod gets. The verifier places one pod
 * meeting each such selector in each managed namespace it applies to, as an undeclared pod
 * (see synthesize.ts), so that every check sees it as a destination and, through its egress, as a
 * caller.
 */
import { isObject, list, type Json } from './json.ts';

/** A pod the policies select: its labels, and the service account a Cilium selector requires. */
export interface SubjectPod {
  /** Its namespace; undefined for a clusterwide policy (every managed namespace). */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
}

/** The value given to a label that a selector only requires to exist. */
const ANY_VALUE = 'ztp-rogue';
const CILIUM_NAMESPACE = 'io.kubernetes.pod.namespace';
const CILIUM_SERVICE_ACCOUNT = 'io.cilium.k8s.policy.serviceaccount';

/**
 * The labels (and, from Cilium's own label, the namespace and service account) of a pod meeting
 * `selector`: its `matchLabels`, the first value of each `In`, a value for each `Exists`; `NotIn`
 * and `DoesNotExist` hold for the labels left out. Undefined when no pod can meet it, or when it
 * asks of what a pod's labels cannot say (a Cilium namespace label, a label of another source).
 */
function meeting(selector: unknown, cilium: boolean): { labels: Record<string, string>; namespace?: string; serviceAccount?: string } | undefined {
  if (selector === undefined || selector === null) return { labels: {} };
  if (!isObject(selector)) return undefined;
  const required = new Map<string, string>();
  const forbidden = new Map<string, Set<string> | 'any'>();
  const keyOf = (raw: string): string | undefined => {
    if (!cilium) return raw;
    const m = /^(?:(k8s|any):)?(.*)$/.exec(raw)!;
    // a source other than Kubernetes (reserved:, cidr:, ...) is no pod label
    return raw.includes(':') && m[1] === undefined ? undefined : m[2];
  };
  for (const [k, v] of Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {})) {
    const key = keyOf(k);
    if (key === undefined || typeof v !== 'string') return undefined;
    if (required.has(key) && required.get(key) !== v) return undefined;
    required.set(key, v);
  }
  for (const e of list(selector.matchExpressions)) {
    if (!isObject(e) || typeof e.key !== 'string') return undefined;
    const key = keyOf(e.key);
    if (key === undefined) return undefined;
    const values = list(e.values).filter((v): v is string => typeof v === 'string');
    if (e.operator === 'In') {
      const have = required.get(key);
      if (have !== undefined && !values.includes(have)) return undefined;
      if (have === undefined) {
        if (values.length === 0) return undefined;
        required.set(key, values[0]!);
      }
    } else if (e.operator === 'Exists') {
      if (!required.has(key)) required.set(key, ANY_VALUE);
    } else if (e.operator === 'NotIn') {
      const f = forbidden.get(key);
      if (f !== 'any') forbidden.set(key, new Set([...(f ?? []), ...values]));
    } else if (e.operator === 'DoesNotExist') {
      forbidden.set(key, 'any');
    } else return undefined;
  }
  for (const [key, f] of forbidden) {
    const v = required.get(key);
    if (v !== undefined && (f === 'any' || f.has(v))) return undefined;
  }
  const labels: Record<string, string> = {};
  let namespace: string | undefined;
  let serviceAccount: string | undefined;
  for (const [key, v] of [...required].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (cilium && key === CILIUM_NAMESPACE) namespace = v;
    else if (cilium && key === CILIUM_SERVICE_ACCOUNT) serviceAccount = v;
    else if (cilium && (key.startsWith('io.kubernetes.') || key.startsWith('io.cilium.'))) return undefined;
    else labels[key] = v;
  }
  return { labels, ...(namespace !== undefined ? { namespace } : {}), ...(serviceAccount !== undefined ? { serviceAccount } : {}) };
}

/**
 * A pod meeting each subject selector of the bundle's NetworkPolicies, Cilium policies and Istio
 * AuthorizationPolicies (those in `rootNamespace` apply in every namespace, as clusterwide Cilium
 * policies do), without repeats. Selectors no pod can meet, or that ask of namespace labels, are
 * left out.
 */
export function policySubjects(objects: readonly Json[], rootNamespace: string | undefined): SubjectPod[] {
  const out = new Map<string, SubjectPod>();
  const add = (policyNamespace: string | undefined, m: ReturnType<typeof meeting>) => {
    if (m === undefined) return;
    if (m.namespace !== undefined && policyNamespace !== undefined && m.namespace !== policyNamespace) return; // it selects nothing
    const namespace = m.namespace ?? policyNamespace;
    const pod: SubjectPod = { ...(namespace !== undefined ? { namespace } : {}), labels: m.labels, ...(m.serviceAccount !== undefined ? { serviceAccount: m.serviceAccount } : {}) };
    out.set(JSON.stringify([pod.namespace ?? '', Object.entries(pod.labels), pod.serviceAccount ?? '']), pod);
  };
  for (const o of objects) {
    const meta = isObject(o.metadata) ? o.metadata : {};
    const ns = typeof meta.namespace === 'string' ? meta.namespace : undefined;
    const spec = isObject(o.spec) ? o.spec : {};
    if (o.kind === 'NetworkPolicy') add(ns ?? 'default', meeting(spec.podSelector ?? {}, false));
    if (o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy') {
      for (const s of [o.spec, ...list(o.specs)]) if (isObject(s) && s.endpointSelector !== undefined) add(o.kind === 'CiliumNetworkPolicy' ? (ns ?? 'default') : undefined, meeting(s.endpointSelector, true));
    }
    if (o.kind === 'AuthorizationPolicy' && String(o.apiVersion).startsWith('security.istio.io/')) {
      const selector = isObject(spec.selector) ? { matchLabels: spec.selector.matchLabels } : {};
      add(ns === rootNamespace ? undefined : (ns ?? 'default'), meeting(selector, false));
    }
  }
  return [...out.keys()].sort().map((k) => out.get(k)!);
}
