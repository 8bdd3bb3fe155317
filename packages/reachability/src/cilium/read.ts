/**
 * Reading CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy manifests with Cilium's
 * validation (Rule.Sanitize) and its parse-time defaults (utils.ParseToCiliumRule):
 * - a CiliumNetworkPolicy's endpointSelector only selects pods of the policy's namespace;
 * - a peer selector without a namespace key selects the policy's namespace (or, cluster-wide,
 *   any pod), unless it names namespace labels or reserved labels;
 * - enableDefaultDeny defaults to true for a direction that has (allow or deny) rules;
 * - a rule with no L3 member but with toPorts applies to every peer;
 */
import { ambiguousIpProblem, IpSet, parseCidr, parseIp } from '../ip.ts';
import type { IpRange } from '../ip.ts';
import type { Origin } from '../model.ts';
import type { ReadResult } from '../networkpolicy.ts';
import type { Protocol } from '../ports.ts';
import { readSelector } from '../selectors.ts';
import type {
  CiliumEntity,
  CiliumKey,
  CiliumPeers,
  CiliumPolicy,
  CiliumPort,
  CiliumPortRule,
  CiliumRequirement,
  CiliumRule,
  CiliumSelector,
  CiliumSpec,
  FqdnSelector,
  HttpRule,
} from './model.ts';

/** The pod namespace label Cilium adds to every pod identity. */
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
/** The prefix of namespace labels in a pod identity. */
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels';

const ENTITIES: ReadonlySet<string> = new Set([
  'all',
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'ingress',
  'init',
  'health',
  'unmanaged',
  'none',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits `k8s:app` into its source and key; a key without a source is `any:`. */
export function parseCiliumKey(text: string): CiliumKey {
  const colon = text.indexOf(':');
  return colon < 0 ? { source: 'any', key: text } : { source: text.slice(0, colon), key: text.slice(colon + 1) };
}

function toSelector(raw: unknown, at: string, errors: string[]): CiliumSelector {
  const { selector, errors: e } = readSelector(raw, at);
  errors.push(...e);
  const requirements: CiliumRequirement[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key: parseCiliumKey(k), operator: 'In', values: [v] });
  }
  for (const r of selector.matchExpressions ?? []) {
    requirements.push({ key: parseCiliumKey(r.key), operator: r.operator, values: [...(r.values ?? [])] });
  }
  return { requirements, text: JSON.stringify(raw ?? {}) };
}

function hasKey(sel: CiliumSelector, source: string, key: string): boolean {
  return sel.requirements.some((r) => r.key.source === source && r.key.key === key);
}

function hasKeyPrefix(sel: CiliumSelector, source: string, prefix: string): boolean {
  return sel.requirements.some((r) => r.key.source === source && r.key.key.startsWith(prefix));
}

/** Cilium's getEndpointSelector: the namespace defaults of a peer selector. */
function peerSelector(sel: CiliumSelector, namespace: string | undefined): CiliumSelector {
  if (sel.requirements.some((r) => r.key.source === 'reserved')) return sel;
  if (hasKey(sel, 'k8s', POD_NAMESPACE_LABEL) || hasKey(sel, 'any', POD_NAMESPACE_LABEL)) return sel;
  const nsKey = { source: 'k8s', key: POD_NAMESPACE_LABEL };
  if (namespace === undefined) {
    return { ...sel, requirements: [...sel.requirements, { key: nsKey, operator: 'Exists', values: [] }] };
  }
  if (hasKeyPrefix(sel, 'k8s', NAMESPACE_LABELS_PREFIX) || hasKeyPrefix(sel, 'any', NAMESPACE_LABELS_PREFIX)) return sel;
  return { ...sel, requirements: [...sel.requirements, { key: nsKey, operator: 'In', values: [namespace] }] };
}

/** Cilium's endpointSelector default for a namespaced policy: always the policy's namespace. */
function subjectSelector(sel: CiliumSelector, namespace: string | undefined): CiliumSelector {
  if (namespace === undefined) return sel;
  const kept = sel.requirements.filter(
    (r) => !(r.key.source === 'k8s' && r.key.key === POD_NAMESPACE_LABEL && r.operator === 'In'),
  );
  return { ...sel, requirements: [...kept, { key: { source: 'k8s', key: POD_NAMESPACE_LABEL }, operator: 'In', values: [namespace] }] };
}

