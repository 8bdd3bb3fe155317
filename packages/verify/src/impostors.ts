/**
 * Where the proof places its impostors: the namespaces a bundle's policies could admit beyond the
 * ones the verifier already places. A peer selector that lost its namespace (`namespaceSelector:
 * {}`, an `Exists` on Cilium's namespace label, a principal `*\/sa/api-server`) admits a pod with a
 * workload's labels and service account in any namespace; one that names a namespace label or
 * name the environment never declared admits the pods there. The verifier puts copies of every
 * workload, of the cluster DNS and of istiod in the outsider namespace (no labels but its name) and
 * in one namespace for each namespace label, name and name pattern the policies name, so that
 * every check sees them as callers and as destinations: nothing may admit them.
 */

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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** What a set of label selectors names: label pairs and namespace names. */
interface Named {
  readonly labels: Map<string, Set<string>>;
  readonly names: Set<string>;
}

function addLabel(named: Named, key: string, value: string): void {
  if (key === NAME_LABEL) {
    named.names.add(value);
    return;
  }
  let values = named.labels.get(key);
  if (values === undefined) named.labels.set(key, (values = new Set()));
  values.add(value);
}

/**
 * The label requirements of a selector (`matchLabels` and `In` / `Exists` expressions; `NotIn`
 * and `DoesNotExist` hold for a namespace without the label), each passed to `visit` as a key and
 * the values that satisfy it.
 */
function requirements(selector: unknown, visit: (key: string, value: string) => void): void {
  if (!isObject(selector)) return;
  if (isObject(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) if (typeof v === 'string') visit(k, v);
  for (const e of list(selector.matchExpressions)) {
    if (!isObject(e) || typeof e.key !== 'string') continue;
    if (e.operator === 'In') for (const v of list(e.values)) if (typeof v === 'string') visit(e.key, v);
    if (e.operator === 'Exists') visit(e.key, ANY_VALUE);
  }
}

/** Cilium endpoint selectors: namespace names and namespace labels among their keys. */
function ciliumSelector(named: Named, selector: unknown): void {
  requirements(selector, (rawKey, value) => {
    const key = rawKey.replace(/^(?:k8s|any):/, '');
    if (key === CILIUM_NAMESPACE) named.names.add(value === ANY_VALUE ? '' : value);
    else if (key.startsWith(CILIUM_NAMESPACE_LABELS)) addLabel(named, key.slice(CILIUM_NAMESPACE_LABELS.length), value);
  });
}

/** An Istio namespace match (exact, `prefix*`, `*suffix`, `*`): a namespace name it matches. */
function istioNamespace(named: Named, pattern: string): void {
  // `*`: any namespace, which the outsider's stands for
  const name = witness(pattern);
  if (name !== undefined) named.names.add(name);
}

/** What the bundle's policies name of namespaces: NetworkPolicy namespace selectors, Cilium endpoint selectors, Istio namespaces and principals. */
function namedByPolicies(objects: readonly Json[]): Named {
  const named: Named = { labels: new Map(), names: new Set() };
  for (const o of objects) {
    const spec = isObject(o.spec) ? o.spec : {};
    if (o.kind === 'NetworkPolicy') {
      for (const [section, member] of [['ingress', 'from'], ['egress', 'to']] as const) {
        for (const rule of list(spec[section])) for (const peer of isObject(rule) ? list(rule[member]) : []) if (isObject(peer)) requirements(peer.namespaceSelector, (k, v) => addLabel(named, k, v));
      }
    } else if (o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy') {
      for (const s of [o.spec, ...list(o.specs)]) {
        if (!isObject(s)) continue;
        for (const [section, members] of [['ingress', ['fromEndpoints']], ['ingressDeny', ['fromEndpoints']], ['egress', ['toEndpoints']], ['egressDeny', ['toEndpoints']]] as const) {
          for (const rule of list(s[section])) for (const m of members) for (const sel of isObject(rule) ? list(rule[m]) : []) ciliumSelector(named, sel);
        }
      }
    } else if (o.kind === 'AuthorizationPolicy') {
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
 * The namespaces to hold impostors besides the outsider's: one per namespace label pair the
 * policies select on (`ztp-verify-impostor-<n>`, labelled with it), and each namespace name or a
 * name each pattern matches that `placed` does not hold already (the namespaces where the verifier
 * has pods of its own). Sorted, so the same bundle always gives the same namespaces.
 */
export function impostorNamespaces(objects: readonly Json[], placed: ReadonlySet<string>): ImpostorNamespace[] {
  const named = namedByPolicies(objects);
  const out: ImpostorNamespace[] = [];
  const pairs = [...named.labels].flatMap(([k, values]) => [...values].map((v) => [k, v] as const)).sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  pairs.forEach(([k, v], i) => out.push({ name: `ztp-verify-impostor-${i + 1}`, labels: { [k]: v } }));
  for (const name of [...named.names].sort()) {
    if (name === '' || placed.has(name) || !DNS_LABEL.test(name) || out.some((n) => n.name === name)) continue;
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

/**
 * The service accounts the bundle's AuthorizationPolicies name in each namespace
 * (`<trust domain>/ns/<namespace>/sa/<account>`, a pattern by a name it matches): a pod there
 * running as one that no workload uses must not be admitted either.
 */
export function principalServiceAccounts(objects: readonly Json[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const o of objects) {
    if (o.kind !== 'AuthorizationPolicy') continue;
    const spec = isObject(o.spec) ? o.spec : {};
    for (const rule of list(spec.rules)) {
      for (const from of isObject(rule) ? list(rule.from) : []) {
        const source = isObject(from) && isObject(from.source) ? from.source : {};
        for (const p of list(source.principals)) {
          const m = typeof p === 'string' ? /\/ns\/([^/*]+)\/sa\/([^/]+)$/.exec(p) : null;
          const account = m === null ? undefined : witness(m[2]!);
          if (m === null || account === undefined || !DNS_SUBDOMAIN.test(account)) continue;
          let accounts = out.get(m[1]!);
          if (accounts === undefined) out.set(m[1]!, (accounts = new Set()));
          accounts.add(account);
        }
      }
    }
  }
  return out;
}

/** A DNS subdomain (RFC 1123), as a service account name must be. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
