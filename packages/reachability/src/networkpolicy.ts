/**
 * Reading NetworkPolicy (networking.k8s.io/v1) manifests with the API server's defaulting and
 * validation (ValidateNetworkPolicySpec): policyTypes defaults, peers, ipBlocks, ports.
 */
import { ambiguousIpProblem, parseCidr, IpSet } from './ip.ts';
import type { NetworkPolicy, Origin, PolicyPeer, PolicyPort, PolicyRule } from './model.ts';
import { isProtocol, MAX_PORT, MIN_PORT } from './ports.ts';
import type { Protocol } from './ports.ts';
import { readSelector } from './selectors.ts';

/** The outcome of reading one manifest object: a value, or the reasons it is invalid. */
export type ReadResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: string[] };

/** IANA_SVC_NAME, the form of a named port: 1-15 of [a-z0-9-], a letter, no `--`, no leading/trailing `-`. */
export function isValidPortName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) &&
    !name.includes('--') &&
    /[a-z]/.test(name)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readPort(raw: unknown, at: string, errors: string[]): PolicyPort | undefined {
  if (!isObject(raw)) {
    errors.push(`${at}: must be an object`);
    return undefined;
  }
  let protocol: Protocol = 'TCP';
  if (raw.protocol !== undefined && raw.protocol !== null && raw.protocol !== '') {
    if (!isProtocol(raw.protocol)) {
      errors.push(`${at}.protocol: "${String(raw.protocol)}" is not TCP, UDP or SCTP`);
      return undefined;
    }
    protocol = raw.protocol;
  }
  const port = raw.port;
  const endPort = raw.endPort;
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null) {
      errors.push(`${at}.endPort: may not be specified when port is not specified`);
      return undefined;
    }
    return { protocol };
  }
  if (typeof port === 'string') {
    if (!isValidPortName(port)) {
      errors.push(`${at}.port: "${port}" is not a valid port name (IANA_SVC_NAME) nor a number`);
      return undefined;
    }
    if (endPort !== undefined && endPort !== null) {
      errors.push(`${at}.endPort: may not be specified when port is non-numerical`);
      return undefined;
    }
    return { protocol, port };
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    errors.push(`${at}.port: ${JSON.stringify(port)} is not a port number 1-65535`);
    return undefined;
  }
  if (endPort === undefined || endPort === null) return { protocol, port };
  if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort > MAX_PORT || endPort < port) {
    errors.push(`${at}.endPort: ${JSON.stringify(endPort)} must be a number from port (${port}) to 65535`);
    return undefined;
  }
  return { protocol, port, endPort };
}

function readPeer(raw: unknown, at: string, errors: string[]): PolicyPeer | undefined {
  if (!isObject(raw)) {
    errors.push(`${at}: must be an object`);
    return undefined;
  }
  const has = (k: string): boolean => raw[k] !== undefined && raw[k] !== null;
  const count = ['podSelector', 'namespaceSelector', 'ipBlock'].filter(has).length;
  if (count === 0) {
    errors.push(`${at}: must specify a peer (podSelector, namespaceSelector or ipBlock)`);
    return undefined;
  }
  if (has('ipBlock')) {
    if (count > 1) {
      errors.push(`${at}: may not specify both ipBlock and another peer`);
      return undefined;
    }
    const block = raw.ipBlock;
    if (!isObject(block) || typeof block.cidr !== 'string') {
      errors.push(`${at}.ipBlock.cidr: required`);
      return undefined;
    }
    const cidr = parseCidr(block.cidr);
    const ambiguous = ambiguousIpProblem(block.cidr);
    if (ambiguous !== undefined) {
      errors.push(`${at}.ipBlock.cidr: ${ambiguous}`);
      return undefined;
    }
    if (cidr === undefined) {
      errors.push(`${at}.ipBlock.cidr: "${block.cidr}" is not a valid CIDR`);
      return undefined;
    }
    const except: string[] = [];
    const exceptRaw = block.except ?? [];
    if (!Array.isArray(exceptRaw)) {
      errors.push(`${at}.ipBlock.except: must be a list`);
      return undefined;
    }
    const whole = IpSet.of([cidr]);
    for (const [i, e] of exceptRaw.entries()) {
      const range = typeof e === 'string' ? parseCidr(e) : undefined;
      const ambiguousExcept = typeof e === 'string' ? ambiguousIpProblem(e) : undefined;
      if (ambiguousExcept !== undefined) {
        errors.push(`${at}.ipBlock.except[${i}]: ${ambiguousExcept}`);
        return undefined;
      }
      if (range === undefined) {
        errors.push(`${at}.ipBlock.except[${i}]: "${String(e)}" is not a valid CIDR`);
        return undefined;
      }
      const part = IpSet.of([range]);
      if (!part.isSubsetOf(whole) || whole.isSubsetOf(part)) {
        errors.push(`${at}.ipBlock.except[${i}]: "${e}" must be a strict subset of cidr "${block.cidr}"`);
        return undefined;
      }
      except.push(e as string);
    }
    return { type: 'ipBlock', cidr: block.cidr, except };
  }
  const peer: { type: 'selector'; podSelector?: ReturnType<typeof readSelector>['selector']; namespaceSelector?: ReturnType<typeof readSelector>['selector'] } = {
    type: 'selector',
  };
  if (has('podSelector')) {
    const r = readSelector(raw.podSelector, `${at}.podSelector`);
    errors.push(...r.errors);
    peer.podSelector = r.selector;
  }
  if (has('namespaceSelector')) {
    const r = readSelector(raw.namespaceSelector, `${at}.namespaceSelector`);
    errors.push(...r.errors);
    peer.namespaceSelector = r.selector;
  }
  return peer;
}

