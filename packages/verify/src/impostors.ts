/**
 * Where the proof places its impostors: the namespaces a bundle's policies could admit beyond the
 * ones the verifier already places, and the service accounts they name. A peer selector that lost
 * its namespace (`namespaceSelector: {}`, an `Exists` on Cilium's namespace label, a principal
 * `*\/sa/api-server`) admits a pod with a workload's labels and service account in any namespace;
 * one that names namespace labels, a name or a name pattern the environment never declared admits
 * the pods there; one that names an account no workload runs as admits a pod running as it. The
 * verifier puts copies of every workload, of the cluster DNS and of istiod in the outsider
 * namespace (no labels but its name) and in one namespace for each label set, name and pattern the
 * policies name, and a pod for each named account in its namespace, so that every check sees them
 * as callers and as destinations: nothing may admit them.
 */

import { isObject, list, strings, type Json } from './json.ts';

/** A namespace the verifier creates to hold impostors. */
export interface ImpostorNamespace {
  readonly name: string;
  /** Labels besides `kubernetes.io/metadata.name` (which the engine sets from the name). */
  readonly labels: Readonly<Record<string, string>>;
}

/** The value given to a label that a selector only requires to exist. */
const ANY_VALUE = 'ztp-impostor';
const NAME_LABEL = 'kubernetes.io/metadata.name';
/** Cilium's labels for a pod's namespace name, and for its namespace's labels (without the `k8s:` or `any:` source prefix). */
const CILIUM_NAMESPACE = 'io.kubernetes.pod.namespace';
const CILIUM_NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.';
/** A DNS label (RFC 1123), as a namespace name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;


/**
 * What the policies name of namespaces: the label sets their namespace selectors require (each a
 * namespace that meets the whole selector; `kubernetes.io/metadata.name` as the namespace's name
 * when it is there), and namespace names.
 */
interface Named {
  readonly labelSets: Map<string, { name?: string; labels: Record<string, string> }>;
  readonly names: Set<string>;
}

/** At most this many namespaces per selector (one per combination of its `In` values). */
const MAX_COMBINATIONS = 16;

/**
 * The namespaces that meet a selector: its `matchLabels`, each combination of its `In` values, a
 * value for each `Exists` (`NotIn` and `DoesNotExist` hold for a namespace without the label);
 * `keyOf` maps a selector key to a namespace label key, or `name` for the namespace's name, or
 * undefined for a key that is not about the namespace.
 */
