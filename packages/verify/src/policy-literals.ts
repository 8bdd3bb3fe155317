/**
 * Witnesses of what a bundle's policies name: a DNS name each Cilium `toFQDNs` entry matches, a
 * container port for each port name a rule names, and an HTTP request each Istio operation and
 * Cilium HTTP rule admits. The proof sends them besides
 * the declared ones, so that a rule naming a host, a path or a method nobody declared is tried:
 * the intent says whether it may pass.
 */
import type { ProbeRequest } from './expectations.ts';
import { isObject, list, strings, type Json } from './json.ts';


/** What stands for a wildcard's part in a witness. */
const FILL = 'ztp-probe';
/** What stands for a single-character wildcard. */
const ONE = 'z';

/** Cilium's specs of a (clusterwide) network policy. */
function ciliumSpecs(o: Json): Json[] {
  if (o.kind !== 'CiliumNetworkPolicy' && o.kind !== 'CiliumClusterwideNetworkPolicy') return [];
  return [o.spec, ...list(o.specs)].filter(isObject);
}

/**
 * A name each `toFQDNs` entry of the bundle's Cilium policies matches: a `matchName` itself, a
 * `matchPattern` with each wildcard filled (`*` alone is left to the proof's public name).
 */
export function fqdnWitnesses(objects: readonly Json[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    for (const spec of ciliumSpecs(o)) {
      for (const rule of list(spec.egress)) {
        for (const f of isObject(rule) ? list(rule.toFQDNs) : []) {
          if (!isObject(f)) continue;
          if (typeof f.matchName === 'string') out.add(f.matchName.toLowerCase().replace(/\.$/, ''));
          if (typeof f.matchPattern === 'string' && f.matchPattern.trim() !== '*') out.add(f.matchPattern.toLowerCase().replace(/\.$/, '').replace(/\*+/g, FILL));
        }
      }
    }
  }
  return [...out].sort();
}

/**
 * The port names the bundle's NetworkPolicy and Cilium rules name (a named port matches a pod's
 * container port of that name; names no container port can have are left out), each with the
 * protocol of its first rule: TCP where the rule says none (Cilium's ANY included). Each name once
 * (a pod's port names are unique), sorted.
 */
export function namedPortWitnesses(objects: readonly Json[]): { name: string; protocol: 'TCP' | 'UDP' | 'SCTP' }[] {
  const out = new Map<string, 'TCP' | 'UDP' | 'SCTP'>();
  const add = (port: unknown, protocol: unknown, lowerCase: boolean) => {
    if (typeof port !== 'string') return;
    const name = lowerCase ? port.toLowerCase() : port;
    // only a valid container port name (an IANA service name) can be matched
    if (name.length > 15 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.includes('--') || !/[a-z]/.test(name)) return;
    if (!out.has(name)) out.set(name, protocol === 'UDP' || protocol === 'SCTP' ? protocol : 'TCP');
  };
  for (const o of objects) {
    if (o.kind === 'NetworkPolicy' && isObject(o.spec)) {
      for (const rule of [...list(o.spec.ingress), ...list(o.spec.egress)]) {
        for (const p of isObject(rule) ? list(rule.ports) : []) if (isObject(p)) add(p.port, p.protocol, false);
      }
    }
    // Cilium compares port names case-insensitively (its reader lower-cases them)
    for (const spec of ciliumSpecs(o)) {
      for (const rule of [...list(spec.ingress), ...list(spec.egress)]) {
        for (const tp of isObject(rule) ? list(rule.toPorts) : []) {
          for (const p of isObject(tp) ? list(tp.ports) : []) if (isObject(p)) add(p.port, p.protocol, true);
        }
      }
    }
  }
  return [...out].map(([name, protocol]) => ({ name, protocol })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An Istio path match (exact, `prefix*`, `*suffix`, `*` for any path): a path it matches. */
function istioWitness(pattern: string): string {
  if (pattern === '*') return `/${FILL}`;
  if (pattern.endsWith('*')) return `${pattern.slice(0, -1)}${FILL}`;
  if (pattern.startsWith('*')) return `/${FILL}${pattern.slice(1)}`;
  return pattern;
}

/**
 * Strings the regular expression matches in full, for the forms HTTP rules use: literals and
 * escapes, `.`, `.*`, `.+`, `[^/]*`, `[^/]+`, anchors, and alternatives (at the top or in a group).
 * Empty when it has anything else (a witness could not be told from a guess).
 */
export function regexWitnesses(regex: string): string[] {
  const alternatives = (text: string): string[] | undefined => {
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '|' && depth === 0) {
        parts.push(text.slice(start, i));
        start = i + 1;
      }
    }
    parts.push(text.slice(start));
    const out: string[] = [];
    for (const p of parts) {
      const w = sequence(p);
      if (w === undefined) return undefined;
      out.push(...w);
    }
    return out;
  };
  const sequence = (text: string): string[] | undefined => {
    let outs = [''];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      let pieces: string[] | undefined;
      if (c === '^' && i === 0) continue;
      if (c === '$' && i === text.length - 1) continue;
      // a wildcard (`.`, `[^/]`) is one character, or FILL when repeated by a following * or +
      const wildcard = (end: number) => (text[end + 1] === '*' || text[end + 1] === '+' ? [FILL] : [ONE]);
      if (c === '\\') {
        const next = text[++i];
        if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \d, \w...: not a literal
        pieces = [next];
      } else if (text.startsWith('[^/]', i)) {
        i += 3;
        pieces = wildcard(i);
      } else if (c === '.') {
        pieces = wildcard(i);
      } else if (c === '(') {
        let depth = 0;
        let j = i;
        for (; j < text.length; j++) {
          if (text[j] === '\\') j++;
          else if (text[j] === '(') depth++;
          else if (text[j] === ')' && --depth === 0) break;
        }
        if (j >= text.length) return undefined;
        const inner = text.slice(text[i + 1] === '?' && text[i + 2] === ':' ? i + 3 : i + 1, j);
        pieces = alternatives(inner);
        if (pieces === undefined) return undefined;
        i = j;
      } else if (/[[\]{}?*+|)]/.test(c)) {
        return undefined;
      } else {
        pieces = [c];
      }
      // a following * or + repeats the piece: once stands for both; ? makes it optional: both
      const q = text[i + 1];
      if (q === '*' || q === '+') i++;
      else if (q === '?') {
        i++;
        pieces = ['', ...pieces];
      } else if (q === '{') return undefined;
      outs = outs.flatMap((o) => pieces.map((p) => o + p));
      if (outs.length > 64) return undefined;
    }
    return outs;
  };
  return alternatives(regex) ?? [];
}

