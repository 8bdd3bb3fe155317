/**
 * `emitAdmission`: every engine's form of the given modules. Pure and deterministic: the same
 * modules and settings give objects and files that serialize to the same bytes.
 */
import type { AdmissionModule, AdmissionNotice, AdmissionOutput, AdmissionSettings, BundleFile, ClusterForm, K8sObject } from '../contract.ts';
import { checkModule } from '../rule/check.ts';
import { emitConftest } from './conftest.ts';
import { conftestTests } from './conftest-tests.ts';
import { gatekeeperObjects } from './gatekeeper.ts';
import { kyvernoClusterPolicy } from './kyverno-cluster-policy.ts';
import { kyvernoImageValidatingPolicy } from './kyverno-image-validating-policy.ts';
import { emitKyvernoJson } from './kyverno-json.ts';
import { kyvernoValidatingPolicy } from './kyverno-validating-policy.ts';
import { ruleKey } from './names.ts';
import { validatingAdmissionPolicy } from './validating-admission-policy.ts';

export { EPHEMERAL_CONTAINERS_RULE } from './match.ts';

/** Why a cluster form leaves image-signature rules out. */
const SIGNATURE_GAP: Readonly<Record<ClusterForm, string | undefined>> = {
  kyverno: undefined,
  'kyverno-legacy': undefined,
  gatekeeper: 'not checked by Gatekeeper: image signatures are checked by Kyverno only',
  native: 'not checked by ValidatingAdmissionPolicy: image signatures are checked by Kyverno only',
};

function clusterObjects(module: AdmissionModule, form: ClusterForm, settings: AdmissionSettings, notices: AdmissionNotice[]): K8sObject[] {
  if (form === 'kyverno-legacy') {
    const policy = kyvernoClusterPolicy(module, settings);
    return policy === undefined ? [] : [policy];
  }
  const objects: K8sObject[] = [];
  for (const rule of module.rules ?? []) {
    if (rule.kind === 'image-signature' && form === 'kyverno') {
      objects.push(kyvernoImageValidatingPolicy(module, rule, settings));
      continue;
    }
    if (rule.kind === 'image-signature') {
      notices.push({ form, rule: ruleKey(module, rule), text: `${SIGNATURE_GAP[form]} (${rule.title})` });
      continue;
    }
    if (form === 'kyverno') objects.push(kyvernoValidatingPolicy(module, rule, settings));
    if (form === 'gatekeeper') objects.push(...gatekeeperObjects(module, rule, settings));
    if (form === 'native') objects.push(...validatingAdmissionPolicy(module, rule, settings));
  }
  return objects;
}

function noticesFile(notices: readonly AdmissionNotice[]): BundleFile {
  const lines = [
    '# Rules some forms cannot check',
    '',
    ...notices.map((n) => `- ${n.form}: ${n.rule}: ${n.text}`),
    '',
    '# Documents some forms cannot see into',
    '',
    // conftest's Rego unpacks Lists itself (see SCAN_HELPERS in conftest.ts)
    '- kyverno-json: a List (`kind: List`, or any document whose `items` is a list) matches no rule, though `kubectl apply` creates each of its items: unpack Lists before a kyverno-json scan (`ztp admission evaluate` does).',
  ];
  return { path: 'UNCHECKED.md', content: `${lines.join('\n')}\n` };
}

/**
 * Every engine's form of the modules: the cluster forms the settings pick (as objects, in form
 * order, then module and rule order) and the scan forms (conftest Rego with every rule's examples
 * as opa tests, and kyverno-json policies, as files). Rules a form cannot check are listed in `notices`, in that form's own
 * output, and in `UNCHECKED.md`. Throws RuleError for a module that is not well formed.
 */
export function emitAdmission(modules: readonly AdmissionModule[], settings: AdmissionSettings): AdmissionOutput {
  for (const m of modules) checkModule(m);
  const objects: K8sObject[] = [];
  const notices: AdmissionNotice[] = [];
  const forms = (['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'] as const).filter((f) => settings.forms.includes(f));
  for (const form of forms) {
    for (const module of modules) objects.push(...clusterObjects(module, form, settings, notices));
  }
  const conftest = emitConftest(modules);
  const kyvernoJson = emitKyvernoJson(modules);
  notices.push(...conftest.notices, ...kyvernoJson.notices);
  const tests = modules.map(conftestTests).filter((f): f is BundleFile => f !== undefined);
  const files: BundleFile[] = [...conftest.files, ...tests, ...kyvernoJson.files];
  if (notices.length > 0) files.push(noticesFile(notices));
  return { objects, files, notices };
}