function namespacesMeeting(named: Named, selector: unknown, keyOf: (key: string) => string | 'name' | undefined): void {
  if (!isObject(selector)) return;
  let sets: { name?: string; labels: Record<string, string> }[] = [{ labels: {} }];
  const require = (key: string, values: readonly string[]) => {
    const k = keyOf(key);
    if (k === undefined || values.length === 0) return;
    sets = sets.flatMap((s) => values.map((v) => (k === 'name' ? { ...s, name: v } : { ...s, labels: { ...s.labels, [k]: v } }))).slice(0, MAX_COMBINATIONS);
  };
  if (isObject(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) if (typeof v === 'string') require(k, [v]);
  // NotIn and DoesNotExist: the outsider's namespace may be among those excluded
  let excludes = false;
  for (const e of list(selector.matchExpressions)) {
    if (!isObject(e) || typeof e.key !== 'string') continue;
    if (e.operator === 'In') require(e.key, list(e.values).filter((v): v is string => typeof v === 'string'));
    if (e.operator === 'Exists') require(e.key, [ANY_VALUE]);
    if ((e.operator === 'NotIn' || e.operator === 'DoesNotExist') && keyOf(e.key) !== undefined) excludes = true;
  }
  for (const set of sets) {
    if (set.name === ANY_VALUE) delete set.name;
    if (set.name !== undefined && Object.keys(set.labels).length === 0) {
      named.names.add(set.name);
      continue;
    }
    // any namespace: the outsider's stands for it, unless the selector excludes some (then a namespace of its own, no labels, a name nobody excludes)
    if (Object.keys(set.labels).length === 0 && !excludes) continue;
    named.labelSets.set(JSON.stringify([set.name ?? '', Object.entries(set.labels).sort()]), set);
  }
}

/** An Istio namespace match (exact, `prefix*`, `*suffix`, `*`): a namespace name it matches (`*`: any, which the outsider's stands for). */
function istioNamespace(named: Named, pattern: string): void {
  const name = witness(pattern);
  if (name !== undefined) named.names.add(name);
}

/** A NetworkPolicy namespace selector's keys. */
const networkPolicyKey = (key: string) => (key === NAME_LABEL ? 'name' : key);

/** A Cilium endpoint selector's namespace keys (its pod keys are not about the namespace). */
function ciliumKey(rawKey: string): string | 'name' | undefined {
  const key = rawKey.replace(/^(?:k8s|any):/, '');
  if (key === CILIUM_NAMESPACE) return 'name';
  if (key.startsWith(CILIUM_NAMESPACE_LABELS)) return networkPolicyKey(key.slice(CILIUM_NAMESPACE_LABELS.length));
  return undefined;
}

/** Calls `visit` with every endpoint selector of a Cilium policy's rules (`fromEndpoints`, `toEndpoints`, deny rules too); nothing for other kinds. */
function forEachEndpointSelector(o: Json, visit: (selector: Json) => void): void {
  if (o.kind !== 'CiliumNetworkPolicy' && o.kind !== 'CiliumClusterwideNetworkPolicy') return;
  for (const s of [o.spec, ...list(o.specs)]) {
    if (!isObject(s)) continue;
    for (const [section, member] of [['ingress', 'fromEndpoints'], ['ingressDeny', 'fromEndpoints'], ['egress', 'toEndpoints'], ['egressDeny', 'toEndpoints']] as const) {
      for (const rule of list(s[section])) for (const sel of isObject(rule) ? list(rule[member]) : []) if (isObject(sel)) visit(sel);
    }
  }
}

/** Calls `visit` with every peer of a NetworkPolicy's rules; nothing for other kinds. */
function forEachPeer(o: Json, visit: (peer: Json) => void): void {
  if (o.kind !== 'NetworkPolicy') return;
  const spec = isObject(o.spec) ? o.spec : {};
  for (const [section, member] of [['ingress', 'from'], ['egress', 'to']] as const) {
    for (const rule of list(spec[section])) for (const peer of isObject(rule) ? list(rule[member]) : []) if (isObject(peer)) visit(peer);
  }
}

/** What the bundle's policies name of namespaces: NetworkPolicy namespace selectors, Cilium endpoint selectors, Istio namespaces and principals. */
function namedByPolicies(objects: readonly Json[]): Named {
  const named: Named = { labelSets: new Map(), names: new Set() };
  for (const o of objects) {
    const spec = isObject(o.spec) ? o.spec : {};
    forEachPeer(o, (peer) => namespacesMeeting(named, peer.namespaceSelector, networkPolicyKey));
    forEachEndpointSelector(o, (sel) => namespacesMeeting(named, sel, ciliumKey));
    if (o.kind === 'AuthorizationPolicy') {
      for (const rule of list(spec.rules)) {
        for (const from of isObject(rule) ? list(rule.from) : []) {
          const source = isObject(from) && isObject(from.source) ? from.source : {};
          for (const n of list(source.namespaces)) if (typeof n === 'string') istioNamespace(named, n);
          for (const p of list(source.principals)) {
            const ns = typeof p === 'string' ? /\/ns\/([^/]+)\/sa\//.exec(p)?.[1] : undefined;
            if (ns !== undefined) istioNamespace(named, ns);
          }
        }
      }
    }
  }
  return named;
}

/**
 * The namespaces to hold impostors besides the outsider's: one per label set the policies'
 * namespace selectors require (`ztp-verify-impostor-<n>`, or the name the selector requires, with
 * those labels), and each namespace name, or a name each pattern matches, that `placed` does not
 * hold already (the namespaces where the verifier has pods of its own). Sorted, so the same bundle
 * always gives the same namespaces.
 */
export function impostorNamespaces(objects: readonly Json[], placed: ReadonlySet<string>): ImpostorNamespace[] {
  const named = namedByPolicies(objects);
  const out: ImpostorNamespace[] = [];
  const taken = new Set(placed);
  const sets = [...named.labelSets].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, set]) => set);
  let n = 0;
  for (const set of sets) {
    // a selector that also names a namespace the verifier has placed matches nothing there unless it carries the labels: a namespace of that name cannot be made twice
    if (set.name !== undefined && (taken.has(set.name) || !DNS_LABEL.test(set.name))) continue;
    const name = set.name ?? `ztp-verify-impostor-${++n}`;
    taken.add(name);
    out.push({ name, labels: set.labels });
  }
  for (const name of [...named.names].sort()) {
    if (name === '' || taken.has(name) || !DNS_LABEL.test(name)) continue;
    taken.add(name);
    out.push({ name, labels: {} });
  }
  return out;
}

