/**
 * Names of emitted objects and files, derived from module and rule ids so that every form names
 * the same rule the same way. Pure.
 */
import type { AdmissionModule } from '../contract.ts';
import type { Rule } from '../rule/ast.ts';

/** `<module>/<rule>`: how reports and messages name a rule. */
export function ruleKey(module: AdmissionModule, rule: Rule): string {
  return `${module.id}/${rule.id}`;
}

/** The Kubernetes name of a per-rule object: `<module>-<rule>`. */
export function ruleObjectName(module: AdmissionModule, rule: Rule): string {
  return `${module.id}-${rule.id}`;
}

/** PascalCase of a DNS label: `pod-security-baseline` → `PodSecurityBaseline`. */
export function pascal(label: string): string {
  return label
    .split('-')
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** The Gatekeeper constraint kind of a rule: `Ztp` + PascalCase of `<module>-<rule>`. */
export function constraintKind(module: AdmissionModule, rule: Rule): string {
  return `Ztp${pascal(ruleObjectName(module, rule))}`;
}

/** A Rego package name segment for a DNS label. */
export function regoSegment(label: string): string {
  return label.replaceAll('-', '_');
}

/** The labels every emitted object carries. */
export function ztpLabels(environment: string, module: AdmissionModule): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'ztp',
    'ztp.dev/environment': environment,
    'ztp.dev/module': module.id,
  };
}
