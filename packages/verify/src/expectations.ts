import { cidrContains, parseCidr, type Cidr } from '@ztp/model';
import type { BundleManifest, FlowFrom, ManifestFlow } from './bundle-manifest.ts';
import type { PodPeer } from './synthesize.ts';

/** A caller: a pod the verifier placed, or an address outside the cluster. */
export type Caller = PodPeer | { readonly kind: 'external'; readonly ip: string };

/** An HTTP request used to probe a flow's HTTP rules. */
export interface ProbeRequest {
  readonly method: string;
  readonly path: string;
}

function ipCidr(ip: string): Cidr | undefined {
  return parseCidr(ip.includes(':') ? `${ip}/128` : `${ip}/32`);
}

/** Whether `ip` lies in `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  const outer = parseCidr(cidr);
  const inner = ipCidr(ip);
  return outer !== undefined && inner !== undefined && cidrContains(outer, inner);
}

function callerMatches(from: FlowFrom, c: Caller): boolean {
  if ('workload' in from) return c.kind === 'workload' && c.workload === from.workload;
  // every pod of the namespace: the cluster DNS and istiod too, when a flow admits theirs
  if ('namespace' in from) return c.kind !== 'external' && c.namespace === from.namespace;
  return c.kind === 'external' && inBlock(c.ip, from.cidr, from.except ?? []);
}

/** Whether `ip` lies in `cidr` and in none of `except` (an ipBlock's meaning). */
export function inBlock(ip: string, cidr: string, except: readonly string[]): boolean {
  return inCidr(ip, cidr) && !except.some((x) => inCidr(ip, x));
}

function methodMatches(rule: { methods?: readonly string[] }, method: string): boolean {
  return rule.methods === undefined || rule.methods.includes(method);
}

/** Whether a request's path (its query string aside: rules name paths) is one a rule admits. */
function pathMatches(rule: { paths?: readonly string[] }, requestPath: string): boolean {
  const q = requestPath.indexOf('?');
  const path = q === -1 ? requestPath : requestPath.slice(0, q);
  return rule.paths === undefined || rule.paths.some((p) => (p.endsWith('/*') ? path.startsWith(p.slice(0, -1)) : path === p));
}

/** The flows of each manifest's intent by destination and port (`dest|protocol/port`), in declaration order. */
const flowIndex = new WeakMap<readonly ManifestFlow[], Map<string, ManifestFlow[]>>();

/** The declared flows to `dest` on `protocol/port`, whoever their caller. */
export function flowsToPort(m: BundleManifest, dest: string, protocol: string, port: number): ManifestFlow[] {
  // asked for every caller, destination and port: an index instead of a pass over every flow
  let index = flowIndex.get(m.intent.flows);
  if (index === undefined) {
    index = new Map();
    for (const f of m.intent.flows) {
      for (const key of new Set(f.ports.map((p) => `${f.to}|${p.protocol}/${p.port}`))) {
        const list = index.get(key);
        if (list === undefined) index.set(key, [f]);
        else list.push(f);
      }
    }
    flowIndex.set(m.intent.flows, index);
  }
  return [...(index.get(`${dest}|${protocol}/${port}`) ?? [])];
}

/** The declared flows that admit `caller` to `dest` on `protocol/port`. */
export function matchingFlows(m: BundleManifest, caller: Caller, dest: string, protocol: string, port: number): ManifestFlow[] {
  return flowsToPort(m, dest, protocol, port).filter((f) => callerMatches(f.from, caller));
}

/**
 * What the intent says about a connection, and about a request on it: allowed when a declared
 * flow admits the caller on that port, and (for flows with HTTP rules) the request matches one of
 * them. An L4 flow admits every request.
 */
export function intendedAllowed(m: BundleManifest, caller: Caller, dest: string, protocol: string, port: number, request?: ProbeRequest, layer: Layer = 'all'): boolean {
  const flows = matchingFlows(m, caller, dest, protocol, port);
  if (flows.length === 0) return false;
  if (flows.some((f) => f.http === undefined)) return true;
  if (request === undefined) return true;
  // A layer that does not enforce a flow's HTTP rules admits every request of an admitted caller.
  if (layer === 'network' && flows.some((f) => f.l7 !== 'cilium')) return true;
  if (layer === 'mesh' && flows.some((f) => f.l7 !== 'istio')) return true;
  return flows.some((f) => (f.http ?? []).some((r) => methodMatches(r, request.method) && pathMatches(r, request.path)));
}

/**
 * Which part of the bundle a check looks at: `all` is what a client experiences; `network`
 * (NetworkPolicy and Cilium) and `mesh` (Istio) must each hold on their own, so that a hole in one
 * layer is found even when the other hides it (defense in depth).
 */