/** An Istio string match (exact, `prefix*`, `*suffix`, `*`): a value it matches, or undefined for `*`. */
function witness(pattern: string): string | undefined {
  if (pattern === '*' || pattern === '') return undefined;
  if (pattern.endsWith('*')) return `${pattern.slice(0, -1)}${ANY_VALUE}`;
  if (pattern.startsWith('*')) return `${ANY_VALUE}${pattern.slice(1)}`;
  return pattern;
}

/** Cilium's label for a pod's service account (without the `k8s:` source prefix). */
const CILIUM_SERVICE_ACCOUNT = 'io.cilium.k8s.policy.serviceaccount';

/** Stands for "any namespace" among the namespaces `principalServiceAccounts` returns: the outsider's. */
export const ANY_NAMESPACE = '*';

/** The values a selector requires of a key (`matchLabels`, `In`), or `[ANY_NAMESPACE]` for `Exists`; undefined when it says nothing of it. */
function valuesOf(selector: Json, matches: (key: string) => boolean): string[] | undefined {
  let out: string[] | undefined;
  for (const [k, v] of Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {})) if (matches(k) && typeof v === 'string') out = [v];
  for (const e of list(selector.matchExpressions)) {
    if (!isObject(e) || typeof e.key !== 'string' || !matches(e.key)) continue;
    if (e.operator === 'In') out = strings(e.values);
    if (e.operator === 'Exists' || e.operator === 'NotIn' || e.operator === 'DoesNotExist') out = [ANY_NAMESPACE];
  }
  return out;
}

/** A Cilium selector key, its source prefix dropped. */
const ciliumKeyIs = (name: string) => (k: string) => k.replace(/^(?:k8s|any):/, '') === name;

/**
 * An Istio principal (exact, `prefix*`, `*suffix`): the namespace and account of a principal it
 * matches, or undefined when it names none (`*`: any account, `ANY_VALUE` standing for it).
 */