function readCidrs(raw: unknown, at: string, errors: string[]): IpRange[] {
  if (!Array.isArray(raw)) {
    errors.push(`${at}: must be a list`);
    return [];
  }
  const out: IpRange[] = [];
  raw.forEach((c, i) => {
    const text = typeof c === 'string' ? c : '';
    const range = text.includes('/') ? parseCidr(text) : parseIp(text) !== undefined ? parseCidr(`${text}/${parseIp(text)!.family === 4 ? 32 : 128}`) : undefined;
    const ambiguous = ambiguousIpProblem(text);
    if (ambiguous !== undefined) errors.push(`${at}[${i}]: ${ambiguous}`);
    else if (range === undefined) errors.push(`${at}[${i}]: "${String(c)}" is not a CIDR or IP`);
    else out.push(range);
  });
  return out;
}

function readCidrSet(raw: unknown, at: string, errors: string[], warnings: string[], deny: boolean): IpSet | undefined {
  if (!Array.isArray(raw)) {
    errors.push(`${at}: must be a list`);
    return undefined;
  }
  let set = IpSet.empty();
  for (const [i, entry] of raw.entries()) {
    const where = `${at}[${i}]`;
    if (!isObject(entry)) {
      errors.push(`${where}: must be an object`);
      continue;
    }
    if (entry.cidrGroupRef !== undefined || entry.cidrGroupSelector !== undefined) {
      if (deny) errors.push(`${where}: cidrGroupRef/cidrGroupSelector in a deny rule is not supported by this analysis`);
      else warnings.push(`${where}: cidrGroupRef/cidrGroupSelector is not supported; this entry allows nothing here`);
      continue;
    }
    const cidr = typeof entry.cidr === 'string' ? parseCidr(entry.cidr) : undefined;
    const ambiguous = typeof entry.cidr === 'string' ? ambiguousIpProblem(entry.cidr) : undefined;
    if (ambiguous !== undefined) {
      errors.push(`${where}.cidr: ${ambiguous}`);
      continue;
    }
    if (cidr === undefined) {
      errors.push(`${where}.cidr: "${String(entry.cidr)}" is not a CIDR`);
      continue;
    }
    const excepts: IpRange[] = [];
    for (const [j, e] of (Array.isArray(entry.except) ? entry.except : []).entries()) {
      const r = typeof e === 'string' ? parseCidr(e) : undefined;
      const ambiguousExcept = typeof e === 'string' ? ambiguousIpProblem(e) : undefined;
      if (ambiguousExcept !== undefined) {
        errors.push(`${where}.except[${j}]: ${ambiguousExcept}`);
        continue;
      }
      if (r === undefined || r.family !== cidr.family || r.start < cidr.start || r.start > cidr.end) {
        errors.push(`${where}.except[${j}]: "${String(e)}" is not a CIDR inside ${String(entry.cidr)}`);
        continue;
      }
      excepts.push(r);
    }
    set = set.union(IpSet.of([cidr]).subtract(IpSet.of(excepts)));
  }
  return set;
}

function readFqdns(raw: unknown, at: string, errors: string[]): FqdnSelector[] {
  if (!Array.isArray(raw)) {
    errors.push(`${at}: must be a list`);
    return [];
  }
  const out: FqdnSelector[] = [];
  raw.forEach((f, i) => {
    if (!isObject(f)) {
      errors.push(`${at}[${i}]: must be an object`);
      return;
    }
    const name = typeof f.matchName === 'string' && f.matchName !== '' ? f.matchName : undefined;
    const pattern = typeof f.matchPattern === 'string' && f.matchPattern !== '' ? f.matchPattern : undefined;
    if (name === undefined && pattern === undefined) errors.push(`${at}[${i}]: needs matchName or matchPattern`);
    if (name !== undefined && !/^[-a-zA-Z0-9_.]+$/.test(name)) errors.push(`${at}[${i}].matchName: "${name}" has invalid characters`);
    if (pattern !== undefined && !/^[-a-zA-Z0-9_.*]+$/.test(pattern)) errors.push(`${at}[${i}].matchPattern: "${pattern}" has invalid characters`);
    out.push({ ...(name ? { matchName: name } : {}), ...(pattern ? { matchPattern: pattern } : {}) });
  });
  return out;
}

