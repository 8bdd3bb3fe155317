/**
 * IPv4 and IPv6 addresses, CIDRs and sets of address ranges, as exact integer intervals.
 *
 * Addresses of both families are held as `bigint` values inside their own family: an IPv4
 * address is in [0, 2^32-1], an IPv6 address in [0, 2^128-1]. The two families never mix.
 */

/** An IP family: 4 or 6. */
export type IpFamily = 4 | 6;

/** One IP address. */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** A closed interval of addresses of one family. */
export interface IpRange {
  readonly family: IpFamily;
  readonly start: bigint;
  readonly end: bigint;
}

/** The largest address of a family. */
export function maxAddress(family: IpFamily): bigint {
  return family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
}

function bits(family: IpFamily): bigint {
  return family === 4 ? 32n : 128n;
}

function parseIpv4Value(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6Value(text: string): bigint | undefined {
  if (text.length === 0 || text.includes('%')) return undefined;
  let head = text;
  let tail: bigint[] = [];
  // an embedded dotted IPv4 address at the end counts as two groups
  const lastColon = head.lastIndexOf(':');
  if (lastColon >= 0 && head.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4Value(head.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = head.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const doubleColon = head.indexOf('::');
  if (doubleColon !== head.lastIndexOf('::')) return undefined;
  const parseGroups = (s: string): bigint[] | undefined => {
    if (s === '') return [];
    const groups: bigint[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      groups.push(BigInt(`0x${g}`));
    }
    return groups;
  };
  let groups: bigint[];
  if (doubleColon >= 0) {
    const left = parseGroups(head.slice(0, doubleColon));
    const right = parseGroups(head.slice(doubleColon + 2));
    if (left === undefined || right === undefined) return undefined;
    const missing = 8 - (left.length + right.length + tail.length);
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<bigint>(missing).fill(0n), ...right, ...tail];
  } else {
    const all = parseGroups(head);
    if (all === undefined) return undefined;
    groups = [...all, ...tail];
    if (groups.length !== 8) return undefined;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | g;
  return value;
}

/** Parses an IPv4 or IPv6 address; returns undefined when `text` is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6Value(trimmed);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4Value(trimmed);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * Why an address or CIDR as written is read differently by different dataplanes, or `undefined`.
 * IPv4 parts or a prefix length with a leading zero (`010.0.0.0/8`): decimal to Kubernetes'
 * lenient parser, refused by Go's `net` and `netip`, octal to C's `inet_aton`. IPv4-mapped IPv6
 * (`::ffff:10.0.0.0/104`): an IPv4 range to Go's `net` (kube-network-policies), an IPv6 one to
 * `netip`. The analysis refuses such text rather than pick one reading.
 */
export function ambiguousIpProblem(text: string): string | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefix = slash < 0 ? undefined : text.slice(slash + 1);
  const dotted = address.slice(address.lastIndexOf(':') + 1);
  if (dotted.includes('.') && dotted.split('.').some((p) => p.length > 1 && p.startsWith('0'))) return `"${text}" has an IPv4 part with a leading zero, which dataplanes read differently (decimal, octal or not at all); write it without`;
  if (prefix !== undefined && prefix.length > 1 && prefix.startsWith('0')) return `"${text}" has a prefix length with a leading zero, which dataplanes read differently; write it without`;
  const ip = parseIp(address);
  // a range is IPv4-mapped when its masked start is (Go's net masks before it looks): ::ffff:0:0/80 is ::/80
  const masked = prefix === undefined ? ip : parseCidr(text) === undefined || Number(prefix) < 96 ? undefined : { family: 6 as const, value: parseCidr(text)!.start };
  if (ip !== undefined && ip.family === 6 && masked !== undefined && masked.value >> 32n === 0xffffn) {
    const v4 = formatIp({ family: 4, value: ip.value & 0xffffffffn });
    const bits = prefix === undefined ? '' : `/${Math.max(0, Number(prefix) - 96)}`;
    return `"${text}" is an IPv4-mapped IPv6 ${prefix === undefined ? 'address' : 'range'}, which dataplanes read differently (as ${v4}${bits}, or as IPv6 only); write the IPv4 form`;
  }
  return undefined;
}

/** Parses a CIDR (`10.0.0.0/8`, `2001:db8::/32`) into its address range; host bits are ignored. */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIp(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === undefined || !/^[0-9]{1,3}$/.test(lengthText)) return undefined;
  const prefix = BigInt(Number(lengthText));
  const width = bits(address.family);
  if (prefix > width) return undefined;
  const hostBits = width - prefix;
  const hostMask = (1n << hostBits) - 1n;
  const start = address.value & ~hostMask & maxAddress(address.family);
  return { family: address.family, start, end: start | hostMask };
}

/** Formats an address: dotted quad for IPv4, RFC 5952 compressed form for IPv6. */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) {
    const v = address.value;
    return [24n, 16n, 8n, 0n].map((shift) => String((v >> shift) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address.value >> BigInt(i * 16)) & 0xffffn));
  // longest run of at least two zero groups, leftmost on ties
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** Formats a range as `first-last` (netpol-analyzer's form, also for a single address). */
export function formatIpRange(range: IpRange): string {
  return `${formatIp({ family: range.family, value: range.start })}-${formatIp({ family: range.family, value: range.end })}`;
}

/**
 * A set of addresses: per family, sorted, disjoint, non-adjacent closed intervals.
 * Values are immutable; operations return new sets.
 */
export class IpSet {
  readonly ranges: readonly IpRange[];

  private constructor(ranges: readonly IpRange[]) {
    this.ranges = ranges;
  }

  /** The empty set. */
  static empty(): IpSet {
    return new IpSet([]);
  }

  /** Every address of the given family. */
  static all(family: IpFamily): IpSet {
    return new IpSet([{ family, start: 0n, end: maxAddress(family) }]);
  }

  /** Builds a canonical set from any ranges (overlapping or adjacent ones are merged). */
  static of(ranges: readonly IpRange[]): IpSet {
    const sorted = [...ranges].sort((a, b) =>
      a.family !== b.family ? a.family - b.family : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
    );
    const out: IpRange[] = [];
    for (const r of sorted) {
      if (r.start > r.end) continue;
      const last = out[out.length - 1];
      if (last !== undefined && last.family === r.family && r.start <= last.end + 1n) {
        if (r.end > last.end) out[out.length - 1] = { family: last.family, start: last.start, end: r.end };
      } else {
        out.push(r);
      }
    }
    return new IpSet(out);
  }

  /** True when the set has no address. */
  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** True when `address` is in the set (binary search). */
  contains(address: IpAddress): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid]!;
      if (r.family < address.family || (r.family === address.family && r.end < address.value)) lo = mid + 1;
      else if (r.family > address.family || r.start > address.value) hi = mid - 1;
      else return true;
    }
    return false;
  }

  /** The union of two sets. */
  union(other: IpSet): IpSet {
    return IpSet.of([...this.ranges, ...other.ranges]);
  }

  /** The addresses of this set that are not in `other`. */
  subtract(other: IpSet): IpSet {
    const out: IpRange[] = [];
    for (const r of this.ranges) {
      let pieces: IpRange[] = [r];
      for (const o of other.ranges) {
        if (o.family !== r.family) continue;
        const next: IpRange[] = [];
        for (const p of pieces) {
          if (o.end < p.start || o.start > p.end) {
            next.push(p);
            continue;
          }
          if (o.start > p.start) next.push({ family: p.family, start: p.start, end: o.start - 1n });
          if (o.end < p.end) next.push({ family: p.family, start: o.end + 1n, end: p.end });
        }
        pieces = next;
      }
      out.push(...pieces);
    }
    return IpSet.of(out);
  }

  /** True when every address of this set is in `other`. */
  isSubsetOf(other: IpSet): boolean {
    return this.subtract(other).isEmpty();
  }

  /** The families present in the set. */
  families(): IpFamily[] {
    return [...new Set(this.ranges.map((r) => r.family))];
  }
}

/**
 * The coarsest partition of each family's whole address space into intervals such that every
 * given range is a union of parts (netpol-analyzer's "disjoint IP blocks").
 */
export function disjointRanges(ranges: readonly IpRange[], families: readonly IpFamily[]): IpRange[] {
  const out: IpRange[] = [];
  for (const family of families) {
    const cuts = new Set<bigint>([0n]);
    const max = maxAddress(family);
    for (const r of ranges) {
      if (r.family !== family) continue;
      cuts.add(r.start);
      if (r.end < max) cuts.add(r.end + 1n);
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      const start = sorted[i]!;
      const next = sorted[i + 1];
      out.push({ family, start, end: next === undefined ? max : next - 1n });
    }
  }
  return out;
}