export type Layer = 'all' | 'network' | 'mesh';

/** Every method a request may carry in a probe (the model's, and HEAD and OPTIONS). */
const PROBE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Requests that probe a set of HTTP rules: every method and every path each rule admits, and ones
 * just outside it: every other method, a path outside every rule, and next to each path the ones a
 * slightly wider rule would admit (`/api/*` without its slash, `/api/`; an exact path with a
 * suffix or a subpath).
 */
export function probeRequests(flows: readonly ManifestFlow[]): ProbeRequest[] {
  const out: ProbeRequest[] = [];
  for (const f of flows) {
    for (const r of f.http ?? []) {
      const methods = r.methods ?? ['GET'];
      const paths = (r.paths ?? ['/']).map((p) => (p.endsWith('/*') ? `${p.slice(0, -1)}ztp-probe` : p));
      const method = methods[0]!;
      const path = paths[0]!;
      for (const m of methods) out.push({ method: m, path });
      for (const p of paths) out.push({ method, path: p });
      // outside the rule: another path, every other method, and the neighbours of each path
      out.push({ method, path: '/ztp-verify-forbidden' });
      if (r.methods !== undefined) for (const m of PROBE_METHODS) if (!r.methods.includes(m)) out.push({ method: m, path });
      for (const p of r.paths ?? []) {
        if (p.endsWith('/*')) {
          const prefix = p.slice(0, -2);
          out.push({ method, path: `${prefix}ztp-probe` }, { method, path: prefix === '' ? '/' : prefix });
        } else {
          out.push({ method, path: `${p}ztp-probe` }, { method, path: `${p.endsWith('/') ? p : `${p}/`}ztp-probe` });
        }
      }
    }
  }
  return distinctRequests(out);
}

/** Requests without repeats, in their order. */
export function distinctRequests(requests: readonly ProbeRequest[]): ProbeRequest[] {
  const seen = new Set<string>();
  return requests.filter((q) => (seen.has(`${q.method} ${q.path}`) ? false : (seen.add(`${q.method} ${q.path}`), true)));
}

/** Whether the intent lets a managed caller reach an external address. */
export function intendedEgressToIp(m: BundleManifest, caller: Caller, ip: string, protocol: string, port: number): boolean {
  return m.intent.egress.some(
    (e) =>
      'cidr' in e.to &&
      callerOwnsEgress(e.from, caller) &&
      inBlock(ip, e.to.cidr, e.to.except) &&
      e.ports.some((p) => p.port === port && p.protocol === protocol),
  );
}

/**
 * Whether a declared DNS name covers `fqdn`: exactly, or, for `*.suffix`, one more DNS label in
 * front of the suffix (as Cilium's `matchPattern` reads `*.`: `a.suffix`, not `a.b.suffix`).
 */
export function fqdnCovers(declared: string, fqdn: string): boolean {
  if (!declared.startsWith('*.')) return fqdn === declared;
  const suffix = declared.slice(1);
  if (!fqdn.endsWith(suffix)) return false;
  const label = fqdn.slice(0, -suffix.length);
  return label !== '' && !label.includes('.');
}

/**
 * Whether the intent lets a managed caller reach a DNS name that resolves to `ip`: a declared name
 * covers it, or (policies match addresses, not names) a declared address range covers `ip`.
 */
export function intendedEgressToFqdn(m: BundleManifest, caller: Caller, fqdn: string, ip: string, protocol: string, port: number): boolean {
  return (
    m.intent.egress.some((e) => 'fqdn' in e.to && callerOwnsEgress(e.from, caller) && fqdnCovers(e.to.fqdn, fqdn) && e.ports.some((p) => p.port === port && p.protocol === protocol)) ||
    intendedEgressToIp(m, caller, ip, protocol, port)
  );
}

/**
 * The addresses the proof lets its `count` DNS names resolve to, one each: a connection carries
 * no name, and Cilium allows the addresses a declared name resolved to for every connection, so
 * a name is only judged by the name rules when no other probed name shares its address. They
 * lie outside every declared egress range and the cluster's own where possible (otherwise
 * `intendedEgressToFqdn` counts the range that covers them).
 */
export function fqdnProbeAddresses(m: BundleManifest, count: number): string[] {
  const ranges = [...m.intent.egress.flatMap((e) => ('cidr' in e.to ? [e.to] : [])), ...(m.clusterCidrs ?? []).map((cidr) => ({ cidr, except: [] as string[] }))];
  const candidates = FQDN_PROBE_NETS.flatMap((net) => Array.from({ length: 254 }, (_, i) => `${net}.${((i + 52) % 254) + 1}`));
  const outside = candidates.filter((ip) => !ranges.some((r) => inBlock(ip, r.cidr, r.except)));
  const pool = outside.length >= count ? outside : [...outside, ...candidates.filter((ip) => !outside.includes(ip))];
  if (pool.length < count) throw new Error(`the proof probes ${count} DNS names, more than the ${pool.length} addresses it has for them`);
  return pool.slice(0, count);
}

