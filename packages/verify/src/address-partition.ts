/**
 * The external addresses at which a bundle's policies can be judged exactly. NetworkPolicy
 * `ipBlock`s, Cilium CIDR rules and Istio `ipBlocks` decide an address only by whether it lies in
 * the ranges they name; within one part of the address space that no named range splits, every
 * address gets the same verdict, so one address of each part stands for all of it.
 */
import { disjointRanges, formatIp, parseCidr, parseIp, type IpFamily, type IpRange } from '@ztp/reachability';
import { forEachPolicyValue } from './policy-values.ts';

/** Every address range the policies among `objects` name (a CIDR, or an address as its /32 or /128), metadata aside. */
export function namedRanges(objects: readonly Record<string, unknown>[]): IpRange[] {
  const out: IpRange[] = [];
  forEachPolicyValue(objects, (v) => {
    const r = typeof v === 'string' ? rangeOf(v) : undefined;
    if (r !== undefined) out.push(r);
  });
  return out;
}

function rangeOf(raw: string): IpRange | undefined {
  // as the readers take it (they trim)
  const text = raw.trim();
  if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(text) || !/[.:]/.test(text)) return undefined;
  if (text.includes('/')) return parseCidr(text);
  const ip = parseIp(text);
  return ip === undefined ? undefined : { family: ip.family, start: ip.value, end: ip.value };
}

/**
 * One address of each part of the address space the `ranges` leave, in both families (Cilium's
 * `world-ipv6` and dual-stack entities tell the families apart without naming a range), outside
 * the cluster's own ranges (an address there is a pod's) and never one of `avoid` (the pods'
 * addresses). A part with no such address has none.
 */
export function representativeAddresses(ranges: readonly IpRange[], cluster: readonly IpRange[], avoid: ReadonlySet<string>): string[] {
  const families: IpFamily[] = [4, 6];
  // the cluster's ranges split the space too, so that no part is half pods, half outside
  const parts = disjointRanges([...ranges, ...cluster], families);
  const out: string[] = [];
  for (const p of parts) {
    if (cluster.some((c) => c.family === p.family && c.start <= p.start && p.end <= c.end)) continue;
    const size = p.end - p.start + 1n;
    // not the first address where there is another (a network address reads oddly), then any
    const candidates = [p.start + 1n, p.start + size / 2n, p.end, p.start].filter((v) => v >= p.start && v <= p.end);
    const ip = candidates.map((value) => formatIp({ family: p.family, value })).find((a) => !avoid.has(a));
    if (ip !== undefined) out.push(ip);
  }
  return out;
}
