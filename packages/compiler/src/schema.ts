// One module per kind (not the group-version index, which loads every kind of the group: about
// 1,900 modules instead of about 200 for the kinds below).
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { CiliumNetworkPolicy } from '@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import { VaultDynamicSecret } from '@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1/VaultDynamicSecret';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { K8sObject } from './object.ts';

/** A `kubernetes-models` class: its prototype's `validate` runs the upstream schema's compiled validator on `this`. */
type Model = { prototype: { validate(this: unknown): void } };

/**
 * The upstream schema of every kind the compiler emits, from the maintained `kubernetes-models`
 * packages (generated from the Kubernetes OpenAPI and each project's CRDs).
 */
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding,
  'cilium.io/v2/CiliumNetworkPolicy': CiliumNetworkPolicy,
  'security.istio.io/v1/PeerAuthentication': PeerAuthentication,
  'security.istio.io/v1/AuthorizationPolicy': AuthorizationPolicy,
  'cert-manager.io/v1/Certificate': Certificate,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'external-secrets.io/v1/SecretStore': SecretStore,
  'generators.external-secrets.io/v1alpha1/VaultDynamicSecret': VaultDynamicSecret,
  'argoproj.io/v1alpha1/ApplicationSet': ApplicationSet,
};

/**
 * Groups whose schemas no maintained npm package provides (Kyverno, Gatekeeper). Their objects are
 * validated against the upstream CRDs in the admission package's tests, and by the real apiserver.
 */
const CRD_CHECKED_GROUPS = ['kyverno.io/', 'policies.kyverno.io/', 'templates.gatekeeper.sh/', 'constraints.gatekeeper.sh/'];

/** Why an object does not match its upstream schema, or `undefined` when it does. */
export function schemaError(o: K8sObject): string | undefined {
  const model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (model === undefined) {
    if (CRD_CHECKED_GROUPS.some((g) => o.apiVersion.startsWith(g))) return undefined;
    return `no upstream schema is known for ${o.apiVersion} ${o.kind}`;
  }
  try {
    // The validator itself, on the object as emitted: constructing the model would first copy the
    // whole object (dropping undefined values, which the validator treats as absent anyway).
    model.prototype.validate.call(o);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Kinds the compiler can check at compile time. */
export function knownKinds(): string[] {
  return Object.keys(MODELS).sort();
}
