/** A resource selector of an audit rule. */
interface GroupResources {
  readonly group: string;
  readonly resources?: readonly string[];
}

/** Every kind of policy object ztp manages, and RBAC: their changes are logged in full. */
export const POLICY_RESOURCES: readonly GroupResources[] = [
  { group: 'networking.k8s.io', resources: ['networkpolicies'] },
  { group: 'cilium.io', resources: ['ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies'] },
  { group: 'security.istio.io', resources: ['peerauthentications', 'authorizationpolicies', 'requestauthentications'] },
  { group: 'kyverno.io', resources: ['clusterpolicies', 'policies', 'policyexceptions'] },
  { group: 'policies.kyverno.io' },
  { group: 'templates.gatekeeper.sh', resources: ['constrainttemplates'] },
  { group: 'constraints.gatekeeper.sh' },
  { group: 'admissionregistration.k8s.io', resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'validatingwebhookconfigurations', 'mutatingwebhookconfigurations'] },
  { group: 'rbac.authorization.k8s.io' },
];

/** Where secret material could appear in a request or response body: logged at Metadata only. */
export const SECRET_RESOURCES: readonly GroupResources[] = [
  { group: '', resources: ['secrets', 'serviceaccounts/token'] },
  { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
  { group: 'external-secrets.io' },
  { group: 'generators.external-secrets.io' },
];

/**
 * The Kubernetes audit policy of an environment (rollout phase 1). Rules are first-match, so
 * the order is the guarantee: health checks and read-only noise are dropped; anything that could
 * carry a secret value (Secrets, tokens, TokenReviews, External Secrets) and interactive access
 * (exec, attach, port-forward) is logged at Metadata only, so no secret reaches the log; changes
 * to policy objects and RBAC at RequestResponse; everything else at Metadata. The RequestReceived
 * stage is omitted. This is an apiserver file (`--audit-policy-file`), not a cluster object.
 */
export function auditPolicy(): Record<string, unknown> {
  const writes = ['create', 'update', 'patch', 'delete', 'deletecollection'];
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version', '/metrics', '/openapi/*'] },
      { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }] },
      { level: 'None', userGroups: ['system:nodes'], verbs: ['get'], resources: [{ group: '', resources: ['nodes', 'nodes/status'] }] },
      { level: 'None', verbs: ['get', 'list', 'watch'], resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }, { group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
      { level: 'Metadata', resources: SECRET_RESOURCES },
      { level: 'Metadata', resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }] },
      { level: 'RequestResponse', verbs: writes, resources: POLICY_RESOURCES },
      { level: 'Metadata' },
    ],
  };
}
