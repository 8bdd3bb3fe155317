/**
 * Image-signature rules in the Kyverno form: a `policies.kyverno.io/v1` ImageValidatingPolicy per
 * rule that verifies cosign signatures against the rule's public key for every container image
 * that matches the rule's references. It needs the registry at admission time, so the proof
 * cannot run its examples offline. Pure.
 */
import type { AdmissionModule, AdmissionSettings, K8sObject } from '../contract.ts';
import type { ImageSignatureRule } from '../rule/ast.ts';
import { namespaceSelector } from './match.ts';
import { ruleKey, ruleObjectName, ztpLabels } from './names.ts';

/** Every image of the pod (containers, initContainers, ephemeralContainers) is signed by the attestor. */
const VERIFY_ALL = [
  '(images.?containers.orValue([]) + images.?initContainers.orValue([]) + images.?ephemeralContainers.orValue([]))',
  '.map(image, verifyImageSignatures(image, [attestors.key])).all(verified, verified > 0)',
].join('');

/** The ImageValidatingPolicy of one image-signature rule. */
export function kyvernoImageValidatingPolicy(module: AdmissionModule, rule: ImageSignatureRule, settings: AdmissionSettings): K8sObject {
  const selector = namespaceSelector(settings.namespaces);
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: {
      name: ruleObjectName(module, rule),
      labels: ztpLabels(settings.environment, module),
      annotations: { 'policies.kyverno.io/title': rule.title, 'ztp.dev/rule': ruleKey(module, rule) },
    },
    spec: {
      validationActions: [settings.enforcement === 'enforce' ? 'Deny' : 'Audit'],
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
        ...(selector ? { namespaceSelector: selector } : {}),
      },
      matchImageReferences: rule.images.map((glob) => ({ glob })),
      attestors: [{ name: 'key', cosign: { key: { data: rule.publicKey } } }],
      validations: [{ expression: VERIFY_ALL, message: rule.message }],
    },
  };
}