/** Candidates for `fqdnProbeAddresses`: documentation and benchmarking ranges (RFC 5737, 2544), rarely in a declared egress. */
const FQDN_PROBE_NETS = ['192.0.2', '198.18.0', '198.51.100', '203.0.113', '240.0.0'];

function callerOwnsEgress(from: { workload: string } | { namespace: string }, c: Caller): boolean {
  if (c.kind === 'external') return false;
  return 'workload' in from ? c.kind === 'workload' && c.workload === from.workload : c.namespace === from.namespace && (c.kind === 'workload' || c.kind === 'rogue');
}

/** Addresses on the internet no flow or egress should cover (documentation ranges). */
export const PUBLIC_PROBE_IPS = ['198.51.100.200', '203.0.113.77', '192.0.2.55'];

/**
 * The addresses outside the cluster the proof calls from: one of each declared caller range
 * outside its `except` and the cluster's own ranges (an address there is a pod's, not an external
 * caller's), one of each range excepted from it (the cluster's own, with cni 'kubernetes'), and one
 * outside every declared range.
 */
export function externalCallerAddresses(m: BundleManifest): string[] {
  const ips = new Set<string>();
  const cluster = m.clusterCidrs ?? [];
  for (const f of m.intent.flows) if ('cidr' in f.from) {
    const except = f.from.except ?? [];
    const ip = sampleAddress(f.from.cidr, [...except, ...cluster]);
    if (ip) ips.add(ip);
    for (const x of except) {
      const excluded = sampleAddress(x, []);
      if (excluded) ips.add(excluded);
    }
  }
  const outside = PUBLIC_PROBE_IPS.find((ip) => !m.intent.flows.some((f) => 'cidr' in f.from && inCidr(ip, f.from.cidr)));
  if (outside) ips.add(outside);
  return [...ips];
}

/**
 * The external addresses the proof sends managed pods' egress to: an address nobody declared, one
 * of each declared destination range outside its `except` and the cluster's own ranges, and one of
 * each range excepted from it.
 */
export function egressProbeAddresses(m: BundleManifest): string[] {
  const ips = new Set<string>(PUBLIC_PROBE_IPS.slice(0, 1));
  const cluster = m.clusterCidrs ?? [];
  for (const e of m.intent.egress) if ('cidr' in e.to) {
    const inside = sampleAddress(e.to.cidr, [...e.to.except, ...cluster]);
    if (inside) ips.add(inside);
    for (const x of e.to.except) {
      const excluded = sampleAddress(x, []);
      if (excluded) ips.add(excluded);
    }
  }
  return [...ips];
}

/**
 * Distinct pod addresses: the IPv4 ranges of `clusterCidrs` in turn (the first usable address of
 * each, then the second of each, ...), so that pods, undeclared ones among them, sit in every range
 * and an ipBlock that fails to except any one of them admits some; never the network or broadcast
 * address, and never one of `reserved` (the external addresses the proof probes, so that an
 * address names one end only). Nothing without an IPv4 cluster range.
 */
export function* podAddresses(clusterCidrs: readonly string[], reserved: ReadonlySet<string>): Generator<string, void, undefined> {
  const ranges = clusterCidrs.flatMap((text) => {
    const c = parseCidr(text);
    return c === undefined || c.family !== 4 || c.prefix > 30 ? [] : [{ network: c.network, last: (1n << BigInt(32 - c.prefix)) - 2n }];
  });
  const most = ranges.reduce((m, r) => (r.last > m ? r.last : m), 0n);
  for (let o = 1n; o <= most; o++) {
    for (const r of ranges) {
      if (o > r.last) continue;
      const ip = format(4, r.network + o);
      if (!reserved.has(ip)) yield ip;
    }
  }
}

/** An address in `cidr` outside every `except`, preferring ones that are not the network address. */
export function sampleAddress(cidr: string, except: readonly string[]): string | undefined {
  const c = parseCidr(cidr);
  if (c === undefined) return undefined;
  const bits = c.family === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - c.prefix);
  const candidates = [1n, size / 2n + 1n, size - 2n, size / 4n + 3n, (size * 3n) / 4n + 5n, 0n].filter((o) => o >= 0n && o < size);
  for (const o of candidates) {
    const ip = format(c.family, c.network + o);
    if (!except.some((x) => inCidr(ip, x))) return ip;
  }
  return undefined;
}

function format(family: 4 | 6, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((v >> s) & 0xffffn).toString(16));
  return groups.join(':');
}
