/**
 * The pods a bundle's policies select besides the declared ones. A selector no declared workload
 * meets (a NetworkPolicy's `podSelector` or peer, a Cilium `endpointSelector`, `fromEndpoints` or
 * `toEndpoints`, an Istio `selector`) selects pods the cluster may run undeclared: an `app: admin`
 * pod deployed later is governed by a policy for `app: admin`, and admitted by a rule for it. What
 * the policies give such a pod, and let it reach, must be no more than any undeclared pod gets.
 * The verifier places one pod meeting each such selector in each managed namespace it looks in,
 * as an undeclared pod, or, where it has a declared workload's labels and more, as a pod of that
 * workload (see synthesize.ts), so that every check sees it as a destination and as a caller.
 */
import { matchesSelector, type LabelSelector } from '@ztp/reachability';
import { isObject, list, type Json } from './json.ts';

/** A pod the policies select: its namespace, labels, and the service account a Cilium selector requires. */
export interface SubjectPod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  /** Labels the selector only requires to exist (`labels` gives them a value of the verifier's). */
  readonly present: readonly string[];
  /** What the selector refuses (`NotIn` values, or any value for `DoesNotExist`): a pod with them does not meet it. */
  readonly excludes: readonly { readonly key: string; readonly values?: readonly string[] }[];
}

/** Whether a pod's labels (and service account) meet what `subject` stands for: its labels, its account, none of its exclusions. */
export function meetsSubject(subject: SubjectPod, labels: Readonly<Record<string, string>>, serviceAccount: string): boolean {
  if (!Object.entries(subject.labels).every(([k, v]) => (subject.present.includes(k) ? k in labels : labels[k] === v))) return false;
  if (subject.serviceAccount !== undefined && subject.serviceAccount !== serviceAccount) return false;
  return subject.excludes.every((e) => !(e.key in labels) || (e.values !== undefined && !e.values.includes(labels[e.key]!)));
}

/** The value given to a label that a selector only requires to exist. */
const ANY_VALUE = 'ztp-rogue';
const CILIUM_NAMESPACE = 'io.kubernetes.pod.namespace';
const CILIUM_SERVICE_ACCOUNT = 'io.cilium.k8s.policy.serviceaccount';

/**
 * The labels (and, from Cilium's own label, the service account) of a pod meeting the pod part of
 * `selector`: its `matchLabels`, the first value of each `In`, a value for each `Exists`; `NotIn`
 * and `DoesNotExist` hold for the labels left out. Undefined when no pod can meet it, or when it
 * asks of what a pod's labels cannot say (another Cilium label of its own, a label of another source).
 */
function meeting(selector: unknown, cilium: boolean): { labels: Record<string, string>; serviceAccount?: string; present: string[]; excludes: SubjectPod['excludes'] } | undefined {
  if (selector === undefined || selector === null) return { labels: {}, present: [], excludes: [] };
  if (!isObject(selector)) return undefined;
  const required = new Map<string, string>();
  /** keys whose value in `required` is the verifier's own (Exists) */
  const free = new Set<string>();
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
    if (required.has(key) && required.get(key) !== v && !free.has(key)) return undefined;
    required.set(key, v);
    free.delete(key);
  }
  for (const e of list(selector.matchExpressions)) {
    if (!isObject(e) || typeof e.key !== 'string') return undefined;
    const key = keyOf(e.key);
    if (key === undefined) return undefined;
    const values = list(e.values).filter((v): v is string => typeof v === 'string');
    if (e.operator === 'In') {
      const have = free.has(key) ? undefined : required.get(key);
      if (have !== undefined && !values.includes(have)) return undefined;
      if (have === undefined) {
        if (values.length === 0) return undefined;
        required.set(key, values[0]!);
        free.delete(key);
      }
    } else if (e.operator === 'Exists') {
      if (!required.has(key)) {
        required.set(key, ANY_VALUE);
        free.add(key);
      }
    } else if (e.operator === 'NotIn') {
      const f = forbidden.get(key);
      if (f !== 'any') forbidden.set(key, new Set([...(f ?? []), ...values]));
    } else if (e.operator === 'DoesNotExist') {
      forbidden.set(key, 'any');
    } else return undefined;
  }
  for (const [key, f] of forbidden) {
    const v = required.get(key);
    if (v !== undefined && (f === 'any' || (f.has(v) && !free.has(key)))) return undefined;
  }
  const labels: Record<string, string> = {};
  let serviceAccount: string | undefined;
  for (const [key, v] of [...required].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (cilium && key === CILIUM_SERVICE_ACCOUNT) serviceAccount = v;
    else if (cilium && (key.startsWith('io.kubernetes.') || key.startsWith('io.cilium.'))) return undefined;
    else labels[key] = v;
  }
  const excludes = [...forbidden].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([key, f]) => (f === 'any' ? { key } : { key, values: [...f].sort() }));
  return { labels, ...(serviceAccount !== undefined ? { serviceAccount } : {}), present: [...free].filter((k) => k in labels).sort(), excludes };
}

