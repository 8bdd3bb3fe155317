/**
 * One side of the network layer. A connection needs the caller's egress and the server's ingress;
 * judged together, a side that allows too much is hidden by the other (a server's ingress opened
 * to its caller's whole namespace passes while the namespace's egress still refuses). Anything
 * outside ztp that opens the other side (a platform's clusterwide "allow in-cluster egress", a
 * namespace without ztp's default deny) turns it into a real hole. So each side is also proven
 * on its own: the bundle's network objects with the other side's rules taken away, the other side
 * then open. Pure.
 */

/** Which side is kept. */
export type Side = 'ingress' | 'egress';

type Obj = Record<string, unknown>;

function isObject(x: unknown): x is Obj {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** A NetworkPolicy's types as the API server defaults them (Ingress always, Egress with egress rules). */
function policyTypes(spec: Obj): string[] {
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes.map(String);
  return ['Ingress', ...(spec.egress !== undefined ? ['Egress'] : [])];
}

function networkPolicySide(o: Obj, side: Side): Obj[] {
  const spec = isObject(o.spec) ? o.spec : {};
  const type = side === 'ingress' ? 'Ingress' : 'Egress';
  if (!policyTypes(spec).includes(type)) return [];
  const { ingress, egress, policyTypes: _, ...rest } = spec;
  const kept = side === 'ingress' ? (ingress !== undefined ? { ingress } : {}) : egress !== undefined ? { egress } : {};
  return [{ ...o, spec: { ...rest, policyTypes: [type], ...kept } }];
}

/** A Cilium rule with the other side's sections taken away, or undefined when nothing of `side` is left. */
function ciliumRuleSide(rule: Obj, side: Side): Obj | undefined {
  const other = side === 'ingress' ? ['egress', 'egressDeny'] : ['ingress', 'ingressDeny'];
  const own = side === 'ingress' ? ['ingress', 'ingressDeny'] : ['egress', 'egressDeny'];
  const out: Obj = {};
  for (const [k, v] of Object.entries(rule)) if (!other.includes(k)) out[k] = v;
  const defaultDeny = isObject(rule.enableDefaultDeny) ? rule.enableDefaultDeny : undefined;
  if (defaultDeny !== undefined) out.enableDefaultDeny = { ...defaultDeny, [side === 'ingress' ? 'egress' : 'ingress']: false };
  const hasOwn = own.some((k) => rule[k] !== undefined) || defaultDeny?.[side] === true;
  return hasOwn ? out : undefined;
}

function ciliumSide(o: Obj, side: Side): Obj[] {
  const spec = isObject(o.spec) ? ciliumRuleSide(o.spec, side) : undefined;
  const specs = Array.isArray(o.specs) ? o.specs.filter(isObject).flatMap((r) => ciliumRuleSide(r, side) ?? []) : [];
  if (spec === undefined && specs.length === 0) return [];
  const { spec: _s, specs: _ss, ...rest } = o;
  return [{ ...rest, ...(spec !== undefined ? { spec } : {}), ...(specs.length > 0 ? { specs } : {}) }];
}

/**
 * The objects with only `side` of NetworkPolicies and Cilium policies left: a policy without that
 * side is left out, and Cilium's default deny of the other side is turned off. Every other object
 * is kept as it is.
 */
export function oneSide(objects: readonly Obj[], side: Side): Obj[] {
  return objects.flatMap((o) => {
    if (o.kind === 'NetworkPolicy' && String(o.apiVersion).startsWith('networking.k8s.io/')) return networkPolicySide(o, side);
    if ((o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy') && String(o.apiVersion).startsWith('cilium.io/')) return ciliumSide(o, side);
    return [o];
  });
}
