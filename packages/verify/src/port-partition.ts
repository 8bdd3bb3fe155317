/**
 * The ports at which a bundle's policies can be judged exactly. NetworkPolicies, Cilium policies
 * and Istio policies decide a port only by comparing it with port numbers they name (a port, the
 * ends of a range, a `portLevelMtls` key) or with a pod's container ports (a named port). Between
 * two consecutive such numbers every port gets the same verdict, so judging each named number and
 * one port of each gap between them judges every port from 1 to 65535.
 */

import { forEachPolicyValue } from './policy-values.ts';

const MIN_PORT = 1;
const MAX_PORT = 65535;

/**
 * Every port number the policies among `objects` could compare a port with: each integer from 1
 * to 65535 in them (numbers, strings of digits, object keys of digits), metadata aside. More
 * numbers than they compare with (a CIDR's prefix length, an HTTP status) only add ports to judge.
 */
export function portBoundaries(objects: readonly Record<string, unknown>[]): Set<number> {
  const out = new Set<number>();
  forEachPolicyValue(objects, (v) => {
    // digits of any length: the readers take "000022" as 22 (Cilium and Istio refuse a leading
    // zero, but a boundary too many costs nothing)
    const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (Number.isInteger(n) && n >= MIN_PORT && n <= MAX_PORT) out.add(n);
  });
  return out;
}

/**
 * One port of every class of ports that no boundary tells apart: each boundary itself, and the
 * first port of each gap before, between and after them (ascending, within 1 to 65535).
 */
export function representativePorts(boundaries: Iterable<number>): number[] {
  const sorted = [...new Set(boundaries)].filter((n) => Number.isInteger(n) && n >= MIN_PORT && n <= MAX_PORT).sort((a, b) => a - b);
  const out: number[] = [];
  let next = MIN_PORT; // the first port not yet represented
  for (const b of sorted) {
    if (b > next) out.push(next); // the gap next..b-1
    out.push(b);
    next = b + 1;
  }
  if (next <= MAX_PORT) out.push(next);
  return out;
}
