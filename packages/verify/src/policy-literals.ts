/**
 * Witnesses of what a bundle's policies name: a DNS name each Cilium `toFQDNs` entry matches, and
 * an HTTP request each Istio operation and Cilium HTTP rule admits. The proof sends them besides
 * the declared ones, so that a rule naming a host, a path or a method nobody declared is tried:
 * the intent says whether it may pass.
 */
import type { ProbeRequest } from './expectations.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

/** What stands for a wildcard's part in a witness. */
const FILL = 'ztp-probe';

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

/** An Istio string match (exact, `prefix*`, `*suffix`): a value it matches; undefined for `*`. */
function istioWitness(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
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
      if (c === '\\') {
        const next = text[++i];
        if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \d, \w...: not a literal
        pieces = [next];
      } else if (text.startsWith('[^/]', i)) {
        i += 3;
        pieces = [FILL];
      } else if (c === '.') {
        pieces = [FILL];
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

/**
 * Requests each HTTP rule of the bundle's policies admits: per Istio operation and per Cilium
 * HTTP rule, each method it names with the first path, and each path it names with the first
 * method (GET where none is named, `/` where no path is); and the Cilium regular expressions no
 * witness could be found for (`unwitnessed`: the proof cannot try what they admit).
 */
export function requestWitnesses(objects: readonly Json[]): { readonly requests: ProbeRequest[]; readonly unwitnessed: string[] } {
  const out: ProbeRequest[] = [];
  const unwitnessed: string[] = [];
  const witnesses = (where: string, regex: string) => {
    const w = regexWitnesses(regex);
    if (w.length === 0) unwitnessed.push(`${where}: "${regex}"`);
    return w;
  };
  const add = (methods: string[], paths: string[]) => {
    const ms = methods.length > 0 ? methods : ['GET'];
    const ps = paths.length > 0 ? paths : ['/'];
    for (const method of ms) out.push({ method, path: ps[0]! });
    for (const path of ps) out.push({ method: ms[0]!, path });
  };
  for (const o of objects) {
    if (o.kind === 'AuthorizationPolicy') {
      const spec = isObject(o.spec) ? o.spec : {};
      for (const rule of list(spec.rules)) {
        for (const to of isObject(rule) ? list(rule.to) : []) {
          const op = isObject(to) && isObject(to.operation) ? to.operation : undefined;
          if (op === undefined) continue;
          const paths = strings(op.paths).flatMap((p) => istioWitness(p) ?? []);
          const methods = strings(op.methods).filter((m) => m !== '*');
          if (paths.length > 0 || methods.length > 0) add(methods, paths);
        }
      }
    }
    const meta = isObject(o.metadata) ? o.metadata : {};
    const where = `${String(o.kind)} ${typeof meta.namespace === 'string' ? `${meta.namespace}/` : ''}${String(meta.name)}`;
    for (const spec of ciliumSpecs(o)) {
      for (const rule of list(spec.ingress)) {
        for (const tp of isObject(rule) ? list(rule.toPorts) : []) {
          const rules = isObject(tp) && isObject(tp.rules) ? list(tp.rules.http) : [];
          for (const h of rules) {
            if (!isObject(h)) continue;
            const paths = typeof h.path === 'string' ? witnesses(`${where} path`, h.path) : [];
            const methods = typeof h.method === 'string' ? witnesses(`${where} method`, h.method) : [];
            if (paths.length > 0 || methods.length > 0) add(methods, paths);
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  return { requests: out.filter((q) => (seen.has(`${q.method} ${q.path}`) ? false : (seen.add(`${q.method} ${q.path}`), true))), unwitnessed };
}
