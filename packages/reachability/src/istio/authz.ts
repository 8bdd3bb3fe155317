/**
 * Istio AuthorizationPolicy evaluation on a server sidecar, in Istio's order: CUSTOM, then
 * DENY, then ALLOW (deny by default once an ALLOW policy applies). Matching follows istiod's
 * RBAC generation: for plain TCP traffic an ALLOW rule with HTTP-only fields never matches,
 * while a DENY rule simply loses its HTTP-only fields (and so denies more).
 *
 * What the analysis cannot know (an unknown source or destination IP, the TLS SNI...) makes a
 * rule's match `unknown` (three-valued, see `../tri.ts`), for ALLOW and DENY rules alike. The
 * decision is then computed in three-valued logic and is `allow` or `deny` only when it is the
 * same whichever way the unknowns resolve:
 *   refused = CUSTOM may apply ? (rest refused ? deny : undecided) : rest
 *   rest    = NOT deny AND allow, where deny = OR(DENY rules), allow = OR(ALLOW rules) (true
 *             when no ALLOW policy applies).
 * E.g. an unknown DENY match next to a certain ALLOW match is undecided, but an unknown DENY
 * match while ALLOW policies apply and none can match is a (certain) deny.
 */
import type { ObjectRef } from '../cilium/evaluate.ts';
import type { HttpRequest } from '../cilium/http.ts';
import type { IpAddress } from '../ip.ts';
import type { Pod } from '../model.ts';
import { and, matchField, matchIp, matchPath, matchString, not, or } from './match.ts';
import type { Tri } from './match.ts';
import type { AuthorizationPolicy, AuthzCondition, AuthzOperation, AuthzRule, AuthzSource } from './model.ts';

/** What the server sidecar knows about a request. */
export interface AuthzRequest {
  /** The peer's mTLS identity `<trust-domain>/ns/<ns>/sa/<sa>`, absent for plain text. */
  readonly principal?: string;
  readonly sourceIp?: IpAddress;
  readonly destinationIp?: IpAddress;
  readonly port: number;
  /** Present for HTTP traffic. */
  readonly http?: HttpRequest & { readonly requestPrincipal?: string };
}

/** The authorization outcome. */
export interface AuthzDecision {
  readonly result: 'allow' | 'deny' | 'undecided';
  readonly reason: string;
  readonly decidedBy: readonly ObjectRef[];
}

function ref(p: AuthorizationPolicy, rule?: number): ObjectRef {
  return { kind: 'AuthorizationPolicy', namespace: p.namespace, name: p.name, ...(rule === undefined ? {} : { rule: `rules[${rule}]` }) };
}

/** Policies that apply to a sidecar: same namespace or root namespace, selector matching the pod. */
export function applicablePolicies(all: readonly AuthorizationPolicy[], pod: Pod, namespace: string, rootNamespace: string): AuthorizationPolicy[] {
  return all.filter(
    (p) =>
      !p.targetsRefs &&
      (p.namespace === namespace || p.namespace === rootNamespace) &&
      Object.entries(p.selector ?? {}).every(([k, v]) => pod.labels[k] === v),
  );
}

/**
 * Whether a policy's principal matches the caller's, as istiod generates the matcher: it prefixes
 * the value with `spiffe://` (so a value that has it already never matches), and reads the trust
 * domain `cluster.local` as the mesh's own (`ReplaceTrustDomainAliases`; the caller is always of
 * the mesh's trust domain here, so its own stands for it).
 */
function principalMatches(value: string, principal: string | undefined): Tri {
  if (principal !== undefined && value.startsWith(`${LOCAL_TRUST_DOMAIN}/`)) {
    const at = principal.indexOf('/ns/');
    if (at > 0) return matchString(`${principal.slice(0, at)}${value.slice(LOCAL_TRUST_DOMAIN.length)}`, principal);
  }
  return matchString(value, principal);
}

/** The trust domain Istio reads in a policy as the mesh's own, whatever that is. */
const LOCAL_TRUST_DOMAIN = 'cluster.local';

