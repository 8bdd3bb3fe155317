/**
 * Istio's value matching: exact, prefix (`abc*`), suffix (`*abc`) and presence (`*`, any
 * non-empty value); path templates `{*}` (one segment) and `{**}` (the rest of the path);
 * IPs and CIDRs; three-valued logic for attributes this analysis cannot know.
 */
import { parseCidr, parseIp } from '../ip.ts';
import type { IpAddress } from '../ip.ts';
import { and, not, or } from '../tri.ts';
import type { Tri } from '../tri.ts';

export { and, not, or };
export type { Tri };

/** Istio string matching of one pattern against a value (`undefined`: attribute absent). */
export function matchString(pattern: string, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined || value === '') return false;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (p === '*') return true;
  if (p.length > 1 && p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  if (p.length > 1 && p.startsWith('*')) return v.endsWith(p.slice(1));
  return p === v;
}

/** Istio path matching: string matching, or a `{*}` / `{**}` template; the query string is ignored. */
export function matchPath(pattern: string, path: string): boolean {
  const bare = path.split('?')[0]!.split('#')[0]!;
  if (pattern.includes('{*}') || pattern.includes('{**}')) {
    const re = pattern
      .split(/(\{\*\*\}|\{\*\})/)
      .map((part) => (part === '{**}' ? '.*' : part === '{*}' ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\*]/g, '\\$&')))
      .join('');
    return new RegExp(`^${re}$`).test(bare);
  }
  return matchString(pattern, bare);
}

/** Whether an address is in an IP or CIDR value (`unknown` when the address is not known). */
export function matchIp(value: string, ip: IpAddress | undefined): Tri {
  if (ip === undefined) return 'unknown';
  const range = value.includes('/') ? parseCidr(value) : undefined;
  if (range !== undefined) return range.family === ip.family && ip.value >= range.start && ip.value <= range.end;
  const single = parseIp(value);
  return single !== undefined && single.family === ip.family && single.value === ip.value;
}

/** `values` (any) and `notValues` (none) of a field, with a per-value matcher. */
export function matchField(field: { values: readonly string[]; notValues: readonly string[] }, test: (v: string) => Tri): Tri {
  const parts: Tri[] = [];
  if (field.values.length > 0) parts.push(or(field.values.map(test)));
  if (field.notValues.length > 0) parts.push(not(or(field.notValues.map(test))));
  return and(parts);
}
