import type { HttpRule } from '@ztp/model';

/** One (method, path) pair of an HTTP rule; `undefined` means any. */
export interface HttpMatch {
  readonly method: string | undefined;
  readonly path: string | undefined;
}

/** The (method, path) pairs an HTTP rule allows, in a stable order. */
export function httpMatches(rule: HttpRule): HttpMatch[] {
  const methods = rule.methods === undefined ? [undefined] : [...new Set(rule.methods)].sort();
  const paths = rule.paths === undefined ? [undefined] : [...new Set(rule.paths)].sort();
  return methods.flatMap((method) => paths.map((path) => ({ method, path })));
}

/**
 * A ztp path as the full-match regular expression Cilium's Envoy applies to the request's
 * `:path`, which carries the query string: literal characters escaped, a trailing `/*` becoming
 * `/.*`, and an exact path followed by an optional query (`/metrics` admits `/metrics?x=1`, as
 * Istio's `paths`, matched on the path alone, do).
 */
export function ciliumPathRegex(path: string): string {
  const prefix = path.endsWith('/*');
  const literal = prefix ? path.slice(0, -1) : path;
  const escaped = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return prefix ? `${escaped}.*` : `${escaped}(\\?.*)?`;
}