/** IANA service name, Cilium's test for a named port (case-insensitive). */
function isSvcName(text: string): boolean {
  const lower = text.toLowerCase();
  return lower.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(lower) && !lower.includes('--') && /[a-z]/.test(lower);
}

function compileRegex(text: unknown, at: string, errors: string[]): RegExp | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  if (typeof text !== 'string') {
    errors.push(`${at}: must be a string`);
    return undefined;
  }
  try {
    return new RegExp(`^(?:${text})$`, 'u');
  } catch (error) {
    errors.push(`${at}: invalid regular expression "${text}": ${(error as Error).message}`);
    return undefined;
  }
}

function readHttp(raw: unknown, at: string, errors: string[]): HttpRule[] {
  if (!Array.isArray(raw)) {
    errors.push(`${at}: must be a list`);
    return [];
  }
  return raw.map((h, i): HttpRule => {
    const where = `${at}[${i}]`;
    const r = isObject(h) ? h : {};
    const headers: { name: string; value?: string }[] = [];
    let unsupported: string | undefined;
    for (const hdr of Array.isArray(r.headers) ? r.headers : []) {
      if (typeof hdr !== 'string') {
        errors.push(`${where}.headers: entries must be strings`);
        continue;
      }
      const space = hdr.indexOf(' ');
      if (space > 0) headers.push({ name: hdr.slice(0, space).replace(/:+$/, '').toLowerCase(), value: hdr.slice(space + 1) });
      else headers.push({ name: hdr.toLowerCase() });
    }
    for (const m of Array.isArray(r.headerMatches) ? r.headerMatches : []) {
      if (!isObject(m) || typeof m.name !== 'string') {
        errors.push(`${where}.headerMatches: entries need a name`);
        continue;
      }
      if (m.mismatch !== undefined && m.mismatch !== null && m.mismatch !== '') continue; // a mismatch only logs or rewrites
      if (m.secret !== undefined && m.secret !== null) {
        unsupported = `headerMatches ${m.name} compares with a secret`;
        continue;
      }
      headers.push({ name: m.name.toLowerCase(), ...(typeof m.value === 'string' && m.value !== '' ? { value: m.value } : {}) });
    }
    const method = compileRegex(r.method, `${where}.method`, errors);
    const path = compileRegex(r.path, `${where}.path`, errors);
    const host = compileRegex(r.host, `${where}.host`, errors);
    return {
      ...(method ? { method } : {}),
      ...(path ? { path } : {}),
      ...(host ? { host } : {}),
      headers,
      ...(unsupported ? { unsupported } : {}),
      text: JSON.stringify(h),
    };
  });
}

