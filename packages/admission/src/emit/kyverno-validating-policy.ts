/**
 * The Kyverno form: one `policies.kyverno.io/v1` ValidatingPolicy (CEL) per rule. Pod-controller
 * autogen is switched off because the policy matches every pod-bearing kind itself. Pure.
 */
import type { AdmissionModule, AdmissionSettings, K8sObject } from '../contract.ts';
import type { ValidationRule } from '../rule/ast.ts';
import { celValidations, celVariables } from './cel.ts';
import { namespaceSelector, resourceRules } from './match.ts';
import { ruleKey, ruleObjectName, ztpLabels } from './names.ts';

/** The ValidatingPolicy of one rule. */
export function kyvernoValidatingPolicy(module: AdmissionModule, rule: ValidationRule, settings: AdmissionSettings): K8sObject {
  const selector = namespaceSelector(settings.namespaces);
  const variables = celVariables(rule);
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ValidatingPolicy',
    metadata: {
      name: ruleObjectName(module, rule),
      labels: ztpLabels(settings.environment, module),
      annotations: { 'policies.kyverno.io/title': rule.title, 'ztp.dev/rule': ruleKey(module, rule) },
    },
    spec: {
      validationActions: [settings.enforcement === 'enforce' ? 'Deny' : 'Audit'],
      autogen: { podControllers: { controllers: [] } },
      matchConstraints: { resourceRules: resourceRules(rule.target), ...(selector ? { namespaceSelector: selector } : {}) },
      ...(variables.length > 0 ? { variables } : {}),
      validations: celValidations(rule),
    },
  };
}