function namespaceOf(principal: string | undefined): string | undefined {
  const m = principal === undefined ? null : /\/ns\/([^/]+)\//.exec(principal);
  return m === null ? undefined : m[1];
}

function headerOf(req: AuthzRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.entries(req.http?.headers ?? {}).find(([k]) => k.toLowerCase() === lower)?.[1];
}

const HTTP_ONLY_KEYS = ['request.'];

/** Whether a field is HTTP-only (dropped on plain TCP traffic). */
function httpOnlyCondition(c: AuthzCondition): boolean {
  return HTTP_ONLY_KEYS.some((p) => c.key.startsWith(p));
}

function hasHttpOnly(rule: AuthzRule): boolean {
  return (
    (rule.from ?? []).some((s) => s.requestPrincipals !== undefined) ||
    (rule.to ?? []).some((o) => o.hosts !== undefined || o.methods !== undefined || o.paths !== undefined) ||
    (rule.when ?? []).some(httpOnlyCondition)
  );
}

function sourceMatches(s: AuthzSource, req: AuthzRequest, tcp: boolean): Tri {
  const parts: Tri[] = [];
  if (s.principals) parts.push(matchField(s.principals, (v) => principalMatches(v, req.principal)));
  if (s.namespaces) parts.push(matchField(s.namespaces, (v) => matchString(v, namespaceOf(req.principal))));
  if (s.ipBlocks) parts.push(matchField(s.ipBlocks, (v) => matchIp(v, req.sourceIp)));
  // On a TCP connection the remote address is its source; on HTTP the sidecar takes it from
  // X-Forwarded-For, which the caller writes: whether it matches is the caller's choice.
  if (s.remoteIpBlocks) parts.push(tcp || req.http === undefined ? matchField(s.remoteIpBlocks, (v) => matchIp(v, req.sourceIp)) : 'unknown');
  if (s.requestPrincipals && !tcp) parts.push(matchField(s.requestPrincipals, (v) => matchString(v, req.http?.requestPrincipal)));
  return and(parts);
}

function operationMatches(o: AuthzOperation, req: AuthzRequest, tcp: boolean): Tri {
  const parts: Tri[] = [];
  if (o.ports) parts.push(matchField(o.ports, (v) => v === String(req.port)));
  if (!tcp && req.http !== undefined) {
    const http = req.http;
    if (o.methods) parts.push(matchField(o.methods, (v) => matchString(v, http.method)));
    if (o.paths) parts.push(matchField(o.paths, (v) => matchPath(v, http.path)));
    // a request that does not say its Host: every HTTP request has one, and the caller writes it
    if (o.hosts) parts.push(matchField(o.hosts, (v) => (http.host === undefined ? 'unknown' : matchString(v, http.host, true))));
  }
  return and(parts);
}

function conditionMatches(c: AuthzCondition, req: AuthzRequest, tcp: boolean): Tri {
  if (tcp && httpOnlyCondition(c)) return true; // dropped (only reached for DENY-like policies)
  let test: (v: string) => Tri;
  const key = c.key;
  if (key === 'source.ip') test = (v) => matchIp(v, req.sourceIp);
  // as remoteIpBlocks: on HTTP, X-Forwarded-For, which the caller writes
  else if (key === 'remote.ip') test = tcp || req.http === undefined ? (v) => matchIp(v, req.sourceIp) : () => 'unknown';
  else if (key === 'destination.ip') test = (v) => matchIp(v, req.destinationIp);
  else if (key === 'destination.port') test = (v) => v === String(req.port);
  else if (key === 'source.principal') test = (v) => principalMatches(v, req.principal);
  else if (key === 'source.namespace') test = (v) => matchString(v, namespaceOf(req.principal));
  else if (key === 'request.auth.principal') test = (v) => matchString(v, req.http?.requestPrincipal);
  // a request that does not say its headers: the caller writes whichever it likes
  else if (key.startsWith('request.headers[')) test = req.http?.headers === undefined ? () => 'unknown' : (v) => matchString(v, headerOf(req, key.slice('request.headers['.length, -1)));
  else if (key.startsWith('request.auth.')) test = () => false; // no JWT claims in the request model
  else test = () => 'unknown'; // connection.sni, experimental.*, any
  if (key === 'any') test = () => true;
  return matchField(c, test);
}