function readPortRules(
  raw: unknown,
  at: string,
  deny: boolean,
  ingress: boolean,
  errors: string[],
  warnings: string[],
): CiliumPortRule[] {
  if (!Array.isArray(raw)) {
    errors.push(`${at}: must be a list`);
    return [];
  }
  const out: CiliumPortRule[] = [];
  for (const [i, entry] of raw.entries()) {
    const where = `${at}[${i}]`;
    if (!isObject(entry)) {
      errors.push(`${where}: must be an object`);
      continue;
    }
    const ports: CiliumPort[] = [];
    const rawPorts = Array.isArray(entry.ports) ? entry.ports : [];
    let zeroPort = false;
    for (const [j, p] of rawPorts.entries()) {
      const w = `${where}.ports[${j}]`;
      if (!isObject(p)) {
        errors.push(`${w}: must be an object`);
        continue;
      }
      const portText = typeof p.port === 'number' ? String(p.port) : p.port;
      if (typeof portText !== 'string' || portText === '') {
        errors.push(`${w}.port: must be specified`);
        continue;
      }
      const protoText = p.protocol === undefined || p.protocol === null || p.protocol === '' ? 'ANY' : String(p.protocol).toUpperCase();
      let protocols: Protocol[] | 'ANY';
      if (protoText === 'ANY') protocols = 'ANY';
      else if (protoText === 'TCP' || protoText === 'UDP' || protoText === 'SCTP') protocols = [protoText];
      else if (protoText === 'ICMP' || protoText === 'ICMPV6') protocols = [];
      else {
        errors.push(`${w}.protocol: "${String(p.protocol)}" is not TCP, UDP, SCTP, ICMP, ICMPv6 or ANY`);
        continue;
      }
      if (isSvcName(portText)) {
        if (p.endPort !== undefined && p.endPort !== null && p.endPort !== 0) errors.push(`${w}.endPort: not allowed with a named port`);
        ports.push({ protocols, port: { name: portText.toLowerCase() } });
        continue;
      }
      // Cilium parses port text with strconv.ParseUint(s, 0, 16): a leading zero makes it octal
      if (/^0[0-9]/.test(portText)) {
        errors.push(`${w}.port: "${portText}" has a leading zero, which Cilium reads as an octal number; write the port in decimal without it`);
        continue;
      }
      if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) {
        errors.push(`${w}.port: "${portText}" is not a port number or name`);
        continue;
      }
      const from = Number(portText);
      if (from === 0) {
        zeroPort = true;
        ports.push({ protocols, port: 'all' });
        continue;
      }
      let to = from;
      if (p.endPort !== undefined && p.endPort !== null && p.endPort !== 0) {
        if (typeof p.endPort !== 'number' || !Number.isInteger(p.endPort) || p.endPort > 65535) {
          errors.push(`${w}.endPort: ${JSON.stringify(p.endPort)} is not a port number`);
          continue;
        }
        // Cilium ignores an endPort below the port
        to = Math.max(from, p.endPort);
      }
      ports.push({ protocols, port: { from, to } });
    }
    const rules = isObject(entry.rules) ? entry.rules : undefined;
    let http: HttpRule[] | undefined;
    let dns: FqdnSelector[] | undefined;
    let unsupported: string | undefined;
    if (rules !== undefined) {
      if (deny) errors.push(`${where}.rules: deny rules cannot have L7 rules`);
      const kinds = ['http', 'kafka', 'dns', 'l7proto'].filter((k) => rules[k] !== undefined && rules[k] !== null);
      if (kinds.length > 1) errors.push(`${where}.rules: multiple L7 protocol rule types in one rule`);
      if (kinds.length > 0 && zeroPort) errors.push(`${where}.rules: L7 rules can not be used when a port is 0`);
      if (rules.http !== undefined && rules.http !== null) {
        http = readHttp(rules.http, `${where}.rules.http`, errors);
        for (const p of ports) if (p.protocols === 'ANY' || p.protocols.length !== 1 || p.protocols[0] !== 'TCP') errors.push(`${where}: L7 rules can only apply to TCP`);
      }
      if (rules.dns !== undefined && rules.dns !== null) {
        if (ingress) errors.push(`${where}.rules.dns: DNS rules are not allowed on ingress`);
        if (ports.length === 0) errors.push(`${where}.rules.dns: port 53 must be specified for DNS rules`);
        dns = readFqdns(rules.dns, `${where}.rules.dns`, errors);
      }
      if (rules.kafka !== undefined || rules.l7proto !== undefined) unsupported = 'Kafka / generic L7 rules';
    }
    if (entry.serverNames !== undefined) unsupported = 'serverNames (TLS SNI)';
    if (entry.listener !== undefined) unsupported = 'a custom Envoy listener';
    if (rawPorts.length === 0) {
      if (deny) errors.push(`${where}: a toPorts entry without ports is not supported in a deny rule`);
      else unsupported ??= 'a toPorts entry without ports';
    }
    if (unsupported !== undefined && !deny) warnings.push(`${where}: ${unsupported} is not supported; this toPorts entry allows nothing here`);
    out.push({ ports, ...(http ? { http } : {}), ...(dns ? { dns } : {}), ...(unsupported ? { unsupported } : {}) });
  }
  return out;
}

const L3_MEMBERS = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'],
  egress: ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes'],
} as const;

