/**
 * The Gatekeeper form: a ConstraintTemplate (Rego v1, through `code: [{engine: Rego, source:
 * {version: v1, rego}}]`, because gator reads a template's plain `rego:` as Rego v0) and a
 * Constraint per rule. The helpers are inlined into each template's package. Pure.
 *
 * Ephemeral containers added to a running pod (`kubectl debug`, an UPDATE of
 * `pods/ephemeralcontainers` carrying the Pod) reach the Constraints through Gatekeeper's own
 * ValidatingWebhookConfiguration, whose default rules list that subresource; the Constraint
 * matches kind Pod, which that request is.
 */
import type { AdmissionModule, AdmissionSettings, K8sObject } from '../contract.ts';
import type { ValidationRule } from '../rule/ast.ts';
import { targetKinds } from './match.ts';
import { constraintKind, ruleKey, ruleObjectName, regoSegment, ztpLabels } from './names.ts';
import { indentBody, REGO_HELPERS, regoClauseBody, regoLiteral } from './rego.ts';

/** The Rego source of one rule's template. */
export function gatekeeperRego(module: AdmissionModule, rule: ValidationRule): string {
  const parts = [`package ztp.${regoSegment(module.id)}.${regoSegment(rule.id)}`, '', `# ${ruleKey(module, rule)}: ${rule.title}`];
  for (const clause of rule.violations) {
    const body = regoClauseBody(rule, clause, { lib: '', object: 'input.review.object' });
    body.push(`msg := ${regoLiteral(clause.message ?? rule.message)}`);
    parts.push('', `violation contains {"msg": msg} if {\n${indentBody(body)}\n}`);
  }
  parts.push('', REGO_HELPERS);
  return parts.join('\n');
}

/** The ConstraintTemplate and Constraint of one rule. */
export function gatekeeperObjects(module: AdmissionModule, rule: ValidationRule, settings: AdmissionSettings): K8sObject[] {
  const kind = constraintKind(module, rule);
  const labels = ztpLabels(settings.environment, module);
  const template: K8sObject = {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: {
      name: kind.toLowerCase(),
      labels,
      annotations: { 'metadata.gatekeeper.sh/title': rule.title, description: rule.message, 'ztp.dev/rule': ruleKey(module, rule) },
    },
    spec: {
      crd: { spec: { names: { kind } } },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', code: [{ engine: 'Rego', source: { version: 'v1', rego: gatekeeperRego(module, rule) } }] }],
    },
  };
  const groups = new Map<string, string[]>();
  for (const k of targetKinds(rule.target)) groups.set(k.group, [...(groups.get(k.group) ?? []), k.kind]);
  const match: Record<string, unknown> = { kinds: [...groups.entries()].map(([group, kinds]) => ({ apiGroups: [group], kinds })) };
  if (settings.namespaces.length > 0) match['namespaces'] = [...settings.namespaces];
  const constraint: K8sObject = {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind,
    metadata: { name: ruleObjectName(module, rule), labels, annotations: { 'ztp.dev/rule': ruleKey(module, rule) } },
    spec: { enforcementAction: settings.enforcement === 'enforce' ? 'deny' : 'dryrun', match },
  };
  return [template, constraint];
}
