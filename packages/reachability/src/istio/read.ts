/**
 * Reading Istio AuthorizationPolicy and PeerAuthentication manifests (security.istio.io
 * v1 / v1beta1), with the validation istiod applies (known `when` keys, port and IP formats).
 */
import { ambiguousIpProblem, parseCidr, parseIp } from '../ip.ts';
import type { Origin } from '../model.ts';
import type { ReadResult } from '../networkpolicy.ts';
import type { AuthorizationPolicy, AuthzCondition, AuthzOperation, AuthzRule, AuthzSource, MatchField, MtlsMode, PeerAuthentication } from './model.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `when` keys istiod accepts (exact keys, or prefixes ending with `[` / `.`). */
const WHEN_KEYS = [
  'source.ip',
  'remote.ip',
  'source.namespace',
  'source.principal',
  'request.auth.principal',
  'request.auth.audiences',
  'request.auth.presenter',
  'destination.ip',
  'destination.port',
  'connection.sni',
  'any',
];
const WHEN_PREFIXES = ['request.headers[', 'request.auth.claims[', 'experimental.envoy.filters.'];

function strings(raw: unknown, at: string, errors: string[]): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) {
    errors.push(`${at}: must be a list of strings`);
    return [];
  }
  return raw as string[];
}

function field(obj: Record<string, unknown>, name: string, at: string, errors: string[]): MatchField | undefined {
  const notName = `not${name[0]!.toUpperCase()}${name.slice(1)}`;
  const values = strings(obj[name], `${at}.${name}`, errors);
  const notValues = strings(obj[notName], `${at}.${notName}`, errors);
  if (values.length === 0 && notValues.length === 0) return undefined;
  return { values, notValues };
}

function checkIps(f: MatchField | undefined, at: string, errors: string[]): void {
  for (const v of [...(f?.values ?? []), ...(f?.notValues ?? [])]) {
    const ambiguous = ambiguousIpProblem(v);
    if (ambiguous !== undefined) errors.push(`${at}: ${ambiguous}`);
    else if (parseIp(v) === undefined && parseCidr(v) === undefined) errors.push(`${at}: "${v}" is not an IP or CIDR`);
  }
}

function checkPorts(f: MatchField | undefined, at: string, errors: string[]): void {
  for (const v of [...(f?.values ?? []), ...(f?.notValues ?? [])]) {
    // matched as text here, as a number by istiod: "02222" would be port 2222 there and nothing here
    if (/^0[0-9]/.test(v)) errors.push(`${at}: "${v}" has a leading zero, which istiod reads away (port ${Number(v)}); write it without`);
    else if (!/^[0-9]+$/.test(v) || Number(v) > 65535) errors.push(`${at}: "${v}" is not a port number`);
  }
}

/** The fields of a Source and an Operation this analysis reads (each with its `not` form). */
const SOURCE_FIELDS = ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks'];
const OPERATION_FIELDS = ['hosts', 'ports', 'methods', 'paths'];

/**
 * Refuses a field the analysis does not read (such as `serviceAccounts`): dropping it would read
 * an ALLOW or a DENY as matching other peers than Istio does, so a DENY that hides an open ALLOW
 * could pass for closed.
 */
function unsupported(obj: Record<string, unknown>, fields: readonly string[], at: string, errors: string[]): void {
  const known = new Set(fields.flatMap((f) => [f, `not${f[0]!.toUpperCase()}${f.slice(1)}`]));
  for (const k of Object.keys(obj)) if (!known.has(k)) errors.push(`${at}.${k}: not supported by this analysis (it reads ${[...known].join(', ')})`);
}

function readRule(raw: unknown, at: string, errors: string[]): AuthzRule {
  if (raw === null || raw === undefined) return {};
  if (!isObject(raw)) {
    errors.push(`${at}: must be an object`);
    return {};
  }
  const rule: { from?: AuthzSource[]; to?: AuthzOperation[]; when?: AuthzCondition[] } = {};
  if (Array.isArray(raw.from) && raw.from.length > 0) {
    rule.from = raw.from.map((f: unknown, i: number): AuthzSource => {
      const where = `${at}.from[${i}].source`;
      const s = isObject(f) && isObject(f.source) ? f.source : undefined;
      if (s === undefined) {
        errors.push(`${where}: required`);
        return {};
      }
      unsupported(s, SOURCE_FIELDS, where, errors);
      const src: AuthzSource = {
        ...optional('principals', field(s, 'principals', where, errors)),
        ...optional('requestPrincipals', field(s, 'requestPrincipals', where, errors)),
        ...optional('namespaces', field(s, 'namespaces', where, errors)),
        ...optional('ipBlocks', field(s, 'ipBlocks', where, errors)),
        ...optional('remoteIpBlocks', field(s, 'remoteIpBlocks', where, errors)),
      };
      checkIps(src.ipBlocks, `${where}.ipBlocks`, errors);
      checkIps(src.remoteIpBlocks, `${where}.remoteIpBlocks`, errors);
      return src;
    });
  }
  if (Array.isArray(raw.to) && raw.to.length > 0) {
    rule.to = raw.to.map((t: unknown, i: number): AuthzOperation => {
      const where = `${at}.to[${i}].operation`;
      const o = isObject(t) && isObject(t.operation) ? t.operation : undefined;
      if (o === undefined) {
        errors.push(`${where}: required`);
        return {};
      }
      unsupported(o, OPERATION_FIELDS, where, errors);
      const op: AuthzOperation = {
        ...optional('hosts', field(o, 'hosts', where, errors)),
        ...optional('ports', field(o, 'ports', where, errors)),
        ...optional('methods', field(o, 'methods', where, errors)),
        ...optional('paths', field(o, 'paths', where, errors)),
      };
      checkPorts(op.ports, `${where}.ports`, errors);
      return op;
    });
  }
  if (Array.isArray(raw.when) && raw.when.length > 0) {
    rule.when = raw.when.map((w: unknown, i: number): AuthzCondition => {
      const where = `${at}.when[${i}]`;
      const c = isObject(w) ? w : {};
      const key = typeof c.key === 'string' ? c.key : '';
      if (!WHEN_KEYS.includes(key) && !WHEN_PREFIXES.some((p) => key.startsWith(p))) errors.push(`${where}.key: unknown attribute "${key}"`);
      const values = strings(c.values, `${where}.values`, errors);
      const notValues = strings(c.notValues, `${where}.notValues`, errors);
      if (values.length === 0 && notValues.length === 0) errors.push(`${where}: needs values or notValues`);
      if (key === 'destination.port') checkPorts({ values, notValues }, `${where}`, errors);
      if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') checkIps({ values, notValues }, where, errors);
      return { key, values, notValues };
    });
  }
  return rule;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readMatchLabels(raw: unknown, at: string, errors: string[]): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) {
    errors.push(`${at}: must be an object`);
    return undefined;
  }
  const labels = raw.matchLabels;
  if (labels === undefined || labels === null) return {};
  if (!isObject(labels) || Object.values(labels).some((v) => typeof v !== 'string')) {
    errors.push(`${at}.matchLabels: must be a map of strings`);
    return undefined;
  }
  return labels as Record<string, string>;
}

