import type { IR } from '../ir.ts';
import type { Emitted } from '../object.ts';
import { emitCertificates } from './certificates.ts';
import { emitCiliumPolicies } from './cilium.ts';
import { emitFalco } from './falco.ts';
import { emitIstio } from './istio.ts';
import { emitNamespaces } from './namespaces.ts';
import { emitNetworkPolicies } from './network-policy.ts';
import { emitRbac } from './rbac.ts';
import { emitSecrets } from './secrets.ts';

/** Every Kubernetes-object emitter, each a pure function of the IR. */
export const EMITTERS: readonly ((ir: IR) => Emitted[])[] = [
  emitNamespaces,
  emitRbac,
  emitNetworkPolicies,
  emitCiliumPolicies,
  emitIstio,
  emitCertificates,
  emitSecrets,
  emitFalco,
];

export { emitAdmissionLayer } from './admission.ts';
export { auditApiserverFlags, auditPolicy, kindAuditPatch, KIND_AUDIT, POLICY_RESOURCES, SECRET_RESOURCES } from './audit.ts';
export { emitApplicationSet, type ApplicationTarget, type GitOpsSettings } from './argocd.ts';
export { certificatesIssued, emitCertificates } from './certificates.ts';
export { emitCiliumPolicies } from './cilium.ts';
export { emitFalco, falcoRules, expectedPortsByNamespace } from './falco.ts';
export { emitIstio } from './istio.ts';
export { emitNamespaces } from './namespaces.ts';
export { emitNetworkPolicies } from './network-policy.ts';
export { emitRbac } from './rbac.ts';
export { emitSecrets, vaultRoleName, vaultNamePrefix, vaultAudience, kubernetesAuthMount, refreshInterval } from './secrets.ts';
export { emitVault, VAULT_DIR, policyPath, authRolePath, policyPathOf, vaultPolicy, kubernetesAuthRole, databaseRole } from './vault.ts';
export { ciliumPathRegex, httpMatches } from './http.ts';
