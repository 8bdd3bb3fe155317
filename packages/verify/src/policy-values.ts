/** The kinds whose verdicts depend on a port or an address. */
const TRAFFIC_KINDS = new Set(['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication']);

/**
 * Calls `visit` with every number, string and object key of the policies among `objects`, their
 * metadata aside: the literals a port or address partition is cut by (more than they compare
 * with only adds classes to judge).
 */
export function forEachPolicyValue(objects: readonly Record<string, unknown>[], visit: (value: string | number) => void): void {
  const walk = (v: unknown): void => {
    if (typeof v === 'number' || typeof v === 'string') visit(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        visit(k);
        walk(x);
      }
    }
  };
  for (const o of objects) {
    if (!TRAFFIC_KINDS.has(String(o.kind))) continue;
    for (const [k, v] of Object.entries(o)) if (k !== 'metadata') walk(v);
  }
}