function ruleMatches(rule: AuthzRule, req: AuthzRequest, tcp: boolean): Tri {
  const from = rule.from === undefined ? true : or(rule.from.map((s) => sourceMatches(s, req, tcp)));
  const to = rule.to === undefined ? true : or(rule.to.map((o) => operationMatches(o, req, tcp)));
  const when = and((rule.when ?? []).map((c) => conditionMatches(c, req, tcp)));
  return and([from, to, when]);
}

/** The rules of a policy whose match is not certainly false, with their three-valued match. */
function matchingRules(policy: AuthorizationPolicy, req: AuthzRequest): { index: number; match: Tri }[] {
  const tcp = req.http === undefined;
  const out: { index: number; match: Tri }[] = [];
  policy.rules.forEach((rule, index) => {
    if (tcp && policy.action === 'ALLOW' && hasHttpOnly(rule)) return;
    const m = ruleMatches(rule, req, tcp);
    if (m !== false) out.push({ index, match: m });
  });
  return out;
}

type Matched = { p: AuthorizationPolicy; r: { index: number; match: Tri } };

const refsOf = (list: readonly Matched[], match: Tri): ObjectRef[] => list.filter((m) => m.r.match === match).map((m) => ref(m.p, m.r.index));

/** Evaluates the policies applying to a sidecar for one request (three-valued, see the module comment). */
export function evaluateAuthorization(policies: readonly AuthorizationPolicy[], req: AuthzRequest): AuthzDecision {
  const matched = (action: AuthorizationPolicy['action']): Matched[] =>
    policies.filter((x) => x.action === action).flatMap((p) => matchingRules(p, req).map((r) => ({ p, r })));
  const customs = matched('CUSTOM');
  const denies = matched('DENY');
  const allowPolicies = policies.filter((x) => x.action === 'ALLOW');
  const allows = matched('ALLOW');
  const deny = or(denies.map((d) => d.r.match));
  const allow: Tri = allowPolicies.length === 0 ? true : or(allows.map((a) => a.r.match));
  const rest = and([not(deny), allow]);

  // refused whatever the unknowns, and whatever an external authorizer says
  if (rest === false) {
    if (deny === true) return { result: 'deny', reason: 'a DENY policy matches', decidedBy: refsOf(denies, true) };
    return { result: 'deny', reason: 'ALLOW policies apply and none matches', decidedBy: allowPolicies.map((p) => ref(p)) };
  }
  const custom = or(customs.map((c) => c.r.match));
  if (custom !== false) {
    const provider = customs[0]!.p.provider ?? '';
    return {
      result: 'undecided',
      reason: custom === true ? `the external authorizer ${provider} decides (CUSTOM policy)` : `a CUSTOM policy may apply (it depends on attributes this analysis cannot see); the external authorizer ${provider} would decide`,
      decidedBy: customs.map((c) => ref(c.p, c.r.index)),
    };
  }
  if (rest === true) {
    if (allowPolicies.length === 0) return { result: 'allow', reason: 'no ALLOW policy applies', decidedBy: [] };
    return { result: 'allow', reason: 'an ALLOW policy matches', decidedBy: refsOf(allows, true) };
  }
  if (deny === 'unknown') {
    return {
      result: 'undecided',
      reason: 'a DENY rule may match (it depends on attributes this analysis cannot see, e.g. an IP that is not known)',
      decidedBy: refsOf(denies, 'unknown'),
    };
  }
  return {
    result: 'undecided',
    reason: 'only ALLOW rules that may match apply (it depends on attributes this analysis cannot see, e.g. an IP that is not known)',
    decidedBy: refsOf(allows, 'unknown'),
  };
}
