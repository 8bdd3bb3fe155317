/**
 * The admission guards a bundle ships outside its admission layer (the secret-mount guards of the
 * secrets layer and the certificate-Secret guard of the mesh layer), held to what the admission
 * layer's own policies are held to: fail closed, see every Pod on CREATE and UPDATE and every
 * container kubectl debug adds, deny when the environment enforces, cover exactly its managed
 * namespaces, nothing that could narrow them, and each policy bound once. Pure.
 */
import { parse } from 'yaml';
import { enforcementProblems, type K8sObject } from '@ztp/admission';
import type { BundleFiles } from './bundle-manifest.ts';

/** The guard objects checked and what is wrong with them (empty when nothing is). */
export function guardProblems(bundle: BundleFiles): { checked: string[]; problems: string[] } {
  const manifest = JSON.parse(bundle.files.get('manifest.json') ?? '{}') as { environment?: string; enforcement?: 'audit' | 'enforce'; namespaces?: string[]; objects?: { file: string; layer: string }[] };
  const objects = (manifest.objects ?? [])
    .filter((o) => o.layer !== 'admission')
    .flatMap((o) => {
      const text = bundle.files.get(o.file);
      const object = text === undefined ? undefined : (parse(text) as K8sObject | null);
      return object !== null && object !== undefined && String(object.apiVersion).startsWith('admissionregistration.k8s.io/') && /^ValidatingAdmissionPolicy(Binding)?$/.test(object.kind) ? [object] : [];
    });
  if (objects.length === 0) return { checked: [], problems: [] };
  const settings = { environment: manifest.environment ?? '', enforcement: manifest.enforcement ?? 'enforce', namespaces: manifest.namespaces ?? [], forms: [] };
  const problems = enforcementProblems(objects, settings);
  const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name);
  const bound = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding').map((o) => String((o['spec'] as { policyName?: unknown } | undefined)?.policyName));
  for (const p of policies) if (bound.filter((b) => b === p).length !== 1) problems.push(`ValidatingAdmissionPolicy ${p}: bound ${bound.filter((b) => b === p).length} times, not once`);
  for (const b of bound) if (!policies.includes(b)) problems.push(`a ValidatingAdmissionPolicyBinding binds ${b}, which the bundle does not hold`);
  return { checked: objects.map((o) => `${o.kind} ${o.metadata.name}`), problems };
}
