/**
 * Three-valued logic for what the manifests may not say (an address that is not known, the node
 * a host-network pod runs on, a TLS SNI...): `true`, `false`, or `'unknown'` (either could be
 * the case in the real cluster). An `'unknown'` is never resolved to a convenient side: it
 * stays unknown until the answer is the same whichever way it resolves (`false AND x` is
 * false, `true OR x` is true), and a final verdict that is still unknown is `undecided`.
 */

/** True, false, or unknown (the manifests do not tell). */
export type Tri = boolean | 'unknown';

/** Kleene AND: false if any is false, else unknown if any is unknown, else true (empty: true). */
export function and(values: readonly Tri[]): Tri {
  if (values.includes(false)) return false;
  return values.includes('unknown') ? 'unknown' : true;
}

/** Kleene OR: true if any is true, else unknown if any is unknown, else false (empty: false). */
export function or(values: readonly Tri[]): Tri {
  if (values.includes(true)) return true;
  return values.includes('unknown') ? 'unknown' : false;
}

/** Negation (unknown stays unknown). */
export function not(value: Tri): Tri {
  return value === 'unknown' ? 'unknown' : !value;
}

/**
 * The value over several possible worlds (the cases an unknown attribute may be in): true or
 * false when every world agrees, unknown otherwise. Unlike `or`/`and` it keeps correlations:
 * a host-network peer is `host` in one world and `remote-node` in the other, never both.
 */
export function inEveryWorld(values: readonly Tri[]): Tri {
  if (values.length > 0 && values.every((v) => v === true)) return true;
  if (values.length > 0 && values.every((v) => v === false)) return false;
  return 'unknown';
}