/** The requests one policy's HTTP rules admit, and which pods it applies to. */
export interface PolicyWitnesses {
  /** The policy's namespace; undefined for a clusterwide one. */
  readonly namespace: string | undefined;
  /** The labels its selector requires (without Cilium's source prefixes); undefined when it cannot be read as labels alone (then it is taken to apply to every pod). */
  readonly selects: Readonly<Record<string, string>> | undefined;
  readonly requests: readonly ProbeRequest[];
  /** The TCP ports its HTTP rules name (Istio operation `ports`, Cilium `toPorts`): the requests are tried there too. */
  readonly ports: readonly number[];
  /**
   * An HTTP rule of it applies at every port (an Istio operation with HTTP fields and no `ports`, or
   * with `notPorts`; a rule whose only HTTP part is a `request.*` condition or a source's
   * `requestPrincipals`): the requests are tried at every port.
   */
  readonly anyPort: boolean;
}

/** Operation fields only HTTP requests carry (an ALLOW rule with one is dropped for plain TCP). */
const ISTIO_HTTP_FIELDS = ['paths', 'notPaths', 'methods', 'notMethods', 'hosts', 'notHosts'];

/** Methods a request may carry, the first not excluded standing for a rule that only names `notMethods`. */
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/**
 * A selector's `matchLabels` as the pod labels it requires (`k8s:`/`any:` prefixes dropped), or
 * undefined when it has expressions too. Labels Cilium adds itself (`io.kubernetes.pod.namespace`,
 * `io.cilium.k8s.*`: the pod's namespace, account, namespace labels) are no pod label a workload
 * declares: they are left out, so such a policy is taken to apply wherever its pod labels match.
 */
function selectorLabels(selector: unknown): Record<string, string> | undefined {
  if (selector === undefined) return {};
  if (!isObject(selector) || list(selector.matchExpressions).length > 0) return undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {})) {
    const key = k.replace(/^(?:k8s|any):/, '');
    if (typeof v === 'string' && !key.startsWith('io.kubernetes.pod.') && !key.startsWith('io.cilium.')) labels[key] = v;
  }
  return labels;
}

/**
 * Requests each HTTP rule of the bundle's policies admits, per policy: per Istio operation and per
 * Cilium ingress HTTP rule, each method it names with each path it names (GET where none is named,
 * `/` where no path is; a rule naming only `notPaths` or `notMethods` by a path or method outside
 * them); and the Cilium regular expressions no witness could be found for (`unwitnessed`: the
 * proof cannot try what they admit).
 */
