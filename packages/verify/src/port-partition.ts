/**
 * The ports at which a bundle's policies can be judged exactly. NetworkPolicies, Cilium policies
 * and Istio policies decide a port only by comparing it with port numbers they name (a port, the
 * ends of a range, a `portLevelMtls` key) or with a pod's container ports (a named port). Between
 * two consecutive such numbers every port gets the same verdict, so judging each named number and
 * one port of each gap between them judges every port from 1 to 65535.
 */

const MIN_PORT = 1;
const MAX_PORT = 65535;

/** The kinds whose verdicts depend on a port or an address: every number and range in them (outside metadata) counts. */
export const PORT_KINDS = new Set(['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication']);

/**
 * Every port number the policies among `objects` could compare a port with: each integer from 1
 * to 65535 in them (numbers, strings of digits, object keys of digits), metadata aside. More
 * numbers than they compare with (a CIDR's prefix length, an HTTP status) only add ports to judge.
 */
export function portBoundaries(objects: readonly Record<string, unknown>[]): Set<number> {
  const out = new Set<number>();
  const add = (n: number) => {
    if (Number.isInteger(n) && n >= MIN_PORT && n <= MAX_PORT) out.add(n);
  };
  // any length: the readers take "000022" as 22 (Cilium and Istio refuse a leading zero, but a
  // boundary too many costs nothing)
  const digits = (s: string) => {
    if (/^\d+$/.test(s)) add(Number(s));
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'number') add(v);
    else if (typeof v === 'string') digits(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        digits(k);
        walk(x);
      }
    }
  };
  for (const o of objects) {
    if (!PORT_KINDS.has(String(o.kind))) continue;
    for (const [k, v] of Object.entries(o)) if (k !== 'metadata') walk(v);
  }
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
