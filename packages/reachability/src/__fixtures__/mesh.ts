/** Builders for Cilium and Istio objects in tests. */

/** A CiliumNetworkPolicy with one spec. */
export function cnp(namespace: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace }, spec };
}

/** A CiliumClusterwideNetworkPolicy with one spec. */
export function ccnp(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec };
}

/** An Istio AuthorizationPolicy. */
export function authz(namespace: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec };
}

/** An Istio PeerAuthentication. */
export function peerAuth(namespace: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec };
}
