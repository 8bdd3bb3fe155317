/**
 * Matching an HTTP request against Cilium L7 HTTP rules (enforced by Envoy): method, path
 * (the whole `:path`, query string included) and host are full-match regular expressions;
 * headers must be present, with the exact value when one is given.
 */
import type { Tri } from '../tri.ts';
import type { HttpRule } from './model.ts';

/** An HTTP request as a verdict query describes it. */
export interface HttpRequest {
  readonly method: string;
  /** The request target: path with optional query string, e.g. `/api/v1?x=1`. */
  readonly path: string;
  /** The Host (`:authority`). @default unknown: every HTTP request has one, and the caller chooses it */
  readonly host?: string;
  /** Header names are case-insensitive. @default unknown: the caller sends whichever headers it likes */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Whether the request satisfies every part of the rule (a rule with an unsupported part never
 * matches); `unknown` when that depends on a Host or headers the request leaves to the caller.
 */
export function httpRuleMatches(rule: HttpRule, request: HttpRequest): Tri {
  if (rule.unsupported !== undefined) return false;
  if (rule.method !== undefined && !rule.method.test(request.method)) return false;
  if (rule.path !== undefined && !rule.path.test(request.path)) return false;
  const host: Tri = rule.host === undefined ? true : request.host === undefined ? 'unknown' : rule.host.test(request.host);
  if (rule.headers.length === 0 || host === false) return host;
  if (request.headers === undefined) return 'unknown';
  const headers = new Map(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return rule.headers.every((h) => headers.has(h.name) && (h.value === undefined || headers.get(h.name) === h.value)) ? host : false;
}