/** Cilium's label for a pod's namespace's labels (without the source prefix). */
const CILIUM_NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.';
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** A pod selector and the namespaces it looks in. */
interface Selection {
  readonly where: { readonly namespace: string } | { readonly selector: Json } | 'everywhere';
  readonly pod: unknown;
  readonly cilium: boolean;
}

/**
 * A Cilium endpoint selector cut in two: what it asks of the namespace (its name, its labels), as
 * a namespace selector, and what it asks of the pod.
 */
function splitCilium(selector: unknown): { namespace?: Json; pod: unknown } {
  if (!isObject(selector)) return { pod: selector };
  const nsKey = (raw: string): string | undefined => {
    const key = raw.replace(/^(?:k8s|any):/, '');
    if (key === CILIUM_NAMESPACE) return NAME_LABEL;
    if (key.startsWith(CILIUM_NAMESPACE_LABELS)) return key.slice(CILIUM_NAMESPACE_LABELS.length);
    return undefined;
  };
  const nsLabels: Record<string, unknown> = {};
  const podLabels: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {})) {
    const key = nsKey(k);
    if (key !== undefined) nsLabels[key] = v;
    else podLabels[k] = v;
  }
  const nsExpressions: unknown[] = [];
  const podExpressions: unknown[] = [];
  for (const e of list(selector.matchExpressions)) {
    const key = isObject(e) && typeof e.key === 'string' ? nsKey(e.key) : undefined;
    if (key !== undefined) nsExpressions.push({ ...(e as Json), key });
    else podExpressions.push(e);
  }
  const pod = { matchLabels: podLabels, matchExpressions: podExpressions };
  return Object.keys(nsLabels).length > 0 || nsExpressions.length > 0 ? { namespace: { matchLabels: nsLabels, matchExpressions: nsExpressions }, pod } : { pod };
}