export function requestWitnesses(objects: readonly Json[]): { readonly policies: PolicyWitnesses[]; readonly unwitnessed: string[] } {
  const policies: PolicyWitnesses[] = [];
  const unwitnessed: string[] = [];
  for (const o of objects) {
    const out: ProbeRequest[] = [];
    const ports = new Set<number>();
    const port = (v: unknown, protocol: unknown) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
      if (Number.isInteger(n) && n >= 1 && n <= 65535 && (protocol === undefined || protocol === 'TCP' || protocol === 'ANY')) ports.add(n);
    };
    const meta = isObject(o.metadata) ? o.metadata : {};
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
    const where = `${String(o.kind)} ${namespace !== undefined ? `${namespace}/` : ''}${String(meta.name)}`;
    const witnesses = (what: string, regex: string) => {
      const w = regexWitnesses(regex);
      if (w.length === 0) unwitnessed.push(`${where} ${what}: "${regex}"`);
      return w;
    };
    // every method a rule names with every path it names: a rule admits each pair
    const added = new Set<string>();
    const add = (methods: string[], paths: string[]) => {
      for (const method of methods.length > 0 ? methods : ['GET']) {
        for (const path of paths.length > 0 ? paths : ['/']) {
          if (added.has(`${method} ${path}`)) continue;
          added.add(`${method} ${path}`);
          out.push({ method, path });
        }
      }
    };
    let selects: Record<string, string> | undefined = {};
    let anyPort = false;
    if (o.kind === 'AuthorizationPolicy') {
      const spec = isObject(o.spec) ? o.spec : {};
      selects = selectorLabels(spec.selector);
      for (const rule of list(spec.rules)) {
        if (!isObject(rule)) continue;
        // a `request.*` condition (headers, JWT claims) or a source's (not)requestPrincipals (a JWT's
        // issuer and subject; `notRequestPrincipals: ["*"]` is any request without a JWT) makes the
        // whole rule HTTP-only, as the engine reads it (dropped for plain TCP)
        const httpOnly =
          list(rule.when).some((c) => isObject(c) && typeof c.key === 'string' && c.key.startsWith('request.')) ||
          list(rule.from).some((f) => isObject(f) && isObject(f.source) && (f.source.requestPrincipals !== undefined || f.source.notRequestPrincipals !== undefined));
        const operations = list(rule.to).flatMap((to) => (isObject(to) && isObject(to.operation) ? [to.operation] : []));
        if (httpOnly && operations.length === 0) {
          add([], []);
          anyPort = true;
        }
        for (const op of operations) {
          if (!httpOnly && !ISTIO_HTTP_FIELDS.some((f) => op[f] !== undefined)) continue;
          const paths = strings(op.paths).map(istioWitness);
          if (paths.length === 0 && op.notPaths !== undefined) paths.push(`/${FILL}`);
          // `*` is any method: GET stands for it
          const methods = strings(op.methods).map((m) => (m === '*' ? 'GET' : m));
          const notMethods = strings(op.notMethods);
          if (methods.length === 0 && notMethods.length > 0) methods.push(...METHODS.filter((m) => !notMethods.includes(m)).slice(0, 1));
          // GET / where it names neither (a Host or header match): the request's Host and headers are the caller's to choose
          add(methods, paths);
          const named = strings(op.ports);
          if (named.length === 0 || op.notPorts !== undefined) anyPort = true;
          for (const p of named) port(p, undefined);
        }
      }
    }
    const specs = ciliumSpecs(o);
    for (const spec of specs) {
      for (const rule of list(spec.ingress)) {
        for (const tp of isObject(rule) ? list(rule.toPorts) : []) {
          const rules = isObject(tp) && isObject(tp.rules) ? list(tp.rules.http) : [];
          for (const h of rules) {
            if (!isObject(h)) continue;
            const paths = typeof h.path === 'string' ? witnesses('path', h.path) : [];
            const methods = typeof h.method === 'string' ? witnesses('method', h.method) : [];
            // a rule of Host or headers only (the caller chooses them): GET / stands for its requests
            if (paths.length > 0 || methods.length > 0 || h.host !== undefined || h.headers !== undefined || h.headerMatches !== undefined) {
              add(methods, paths);
              for (const p of isObject(tp) ? list(tp.ports) : []) if (isObject(p)) port(p.port, p.protocol);
            }
          }
        }
      }
    }
    // a Cilium policy with several specs: whichever selects the pod, the union applies
    if (specs.length > 0) selects = specs.length === 1 ? selectorLabels(specs[0]!.endpointSelector ?? {}) : undefined;
    if (out.length > 0) policies.push({ namespace: o.kind === 'CiliumClusterwideNetworkPolicy' ? undefined : namespace, selects, requests: out, ports: [...ports].sort((a, b) => a - b), anyPort });
  }
  return { policies, unwitnessed };
}

/**
 * The requests of the policies that may apply to a pod of `namespace` with `labels` (any labels
 * when undefined): those of its namespace, of `rootNamespace` (Istio's mesh-wide ones) and
 * clusterwide ones, whose selector it meets (or that cannot be read as labels), without repeats;
 * and the TCP ports those policies' rules name.
 */
export function witnessesFor(policies: readonly PolicyWitnesses[], namespace: string, labels: Readonly<Record<string, string>> | undefined, rootNamespace: string | undefined): { requests: ProbeRequest[]; ports: Set<number>; anyPort: boolean } {
  const seen = new Set<string>();
  const requests: ProbeRequest[] = [];
  const ports = new Set<number>();
  let anyPort = false;
  for (const p of policies) {
    if (p.namespace !== undefined && p.namespace !== namespace && p.namespace !== rootNamespace) continue;
    if (labels !== undefined && p.selects !== undefined && !Object.entries(p.selects).every(([k, v]) => labels[k] === v)) continue;
    anyPort ||= p.anyPort;
    for (const n of p.ports) ports.add(n);
    for (const q of p.requests) {
      const key = `${q.method} ${q.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      requests.push(q);
    }
  }
  return { requests, ports, anyPort };
}
