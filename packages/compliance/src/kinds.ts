/**
 * The policy kinds: the objects that decide who may talk to whom and what may run. Any of them
 * in a managed namespace that the bundle does not hold was added by hand (or by something other
 * than the bundle), whether or not the bundle uses that kind: a CiliumNetworkPolicy next to
 * NetworkPolicies, or a Kyverno PolicyException, can open what the bundle closes.
 */

/** A kind by group (the version is whatever the cluster serves). */
export interface PolicyKind {
  readonly group: string;
  readonly kind: string;
}

/** The policy kinds ztp watches for objects it does not hold. */
export const POLICY_KINDS: readonly PolicyKind[] = [
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy' },
  { group: 'security.istio.io', kind: 'PeerAuthentication' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy' },
  { group: 'security.istio.io', kind: 'RequestAuthentication' },
  { group: 'kyverno.io', kind: 'ClusterPolicy' },
  { group: 'kyverno.io', kind: 'Policy' },
  { group: 'kyverno.io', kind: 'PolicyException' },
  { group: 'policies.kyverno.io', kind: 'ValidatingPolicy' },
  { group: 'policies.kyverno.io', kind: 'ImageValidatingPolicy' },
  { group: 'policies.kyverno.io', kind: 'PolicyException' },
  { group: 'templates.gatekeeper.sh', kind: 'ConstraintTemplate' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
  // Not in ztp's bundles, but they open what the bundle closes where the cluster serves them:
  // admin network policies (an Allow there beats every NetworkPolicy), Calico's own policies (an
  // earlier order wins), Envoy filters (one can remove Istio's authorization filter), and role
  // and cluster role bindings (the bundle's RBAC is the declared apiAccess).
  { group: 'policy.networking.k8s.io', kind: 'AdminNetworkPolicy' },
  { group: 'policy.networking.k8s.io', kind: 'BaselineAdminNetworkPolicy' },
  { group: 'policy.networking.k8s.io', kind: 'ClusterNetworkPolicy' },
  { group: 'projectcalico.org', kind: 'NetworkPolicy' },
  { group: 'projectcalico.org', kind: 'GlobalNetworkPolicy' },
  { group: 'crd.projectcalico.org', kind: 'NetworkPolicy' },
  { group: 'crd.projectcalico.org', kind: 'GlobalNetworkPolicy' },
  { group: 'networking.istio.io', kind: 'EnvoyFilter' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
];

/** Gatekeeper's constraints: every kind of this group is a policy kind (their kinds come from the templates). */
export const CONSTRAINTS_GROUP = 'constraints.gatekeeper.sh';

/** The label ztp puts on every object of an environment's bundle. */
export const ENVIRONMENT_LABEL = 'ztp.dev/environment';

/** Whether group/kind is a policy kind. */
export function isPolicyKind(group: string, kind: string): boolean {
  return group === CONSTRAINTS_GROUP || POLICY_KINDS.some((k) => k.group === group && k.kind === kind);
}
