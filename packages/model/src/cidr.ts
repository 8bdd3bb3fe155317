/** A parsed CIDR: address family, network address as a bigint, and prefix length. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  // `::` stands for at least one group of zeros (as Go's net/netip reads it)
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  const groups = halves.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

/**
 * Whether an IPv6 network's address is IPv4-mapped (`::ffff:a.b.c.d`, written in hex as
 * `::ffff:af4:0`): Go's `net` (Kubernetes, kube-network-policies, Calico) reads such a CIDR as the
 * IPv4 range it maps, while Cilium and Envoy read it as IPv6, so one policy would mean two things.
 */
export function isIpv4Mapped(c: Cidr): boolean {
  return c.family === 6 && c.network >> 32n === 0xffffn;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 CIDR; `undefined` when it is not one. Host bits must be zero, the
 * prefix length has no leading zeros, and IPv4-mapped IPv6 networks are refused (see
 * {@link isIpv4Mapped}; {@link cidrProblem} says why).
 */
export function parseCidr(text: string): Cidr | undefined {
  const c = parseAnyCidr(text);
  return c === undefined || isIpv4Mapped(c) ? undefined : c;
}

/**
 * What is wrong with a CIDR, in words, or `undefined` when {@link parseCidr} accepts it.
 * @param example shown when the text is no CIDR at all @default '203.0.113.0/24'
 */
export function cidrProblem(text: string, example = '203.0.113.0/24'): string | undefined {
  const c = parseAnyCidr(text);
  if (c === undefined) return `"${text}" is not a CIDR with zero host bits (e.g. ${example})`;
  if (isIpv4Mapped(c)) {
    return `"${text}" is an IPv4-mapped IPv6 range: Kubernetes and its Go dataplanes read it as the IPv4 range it maps, Cilium and Istio as IPv6, so it would allow different addresses on each; write the IPv4 range in dotted form`;
  }
  return undefined;
}

function parseAnyCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseV4(m[1]);
  const family: 4 | 6 = v4 !== undefined ? 4 : 6;
  const network = v4 ?? parseV6(m[1]);
  const bits = family === 4 ? 32 : 128;
  if (network === undefined || prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((network & hostMask) !== 0n) return undefined;
  return { family, network, prefix };
}

/** Whether `inner` lies within `outer` (same family, longer or equal prefix, same network bits). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

/** A key that is the same for the same range, however it was written (e.g. IPv6 `::/0` and `0::/0`). */
export function cidrKey(c: Cidr): string {
  return `${c.family}|${c.network}|${c.prefix}`;
}

/** Orders CIDRs by family (IPv4 first), network address, then prefix length (shorter first). */
export function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}
