/**
 * DNS name matching for toFQDNs and DNS rules, as Cilium's matchpattern package does it:
 * names are compared lower-case without the trailing dot; `matchName` is exact; in
 * `matchPattern`, `*` alone matches every name, a leading `**.` matches one or more labels,
 * and `*` elsewhere matches any run of DNS characters within one label.
 */
import type { FqdnSelector } from './model.ts';

function canonical(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function patternRegex(pattern: string): RegExp {
  let p = canonical(pattern);
  if (p === '*') return /^.+$/;
  let prefix = '';
  if (p.startsWith('**.')) {
    prefix = '(?:[-a-z0-9_]+\\.)+';
    p = p.slice(3);
  }
  const body = p
    .split('')
    .map((c) => (c === '*' ? '[-a-z0-9_]*' : c === '.' ? '\\.' : c))
    .join('');
  return new RegExp(`^${prefix}${body}$`);
}

/** True when `name` is selected by the selector. */
export function fqdnMatches(selector: FqdnSelector, name: string): boolean {
  const n = canonical(name);
  if (selector.matchName !== undefined && canonical(selector.matchName) === n) return true;
  return selector.matchPattern !== undefined && patternRegex(selector.matchPattern).test(n);
}
