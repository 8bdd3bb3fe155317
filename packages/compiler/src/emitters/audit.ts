import type { AuditRule } from '@ztp/model';
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
  { group: 'admissionregistration.k8s.io', resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings', 'validatingwebhookconfigurations', 'mutatingwebhookconfigurations'] },
  { group: 'rbac.authorization.k8s.io' },
  // their labels turn sidecar injection and Pod Security Admission on and off
  { group: '', resources: ['namespaces'] },
];

/**
 * Where secret material could appear in a request or response body: logged at Metadata only.
 * ConfigMaps too, as in the upstream reference policy ("Secrets, ConfigMaps, TokenRequest and
 * TokenReviews can contain sensitive & binary data"): they often hold connection strings and
 * credentials, and an environment's own rule cannot raise them (it comes after this one).
 */
export const SECRET_RESOURCES: readonly GroupResources[] = [
  { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
  { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
  { group: 'external-secrets.io' },
  { group: 'generators.external-secrets.io' },
];

/**
 * The Kubernetes audit policy of an environment (rollout phase 1). Rules are first-match, so
 * the order is the guarantee: health checks and read-only noise are dropped; anything that could
 * carry a secret value (Secrets, ConfigMaps, tokens, TokenReviews, External Secrets) and interactive access
 * (exec, attach, port-forward) is logged at Metadata only, so no secret reaches the log; changes
 * to policy objects, RBAC and namespaces at RequestResponse; everything else at Metadata. The RequestReceived
 * stage is omitted. This is an apiserver file (`--audit-policy-file`), not a cluster object.
 */
export function auditPolicy(extra: readonly AuditRule[] = []): Record<string, unknown> {
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
      // The environment's own rules: after ztp's, so they only decide what would reach the catch-all.
      ...extra.map((rule) => ({ ...rule })),
      { level: 'Metadata' },
    ],
  };
}

/** Where kind's control-plane node holds the audit policy and the log (see {@link kindAuditPatch}). */
export const KIND_AUDIT = { policy: '/etc/kubernetes/ztp/audit-policy.yaml', logDir: '/var/log/kubernetes/audit' } as const;

/**
 * The kube-apiserver flags that turn the audit policy on: the policy file, a JSON log, and
 * rotation. `policyPath` and `logPath` are paths on the control-plane host.
 */
export function auditApiserverFlags(policyPath: string, logPath: string): Record<string, string> {
  return {
    'audit-policy-file': policyPath,
    'audit-log-path': logPath,
    'audit-log-format': 'json',
    'audit-log-maxage': '30',
    'audit-log-maxbackup': '10',
    'audit-log-maxsize': '100',
  };
}

/**
 * The part of a kind cluster config that runs the control plane with the audit policy: the
 * policy file (at `hostPolicyFile` on the machine running kind) mounted into the control-plane
 * node, and a kubeadm patch (v1beta4, the kubeadm config kind uses for current Kubernetes) that
 * passes the flags to kube-apiserver and mounts the policy and the log folder into its pod.
 * Merge it into the control-plane node of a kind config (`e2e/src/cluster-config.ts` does).
 */
export function kindAuditPatch(hostPolicyFile: string): { kubeadmConfigPatches: string[]; extraMounts: Record<string, unknown>[] } {
  const policyDir = KIND_AUDIT.policy.slice(0, KIND_AUDIT.policy.lastIndexOf('/'));
  const flags = auditApiserverFlags(KIND_AUDIT.policy, `${KIND_AUDIT.logDir}/audit.log`);
  const patch = [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: ClusterConfiguration',
    'apiServer:',
    '  extraArgs:',
    ...Object.entries(flags).flatMap(([name, value]) => [`    - name: ${name}`, `      value: "${value}"`]),
    '  extraVolumes:',
    '    - name: ztp-audit-policy',
    `      hostPath: ${policyDir}`,
    `      mountPath: ${policyDir}`,
    '      readOnly: true',
    '      pathType: DirectoryOrCreate',
    '    - name: ztp-audit-log',
    `      hostPath: ${KIND_AUDIT.logDir}`,
    `      mountPath: ${KIND_AUDIT.logDir}`,
    '      readOnly: false',
    '      pathType: DirectoryOrCreate',
    '',
  ].join('\n');
  return { kubeadmConfigPatches: [patch], extraMounts: [{ hostPath: hostPolicyFile, containerPath: KIND_AUDIT.policy, readOnly: true }] };
}
