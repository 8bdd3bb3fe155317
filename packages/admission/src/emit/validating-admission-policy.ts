/**
 * The native form: a ValidatingAdmissionPolicy and its binding per rule (CEL). Image-signature
 * rules cannot be expressed in it and are left out with a notice. Pure.
 */
import type { AdmissionModule, AdmissionSettings, K8sObject } from '../contract.ts';
import type { ValidationRule } from '../rule/ast.ts';
import { celValidations, celVariables } from './cel.ts';
import { namespaceSelector, resourceRules } from './match.ts';
import { ruleKey, ruleObjectName, ztpLabels } from './names.ts';

/** The ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding of one rule. */
export function validatingAdmissionPolicy(module: AdmissionModule, rule: ValidationRule, settings: AdmissionSettings): K8sObject[] {
  const name = ruleObjectName(module, rule);
  const labels = ztpLabels(settings.environment, module);
  const selector = namespaceSelector(settings.namespaces);
  const variables = celVariables(rule);
  const policy: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name, labels, annotations: { 'ztp.dev/rule': ruleKey(module, rule) } },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: resourceRules(rule.target) },
      ...(variables.length > 0 ? { variables } : {}),
      validations: celValidations(rule),
    },
  };
  const binding: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels },
    spec: {
      policyName: name,
      validationActions: [settings.enforcement === 'enforce' ? 'Deny' : 'Audit'],
      ...(selector ? { matchResources: { namespaceSelector: selector } } : {}),
    },
  };
  return [policy, binding];
}
