/**
 * The NetworkPolicies handed to cyclonus, as the API server would store them. cyclonus reads
 * policies from files without API defaulting and refuses a policy without `spec.policyTypes`
 * (`missing spec.policyTypes`), so the one defaulting rule of the API server that matters is
 * applied here: no policyTypes means `Ingress`, plus `Egress` when egress rules are present
 * (k8s.io/kubernetes pkg/apis/networking/v1 SetDefaults_NetworkPolicy). Objects are otherwise
 * passed unchanged; a policy without a namespace is kept so, which cyclonus reads as `default`
 * like the API server.
 */

/** The policies with policyTypes defaulted, wrapped in a NetworkPolicyList (the file cyclonus reads). */
export function cyclonusPolicyList(policies: readonly Record<string, unknown>[]): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicyList',
    items: policies.map(withDefaultPolicyTypes),
  };
}

/**
 * One policy as cyclonus reads it: `apiVersion`, `kind`, the name and namespace, and the spec
 * with `policyTypes` defaulted as the API server does. cyclonus parses strictly with an older
 * NetworkPolicy type, so fields that carry no semantics (`status`, other metadata) are left out.
 */
export function withDefaultPolicyTypes(policy: Record<string, unknown>): Record<string, unknown> {
  const metadata = (policy['metadata'] ?? {}) as { name?: unknown; namespace?: unknown };
  const spec = structuredClone((policy['spec'] ?? {}) as Record<string, unknown>);
  const types = spec['policyTypes'] as unknown[] | undefined;
  if (!Array.isArray(types) || types.length === 0) {
    const egress = spec['egress'] as unknown[] | undefined;
    spec['policyTypes'] = Array.isArray(egress) && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  return {
    apiVersion: policy['apiVersion'],
    kind: policy['kind'],
    metadata: { name: metadata.name, ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}) },
    spec,
  };
}
