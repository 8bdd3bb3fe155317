/**
 * The admission guards a bundle ships outside its admission layer (the secret-mount guards of the
 * secrets layer and the certificate-Secret guard of the mesh layer), held to what the admission
 * layer's own policies are held to: fail closed, see every Pod on CREATE and UPDATE and every
 * container kubectl debug adds, deny when the environment enforces, cover exactly its managed
 * namespaces, nothing that could narrow them, each policy bound once, and none missing that the
 * bundle's layers and Certificates call for. Pure.
 */
import { parse } from 'yaml';
import { enforcementProblems, type K8sObject } from '@ztp/admission';
import type { BundleFiles } from './bundle-manifest.ts';

/** The guard objects checked and what is wrong with them (empty when nothing is). */
export function guardProblems(bundle: BundleFiles): { checked: string[]; problems: string[] } {
  const manifest = JSON.parse(bundle.files.get('manifest.json') ?? '{}') as {
    environment?: string;
    enforcement?: 'audit' | 'enforce';
    namespaces?: string[];
    layers?: string[];
    objects?: { file: string; layer: string; kind?: string; apiVersion?: string }[];
  };
  const listed = manifest.objects ?? [];
  const problems: string[] = [];
  // only the guards are read (the manifest says each object's kind)
  const objects = listed
    .filter((o) => o.layer !== 'admission' && String(o.apiVersion).startsWith('admissionregistration.k8s.io/') && /^ValidatingAdmissionPolicy(Binding)?$/.test(String(o.kind)))
    .flatMap((o) => {
      const text = bundle.files.get(o.file);
      if (text === undefined) problems.push(`${o.kind} in ${o.file} is listed in manifest.json but not in the bundle`);
      const object = text === undefined ? null : (parse(text) as K8sObject | null);
      return object === null ? [] : [object];
    });
  // the guards the compiler emits for what the bundle holds: a pod is kept from other workloads'
  // secrets once the secrets layer is on, and from their certificate Secrets once certificates are issued
  const env = manifest.environment ?? '';
  const expected = [
    ...((manifest.layers ?? []).includes('secrets') ? [`ztp-${env}-secret-mounts`] : []),
    ...(listed.some((o) => o.kind === 'Certificate' && String(o.apiVersion).startsWith('cert-manager.io/')) ? [`ztp-${env}-svid-mounts`] : []),
  ];
  for (const name of expected) {
    for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']) {
      if (!objects.some((o) => o.kind === kind && o.metadata.name === name)) problems.push(`${kind} ${name} is missing, so nothing keeps a pod from referencing another workload's secrets`);
    }
  }
  if (objects.length === 0) return { checked: [], problems };
  const settings = { environment: env, enforcement: manifest.enforcement ?? 'enforce', namespaces: manifest.namespaces ?? [], forms: [] };
  problems.push(...enforcementProblems(objects, settings));
  const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name);
  const bound = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding').map((o) => String((o['spec'] as { policyName?: unknown } | undefined)?.policyName));
  for (const p of policies) if (bound.filter((b) => b === p).length !== 1) problems.push(`ValidatingAdmissionPolicy ${p}: bound ${bound.filter((b) => b === p).length} times, not once`);
  for (const b of bound) if (!policies.includes(b)) problems.push(`a ValidatingAdmissionPolicyBinding binds ${b}, which the bundle does not hold`);
  return { checked: objects.map((o) => `${o.kind} ${o.metadata.name}`), problems };
}