function principalParts(principal: string): { namespace: string; account: string } | undefined {
  const body = principal.startsWith('*') ? principal.slice(1) : principal;
  const m = /(?:^|\/ns\/)([^/*]+)\/sa\/([^/]*)$/.exec(body);
  if (m === null) return undefined;
  return { namespace: m[1]!, account: witness(m[2]!) ?? ANY_VALUE };
}

/**
 * The service accounts the bundle's policies name in each namespace (`ANY_NAMESPACE` where the
 * namespace is left open): AuthorizationPolicy principals (`<trust domain>/ns/<namespace>/sa/<account>`,
 * a pattern by a name it matches) and Cilium endpoint selectors on the service account label (in
 * the namespaces the selector names, else the policy's). A pod there running as one that no
 * workload uses must not be admitted either.
 */
export function principalServiceAccounts(objects: readonly Json[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (namespace: string, account: string) => {
    if ((namespace !== ANY_NAMESPACE && !DNS_LABEL.test(namespace)) || !DNS_SUBDOMAIN.test(account)) return;
    let accounts = out.get(namespace);
    if (accounts === undefined) out.set(namespace, (accounts = new Set()));
    accounts.add(account);
  };
  for (const o of objects) {
    // a namespaced Cilium policy's selectors are of its own namespace unless they name one
    const own = isObject(o.metadata) && typeof o.metadata.namespace === 'string' && o.kind === 'CiliumNetworkPolicy' ? o.metadata.namespace : ANY_NAMESPACE;
    forEachEndpointSelector(o, (sel) => {
      const accounts = valuesOf(sel, ciliumKeyIs(CILIUM_SERVICE_ACCOUNT));
      if (accounts === undefined) return;
      for (const ns of valuesOf(sel, ciliumKeyIs(CILIUM_NAMESPACE)) ?? [own]) for (const sa of accounts) add(ns, sa === ANY_NAMESPACE ? ANY_VALUE : sa);
    });
    if (o.kind !== 'AuthorizationPolicy') continue;
    const spec = isObject(o.spec) ? o.spec : {};
    for (const rule of list(spec.rules)) {
      for (const from of isObject(rule) ? list(rule.from) : []) {
        const source = isObject(from) && isObject(from.source) ? from.source : {};
        for (const p of strings(source.principals)) {
          const parts = principalParts(p);
          if (parts !== undefined) add(parts.namespace, parts.account);
        }
        // a namespace named: a pod of it in the mesh, whatever its account
        for (const n of strings(source.namespaces)) {
          const ns = witness(n);
          if (ns !== undefined) add(ns, ANY_VALUE);
        }
      }
    }
  }
  return out;
}

/**
 * The pods the policies' peer selectors name in a namespace they name by name: NetworkPolicy peers
 * with a namespace selector on `kubernetes.io/metadata.name` and a pod selector, Cilium endpoint
 * selectors on the pod namespace label with pod labels. Each gives the namespace and the pod labels
 * its `matchLabels` require (selectors with expressions on pod labels are left to the copies).
 */
export function podsNamed(objects: readonly Json[]): { namespace: string; labels: Record<string, string> }[] {
  const out = new Map<string, { namespace: string; labels: Record<string, string> }>();
  const add = (namespaces: readonly string[] | undefined, labels: Record<string, string>) => {
    if (namespaces === undefined || Object.keys(labels).length === 0) return;
    for (const namespace of namespaces) {
      if (!DNS_LABEL.test(namespace)) continue;
      out.set(JSON.stringify([namespace, Object.entries(labels).sort()]), { namespace, labels });
    }
  };
  const plainLabels = (sel: unknown, keep: (k: string) => boolean) => {
    const labels: Record<string, string> = {};
    if (isObject(sel) && isObject(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) if (typeof v === 'string' && keep(k)) labels[k.replace(/^(?:k8s|any):/, '')] = v;
    return labels;
  };
  for (const o of objects) {
    forEachPeer(o, (peer) => {
      if (isObject(peer.namespaceSelector)) add(valuesOf(peer.namespaceSelector, (k) => k === NAME_LABEL)?.filter((n) => n !== ANY_NAMESPACE), plainLabels(peer.podSelector, () => true));
    });
    forEachEndpointSelector(o, (sel) => add(valuesOf(sel, ciliumKeyIs(CILIUM_NAMESPACE))?.filter((n) => n !== ANY_NAMESPACE), plainLabels(sel, (k) => !k.replace(/^(?:k8s|any):/, '').startsWith('io.'))));
  }
  return [...out.keys()].sort().map((k) => out.get(k)!);
}

/** A DNS subdomain (RFC 1123), as a service account name must be. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