function readRule(
  raw: unknown,
  at: string,
  direction: 'ingress' | 'egress',
  deny: boolean,
  namespace: string | undefined,
  index: number,
  errors: string[],
  warnings: string[],
): CiliumRule | undefined {
  if (raw === null || raw === undefined) raw = {};
  if (!isObject(raw)) {
    errors.push(`${at}: must be an object`);
    return undefined;
  }
  const present = L3_MEMBERS[direction].filter((m) => Array.isArray(raw[m]) && (raw[m] as unknown[]).length > 0);
  if (present.length > 1) {
    errors.push(`${at}: combining ${present.join(' and ')} is not supported (Cilium rejects it)`);
    return undefined;
  }
  const requires = direction === 'ingress' ? 'fromRequires' : 'toRequires';
  if (Array.isArray(raw[requires]) && raw[requires].length > 0) {
    errors.push(`${at}.${requires}: not supported by this analysis (it narrows every other rule of the endpoint)`);
    return undefined;
  }
  if (deny && direction === 'egress' && Array.isArray(raw.toFQDNs) && raw.toFQDNs.length > 0) {
    errors.push(`${at}.toFQDNs: not allowed in a deny rule`);
    return undefined;
  }
  let peers: CiliumPeers = { type: 'none' };
  const member = present[0];
  if (member === 'fromEndpoints' || member === 'toEndpoints') {
    peers = {
      type: 'endpoints',
      selectors: (raw[member] as unknown[]).map((s, i) => peerSelector(toSelector(s, `${at}.${member}[${i}]`, errors), namespace)),
    };
  } else if (member === 'fromCIDR' || member === 'toCIDR') {
    peers = { type: 'cidr', set: IpSet.of(readCidrs(raw[member], `${at}.${member}`, errors)) };
  } else if (member === 'fromCIDRSet' || member === 'toCIDRSet') {
    peers = { type: 'cidr', set: readCidrSet(raw[member], `${at}.${member}`, errors, warnings, deny) ?? IpSet.empty() };
  } else if (member === 'fromEntities' || member === 'toEntities') {
    const entities = (raw[member] as unknown[]).map(String);
    for (const e of entities) if (!ENTITIES.has(e)) errors.push(`${at}.${member}: unsupported entity "${e}"`);
    peers = { type: 'entities', entities: entities as CiliumEntity[] };
  } else if (member === 'toFQDNs') {
    peers = { type: 'fqdns', selectors: readFqdns(raw.toFQDNs, `${at}.toFQDNs`, errors) };
  } else if (member !== undefined) {
    if (deny) {
      errors.push(`${at}.${member}: not supported by this analysis in a deny rule`);
      return undefined;
    }
    warnings.push(`${at}.${member}: not supported by this analysis; this rule allows nothing here`);
    peers = { type: 'unsupported', member };
  }
  const hasPorts = Array.isArray(raw.toPorts) && raw.toPorts.length > 0;
  const hasIcmps = Array.isArray(raw.icmps) && raw.icmps.length > 0;
  if (hasPorts && hasIcmps) errors.push(`${at}: the icmps block may only be present without toPorts`);
  if (member === 'toServices' && hasPorts) errors.push(`${at}: combining toServices and toPorts is not supported`);
  const toPorts = hasPorts ? readPortRules(raw.toPorts, `${at}.toPorts`, deny, direction === 'ingress', errors, warnings) : undefined;
  let unsupported: string | undefined;
  if (!deny && isObject(raw.authentication) && raw.authentication.mode !== undefined && raw.authentication.mode !== 'disabled') {
    unsupported = `mutual authentication (${String(raw.authentication.mode)})`;
    warnings.push(`${at}.authentication: not supported by this analysis; this rule allows nothing here`);
  }
  return { index, peers, ...(toPorts ? { toPorts } : {}), icmpOnly: !hasPorts && hasIcmps, ...(unsupported ? { unsupported } : {}) };
}

function readRules(
  raw: unknown,
  at: string,
  direction: 'ingress' | 'egress',
  deny: boolean,
  namespace: string | undefined,
  errors: string[],
  warnings: string[],
): CiliumRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    errors.push(`${at}: must be a list`);
    return [];
  }
  const out: CiliumRule[] = [];
  raw.forEach((r, i) => {
    const rule = readRule(r, `${at}[${i}]`, direction, deny, namespace, i, errors, warnings);
    if (rule !== undefined) out.push(rule);
  });
  return out;
}