function readRule(raw: unknown, at: string, peersField: 'from' | 'to', errors: string[]): PolicyRule | undefined {
  if (raw === null || raw === undefined) return { peers: 'all', ports: 'all' };
  if (!isObject(raw)) {
    errors.push(`${at}: must be an object`);
    return undefined;
  }
  const rawPeers = raw[peersField];
  const rawPorts = raw.ports;
  let peers: PolicyPeer[] | 'all' = 'all';
  if (rawPeers !== undefined && rawPeers !== null) {
    if (!Array.isArray(rawPeers)) errors.push(`${at}.${peersField}: must be a list`);
    else if (rawPeers.length > 0) {
      peers = [];
      for (const [i, p] of rawPeers.entries()) {
        const peer = readPeer(p, `${at}.${peersField}[${i}]`, errors);
        if (peer !== undefined) peers.push(peer);
      }
    }
  }
  let ports: PolicyPort[] | 'all' = 'all';
  if (rawPorts !== undefined && rawPorts !== null) {
    if (!Array.isArray(rawPorts)) errors.push(`${at}.ports: must be a list`);
    else if (rawPorts.length > 0) {
      ports = [];
      for (const [i, p] of rawPorts.entries()) {
        const port = readPort(p, `${at}.ports[${i}]`, errors);
        if (port !== undefined) ports.push(port);
      }
    }
  }
  return { peers, ports };
}

function readRules(raw: unknown, at: string, peersField: 'from' | 'to', errors: string[]): PolicyRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    errors.push(`${at}: must be a list`);
    return [];
  }
  const rules: PolicyRule[] = [];
  for (const [i, r] of raw.entries()) {
    const rule = readRule(r, `${at}[${i}]`, peersField, errors);
    if (rule !== undefined) rules.push(rule);
  }
  return rules;
}

/**
 * Reads a NetworkPolicy object. Namespace defaults to `default`; policyTypes default to
 * `[Ingress]` plus `Egress` when egress rules are present (SetDefaults_NetworkPolicySpec).
 * Any validation error makes the whole policy invalid (the API server would reject it).
 */
export function readNetworkPolicy(obj: Record<string, unknown>, origin?: Origin): ReadResult<NetworkPolicy> {
  const errors: string[] = [];
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const where = `NetworkPolicy ${namespace}/${name || '<unnamed>'}`;
  if (name === '') errors.push(`${where}: metadata.name is required`);
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  if (spec === undefined) {
    errors.push(`${where}: spec is required`);
    return { ok: false, errors };
  }
  const pod = readSelector(spec.podSelector, `${where}: spec.podSelector`);
  errors.push(...pod.errors);
  const ingress = readRules(spec.ingress, `${where}: spec.ingress`, 'from', errors);
  const egress = readRules(spec.egress, `${where}: spec.egress`, 'to', errors);
  let policyTypes: ('Ingress' | 'Egress')[] = [];
  const rawTypes = spec.policyTypes;
  if (rawTypes !== undefined && rawTypes !== null) {
    if (!Array.isArray(rawTypes)) errors.push(`${where}: spec.policyTypes must be a list`);
    else {
      for (const t of rawTypes) {
        if (t !== 'Ingress' && t !== 'Egress') errors.push(`${where}: spec.policyTypes: unsupported value "${String(t)}"`);
        else if (!policyTypes.includes(t)) policyTypes.push(t);
      }
      if (rawTypes.length > 2) errors.push(`${where}: spec.policyTypes: too many (max 2)`);
    }
  }
  if (policyTypes.length === 0) {
    policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { namespace, name, podSelector: pod.selector, policyTypes, ingress, egress, ...(origin ? { origin } : {}) },
  };
}
