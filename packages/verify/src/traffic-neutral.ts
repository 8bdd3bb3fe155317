/**
 * The objects a bundle may hold that the reachability engine does not read and that change no
 * traffic: identities (ServiceAccounts, RBAC, certificates), secrets and their sources, Falco's
 * rules, and admission policies that only refuse (validation, image verification). Whatever else
 * the engine passes over fails the proof: an AdminNetworkPolicy, a Calico policy or an EnvoyFilter
 * may open what the proof says is closed; a mutating or generating admission policy may relabel
 * pods or create a NetworkPolicy; an Argo CD Application may sync objects no proof has seen; a
 * ConfigMap in kube-system or the mesh's root namespace may configure the dataplane (Cilium's
 * agent, Istio's mesh config and injector).
 */

import { isObject, type Json } from './json.ts';

/** Groups whose every kind changes no traffic. */
const NEUTRAL_GROUPS = new Set(['rbac.authorization.k8s.io', 'cert-manager.io', 'external-secrets.io', 'generators.external-secrets.io', 'templates.gatekeeper.sh', 'constraints.gatekeeper.sh']);
/** Kinds (`group/Kind`) that only refuse admission. */
const VALIDATING_KINDS = new Set([
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'policies.kyverno.io/ValidatingPolicy',
  'policies.kyverno.io/NamespacedValidatingPolicy',
  'policies.kyverno.io/ImageValidatingPolicy',
  'policies.kyverno.io/NamespacedImageValidatingPolicy',
]);
/** Core kinds that change no traffic (ConfigMap: outside `DATAPLANE_NAMESPACES`). */
const NEUTRAL_CORE_KINDS = new Set(['ServiceAccount', 'Secret', 'ConfigMap']);
/** Kyverno rule members that only refuse (or check image signatures): `mutate` and `generate` may change pods and policies. */
const KYVERNO_VALIDATING_MEMBERS = new Set(['name', 'match', 'exclude', 'preconditions', 'context', 'celPreconditions', 'validate', 'verifyImages', 'imageExtractors', 'skipBackgroundRequests', 'reportProperties']);


/** Why an object the engine did not read may change traffic; undefined when it cannot. */
export function mayChangeTraffic(o: Json, rootNamespace: string | undefined): string | undefined {
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const kind = String(o.kind);
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const namespace = isObject(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : undefined;
  if (group === '') {
    if (!NEUTRAL_CORE_KINDS.has(kind)) return 'it may allow traffic';
    if (kind === 'ConfigMap' && (namespace === undefined || namespace === 'kube-system' || namespace === rootNamespace)) {
      return `a ConfigMap ${namespace === undefined ? 'without a namespace (applied wherever the sync puts it)' : `in ${namespace}`} may configure the dataplane (Cilium's agent, Istio's mesh or injector)`;
    }
    return undefined;
  }
  if (NEUTRAL_GROUPS.has(group) || VALIDATING_KINDS.has(`${group}/${kind}`)) return undefined;
  if (group === 'kyverno.io' && (kind === 'ClusterPolicy' || kind === 'Policy')) {
    const rules = isObject(o.spec) && Array.isArray(o.spec.rules) ? o.spec.rules : [];
    const other = rules.flatMap((r) => (isObject(r) ? Object.keys(r) : [])).find((k) => !KYVERNO_VALIDATING_MEMBERS.has(k));
    return other === undefined ? undefined : `its rule has \`${other}\`, which may change pods or create policies`;
  }
  if (group === 'admissionregistration.k8s.io' || group === 'kyverno.io' || group === 'policies.kyverno.io') return 'an admission object that does not only refuse may change pods or create policies';
  if (group === 'argoproj.io') return 'an Argo CD object may sync objects no proof has seen';
  return 'it may allow traffic';
}
