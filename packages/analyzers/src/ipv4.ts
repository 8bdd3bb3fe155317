/**
 * IPv4 addresses as numbers (0 .. 2^32-1) and closed address ranges. Both analyzers compared
 * here list external peers as IPv4 ranges only (netpol-analyzer v1.4.4 has no IPv6), so the
 * common model is IPv4; IPv6 input is refused by the cross-check rather than ignored.
 */

/** The largest IPv4 address as a number. */
export const MAX_IPV4 = 0xffffffff;

/** A closed range of IPv4 addresses. */
export interface Ipv4Range {
  readonly start: number;
  readonly end: number;
}

/** Parses dotted-quad IPv4 (`10.0.0.1`); undefined when `text` is not one. */
export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return undefined;
  let value = 0;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Formats a number as dotted-quad IPv4. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses an IPv4 CIDR (`10.0.0.0/8`; host bits are ignored as Kubernetes does) into its range. */
export function parseCidr4(text: string): Ipv4Range | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (m === null) return undefined;
  const address = parseIpv4(m[1]!);
  const bits = Number(m[2]);
  if (address === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const start = Math.floor(address / size) * size;
  return { start, end: start + size - 1 };
}

/** Parses `a.b.c.d-e.f.g.h` (netpol-analyzer's spelling of an external range). */
export function parseRange4(text: string): Ipv4Range | undefined {
  const m = /^([\d.]+)-([\d.]+)$/.exec(text);
  if (m === null) return undefined;
  const start = parseIpv4(m[1]!);
  const end = parseIpv4(m[2]!);
  if (start === undefined || end === undefined || start > end) return undefined;
  return { start, end };
}

/** `a.b.c.d-e.f.g.h`, as netpol-analyzer prints a range (also for a single address). */
export function formatRange4(range: Ipv4Range): string {
  return `${formatIpv4(range.start)}-${formatIpv4(range.end)}`;
}

/** True when `text` looks like an IPv6 address or CIDR. */
export function isIpv6Text(text: string): boolean {
  return text.includes(':');
}
