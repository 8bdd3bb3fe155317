import type { K8sObject } from './object.ts';

/**
 * Argo CD sync waves, lowest first. The order guarantees: namespaces exist before anything in
 * them; identities, certificates and secrets before the workloads' policies; every allow before
 * the default deny and the allow-nothing, so a first sync never cuts live traffic; admission last,
 * once the objects it guards are in place.
 */
export const WAVES = {
  namespaces: -10,
  identity: -5,
  secretSources: -3,
  secrets: -2,
  allows: 0,
  denies: 10,
  admission: 20,
  constraints: 21,
} as const;

const DENY_NAMES = new Set(['ztp-default-deny', 'ztp-allow-nothing']);

/** The sync wave of an object. */
export function syncWave(o: K8sObject): number {
  switch (o.kind) {
    case 'Namespace':
      return WAVES.namespaces;
    case 'ServiceAccount':
    case 'Role':
    case 'RoleBinding':
      return WAVES.identity;
    case 'SecretStore':
    case 'VaultDynamicSecret':
    case 'Certificate':
      return WAVES.secretSources;
    case 'ExternalSecret':
      return WAVES.secrets;
    case 'NetworkPolicy':
    case 'CiliumNetworkPolicy':
    case 'AuthorizationPolicy':
      return DENY_NAMES.has(o.metadata.name) ? WAVES.denies : WAVES.allows;
    case 'PeerAuthentication':
      return WAVES.denies;
    default:
      return o.apiVersion.startsWith('constraints.gatekeeper.sh/') ? WAVES.constraints : WAVES.admission;
  }
}

const BUILT_IN_GROUPS = new Set(['v1', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apps', 'batch', 'policy']);

/** Whether an object's kind comes from a CRD (so Argo CD must not dry-run it before the CRD exists). */
export function isCustomResource(o: K8sObject): boolean {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] ?? '' : 'v1';
  return !BUILT_IN_GROUPS.has(group);
}

/** The object with its sync wave (and, for custom resources, the dry-run option) annotated. */
export function withArgoAnnotations(o: K8sObject): K8sObject {
  const annotations: Record<string, string> = { ...(o.metadata.annotations ?? {}), 'argocd.argoproj.io/sync-wave': String(syncWave(o)) };
  if (isCustomResource(o)) annotations['argocd.argoproj.io/sync-options'] = 'SkipDryRunOnMissingResource=true';
  return { ...o, metadata: { ...o.metadata, annotations } };
}