function meta(obj: Record<string, unknown>, kind: string): { name: string; namespace: string; where: string; errors: string[] } {
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const where = `${kind} ${namespace}/${name || '<unnamed>'}`;
  return { name, namespace, where, errors: name === '' ? [`${where}: metadata.name is required`] : [] };
}

/** Reads an AuthorizationPolicy. */
export function readAuthorizationPolicy(obj: Record<string, unknown>, origin?: Origin): ReadResult<AuthorizationPolicy> {
  const { name, namespace, where, errors } = meta(obj, 'AuthorizationPolicy');
  const spec = isObject(obj.spec) ? obj.spec : {};
  const action = spec.action === undefined || spec.action === null || spec.action === '' ? 'ALLOW' : spec.action;
  if (action !== 'ALLOW' && action !== 'DENY' && action !== 'AUDIT' && action !== 'CUSTOM') {
    errors.push(`${where}: spec.action "${String(action)}" is not ALLOW, DENY, AUDIT or CUSTOM`);
  }
  const selector = readMatchLabels(spec.selector, `${where}: spec.selector`, errors);
  const targetsRefs =
    (spec.targetRef !== undefined && spec.targetRef !== null) || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0);
  if (targetsRefs && selector !== undefined) errors.push(`${where}: selector and targetRef(s) cannot be combined`);
  const rules = Array.isArray(spec.rules) ? spec.rules.map((r: unknown, i: number) => readRule(r, `${where}: spec.rules[${i}]`, errors)) : [];
  if (action === 'CUSTOM' && (typeof spec.provider !== 'object' || spec.provider === null)) errors.push(`${where}: CUSTOM needs spec.provider`);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      namespace,
      name,
      ...(selector !== undefined ? { selector } : {}),
      targetsRefs,
      action: action as AuthorizationPolicy['action'],
      ...(isObject(spec.provider) && typeof spec.provider.name === 'string' ? { provider: spec.provider.name } : {}),
      rules,
      ...(origin ? { origin } : {}),
    },
  };
}

const MODES: readonly MtlsMode[] = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];

function readMode(raw: unknown, at: string, errors: string[]): MtlsMode {
  if (!isObject(raw) || raw.mode === undefined || raw.mode === null || raw.mode === '') return 'UNSET';
  if (!MODES.includes(raw.mode as MtlsMode)) {
    errors.push(`${at}.mode: "${String(raw.mode)}" is not UNSET, DISABLE, PERMISSIVE or STRICT`);
    return 'UNSET';
  }
  return raw.mode as MtlsMode;
}

/** Reads a PeerAuthentication. */
export function readPeerAuthentication(obj: Record<string, unknown>, origin?: Origin): ReadResult<PeerAuthentication> {
  const { name, namespace, where, errors } = meta(obj, 'PeerAuthentication');
  const spec = isObject(obj.spec) ? obj.spec : {};
  const selector = readMatchLabels(spec.selector, `${where}: spec.selector`, errors);
  const mode = readMode(spec.mtls, `${where}: spec.mtls`, errors);
  const portLevel = new Map<number, MtlsMode>();
  if (isObject(spec.portLevelMtls)) {
    if (selector === undefined || Object.keys(selector).length === 0) {
      errors.push(`${where}: portLevelMtls requires a non-empty workload selector`);
    }
    for (const [port, m] of Object.entries(spec.portLevelMtls)) {
      if (!/^[1-9][0-9]*$/.test(port) || Number(port) > 65535) errors.push(`${where}: portLevelMtls key "${port}" is not a port (digits, no leading zero)`);
      else portLevel.set(Number(port), readMode(m, `${where}: spec.portLevelMtls.${port}`, errors));
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { namespace, name, ...(selector !== undefined ? { selector } : {}), mode, portLevel, ...(origin ? { origin } : {}) },
  };
}