/** The selectors of the policies: whom each applies to, and whom each rule admits (deny rules only take away, so they are left out). */
function selections(objects: readonly Json[], rootNamespace: string | undefined): Selection[] {
  const out: Selection[] = [];
  for (const o of objects) {
    const meta = isObject(o.metadata) ? o.metadata : {};
    const ns = typeof meta.namespace === 'string' ? meta.namespace : 'default';
    const spec = isObject(o.spec) ? o.spec : {};
    if (o.kind === 'NetworkPolicy') {
      out.push({ where: { namespace: ns }, pod: spec.podSelector ?? {}, cilium: false });
      for (const [section, member] of [['ingress', 'from'], ['egress', 'to']] as const) {
        for (const rule of list(spec[section])) {
          for (const peer of isObject(rule) ? list(rule[member]) : []) {
            if (!isObject(peer) || (peer.podSelector === undefined && peer.namespaceSelector === undefined)) continue; // an ipBlock
            out.push({ where: isObject(peer.namespaceSelector) ? { selector: peer.namespaceSelector } : { namespace: ns }, pod: peer.podSelector ?? {}, cilium: false });
          }
        }
      }
    }
    if (o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy') {
      const namespaced = o.kind === 'CiliumNetworkPolicy';
      for (const s of [o.spec, ...list(o.specs)]) {
        if (!isObject(s)) continue;
        if (s.endpointSelector !== undefined) {
          const { namespace, pod } = splitCilium(s.endpointSelector);
          // a namespaced policy's subjects are in its namespace: Cilium puts the policy's namespace
          // in place of any it names (its namespace labels still count)
          if (namespaced && namespace !== undefined) {
            const labels = Object.fromEntries(Object.entries(isObject(namespace.matchLabels) ? namespace.matchLabels : {}).filter(([k]) => k !== NAME_LABEL));
            const expressions = list(namespace.matchExpressions).filter((e) => !(isObject(e) && e.key === NAME_LABEL));
            out.push({ where: { selector: { matchLabels: { ...labels, [NAME_LABEL]: ns }, matchExpressions: expressions } }, pod, cilium: true });
          } else out.push({ where: namespaced ? { namespace: ns } : namespace !== undefined ? { selector: namespace } : 'everywhere', pod, cilium: true });
        }
        for (const [section, member] of [['ingress', 'fromEndpoints'], ['egress', 'toEndpoints']] as const) {
          for (const rule of list(s[section])) {
            for (const sel of isObject(rule) ? list(rule[member]) : []) {
              const { namespace, pod } = splitCilium(sel);
              out.push({ where: namespace !== undefined ? { selector: namespace } : namespaced ? { namespace: ns } : 'everywhere', pod, cilium: true });
            }
          }
        }
      }
    }
    if (o.kind === 'AuthorizationPolicy' && String(o.apiVersion).startsWith('security.istio.io/')) {
      const selector = isObject(spec.selector) ? { matchLabels: spec.selector.matchLabels } : {};
      out.push({ where: ns === rootNamespace ? 'everywhere' : { namespace: ns }, pod: selector, cilium: false });
    }
  }
  return out;
}

/** A namespace the verifier manages, with its labels (`kubernetes.io/metadata.name` among them or not). */
export interface ManagedNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A pod in a managed namespace meeting each selector of the bundle's NetworkPolicies, Cilium
 * policies and Istio AuthorizationPolicies: whom a policy applies to (those in `rootNamespace`
 * apply in every namespace, as clusterwide Cilium policies do) and whom its rules admit, in each
 * managed namespace its namespace selector meets; without repeats. Selectors no pod can meet are
 * left out.
 */
export function podsSelected(objects: readonly Json[], rootNamespace: string | undefined, namespaces: readonly ManagedNamespace[]): SubjectPod[] {
  const out = new Map<string, SubjectPod>();
  for (const s of selections(objects, rootNamespace)) {
    const m = meeting(s.pod, s.cilium);
    if (m === undefined) continue;
    for (const ns of namespaces) {
      const where = s.where;
      const inScope =
        where === 'everywhere' ||
        ('namespace' in where ? where.namespace === ns.name : isSelector(where.selector) && matchesSelector(where.selector, { ...ns.labels, [NAME_LABEL]: ns.name }));
      if (!inScope) continue;
      const pod: SubjectPod = { namespace: ns.name, labels: m.labels, ...(m.serviceAccount !== undefined ? { serviceAccount: m.serviceAccount } : {}), present: m.present, excludes: m.excludes };
      out.set(JSON.stringify([ns.name, Object.entries(pod.labels), pod.serviceAccount ?? '', pod.excludes]), pod);
    }
  }
  return [...out.keys()].sort().map((k) => out.get(k)!);
}

/** Whether a parsed value has a label selector's shape (else it selects nothing the proof can name). */
function isSelector(v: Json): v is Json & LabelSelector {
  const labelsOk = v.matchLabels === undefined || (isObject(v.matchLabels) && Object.values(v.matchLabels).every((x) => typeof x === 'string'));
  const expressionsOk = v.matchExpressions === undefined || list(v.matchExpressions).every((e) => isObject(e) && typeof e.key === 'string' && ['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(String(e.operator)) && (e.values === undefined || list(e.values).every((x) => typeof x === 'string')));
  return labelsOk && expressionsOk;
}