function readSpec(
  raw: unknown,
  index: number,
  at: string,
  namespace: string | undefined,
  errors: string[],
  warnings: string[],
): CiliumSpec | undefined {
  if (!isObject(raw)) {
    errors.push(`${at}: must be an object`);
    return undefined;
  }
  const hasEndpoint = raw.endpointSelector !== undefined && raw.endpointSelector !== null;
  const hasNode = raw.nodeSelector !== undefined && raw.nodeSelector !== null;
  if (hasEndpoint === hasNode) {
    errors.push(`${at}: a rule must have exactly one of endpointSelector or nodeSelector`);
    return undefined;
  }
  const ingress = readRules(raw.ingress, `${at}.ingress`, 'ingress', false, namespace, errors, warnings);
  const ingressDeny = readRules(raw.ingressDeny, `${at}.ingressDeny`, 'ingress', true, namespace, errors, warnings);
  const egress = readRules(raw.egress, `${at}.egress`, 'egress', false, namespace, errors, warnings);
  const egressDeny = readRules(raw.egressDeny, `${at}.egressDeny`, 'egress', true, namespace, errors, warnings);
  const rawCount = (k: string) => (Array.isArray(raw[k]) ? (raw[k] as unknown[]).length : 0);
  const explicit = isObject(raw.enableDefaultDeny) ? raw.enableDefaultDeny : {};
  const flag = (v: unknown, fallback: boolean, where: string): boolean => {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') {
      errors.push(`${at}.enableDefaultDeny.${where}: must be a boolean`);
      return fallback;
    }
    return v;
  };
  const defaultDenyIngress = flag(explicit.ingress, rawCount('ingress') > 0 || rawCount('ingressDeny') > 0, 'ingress');
  const defaultDenyEgress = flag(explicit.egress, rawCount('egress') > 0 || rawCount('egressDeny') > 0, 'egress');
  if (rawCount('ingress') + rawCount('ingressDeny') + rawCount('egress') + rawCount('egressDeny') === 0) {
    errors.push(`${at}: a rule must have at least one of ingress, ingressDeny, egress, egressDeny`);
  }
  if (hasNode) {
    warnings.push(`${at}: host policy (nodeSelector) applies to nodes, not pods; not analysed`);
    return { index, nodePolicy: true, ingress, ingressDeny, egress, egressDeny, defaultDenyIngress, defaultDenyEgress };
  }
  const endpointSelector = subjectSelector(toSelector(raw.endpointSelector, `${at}.endpointSelector`, errors), namespace);
  return { index, endpointSelector, nodePolicy: false, ingress, ingressDeny, egress, egressDeny, defaultDenyIngress, defaultDenyEgress };
}

/** Reads a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy; errors make the object invalid. */
export function readCiliumPolicy(obj: Record<string, unknown>, origin?: Origin): ReadResult<CiliumPolicy> & { warnings?: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const kind = obj.kind as CiliumPolicy['kind'];
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const clusterwide = kind === 'CiliumClusterwideNetworkPolicy';
  const namespace = clusterwide ? undefined : typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const where = `${kind} ${namespace === undefined ? '' : `${namespace}/`}${name || '<unnamed>'}`;
  if (name === '') errors.push(`${where}: metadata.name is required`);
  const specs: CiliumSpec[] = [];
  const rawSpecs: unknown[] = [];
  if (obj.spec !== undefined && obj.spec !== null) rawSpecs.push(obj.spec);
  if (Array.isArray(obj.specs)) rawSpecs.push(...obj.specs);
  if (rawSpecs.length === 0) errors.push(`${where}: spec or specs is required`);
  rawSpecs.forEach((s, i) => {
    const spec = readSpec(s, i, `${where}: ${obj.spec !== undefined && i === 0 ? 'spec' : `specs[${obj.spec !== undefined ? i - 1 : i}]`}`, namespace, errors, warnings);
    if (spec !== undefined) specs.push(spec);
  });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { kind, ...(namespace !== undefined ? { namespace } : {}), name, specs, ...(origin ? { origin } : {}) },
    warnings,
  };
}
