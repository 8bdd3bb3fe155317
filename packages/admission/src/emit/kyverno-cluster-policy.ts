/**
 * The legacy Kyverno form: one `kyverno.io/v1` ClusterPolicy per module, deny conditions in
 * JMESPath, `failureAction` per rule. Upstream deprecates this kind in favour of
 * ValidatingPolicy; it is here for clusters on older Kyverno. Autogen is off: the policy matches
 * every pod-bearing kind itself. Image-signature rules become `verifyImages` rules. Pure.
 *
 * Ephemeral containers added to a running pod (`kubectl debug`, an UPDATE of
 * `pods/ephemeralcontainers`) are seen without naming the subresource: Kyverno registers
 * `pods/ephemeralcontainers` in its webhook for every policy on `pods`, and a rule on kind `Pod`
 * matches that request (kyverno pkg/engine/utils/match.go: "Matching on ephemeralcontainers even
 * when they are not explicitly specified").
 */
import type { AdmissionModule, AdmissionSettings, K8sObject } from '../contract.ts';
import type { Clause, ImageSignatureRule, Signer, ValidationRule } from '../rule/ast.ts';
import { groupRoots, groupRuleName, jmesViolated, kindGroups } from './jmespath.ts';
import { ztpLabels } from './names.ts';

function failureAction(settings: AdmissionSettings): string {
  return settings.enforcement === 'enforce' ? 'Enforce' : 'Audit';
}

function resources(kinds: readonly { group: string; version: string; kind: string }[], namespaces: readonly string[]): Record<string, unknown> {
  const names = kinds.map((k) => (k.group === '' ? k.kind : `${k.group}/${k.version}/${k.kind}`));
  return namespaces.length > 0 ? { kinds: names, namespaces: [...namespaces] } : { kinds: names };
}

/** Clauses grouped by message, in first-seen order. */
function byMessage(rule: ValidationRule): { message: string; clauses: Clause[] }[] {
  const groups = new Map<string, Clause[]>();
  for (const c of rule.violations) {
    const m = c.message ?? rule.message;
    groups.set(m, [...(groups.get(m) ?? []), c]);
  }
  return [...groups.entries()].map(([message, clauses]) => ({ message, clauses }));
}

function validationRules(rule: ValidationRule, settings: AdmissionSettings): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const messages = byMessage(rule);
  for (const group of kindGroups(rule.target)) {
    const roots = groupRoots(group, 'request.object');
    messages.forEach((m, i) => {
      out.push({
        name: groupRuleName(rule.id, group, messages.length > 1 ? i + 1 : undefined),
        match: { any: [{ resources: resources(group.kinds, settings.namespaces) }] },
        validate: {
          failureAction: failureAction(settings),
          message: m.message,
          deny: { conditions: { any: m.clauses.map((c) => ({ key: `{{ ${jmesViolated(c, roots)} }}`, operator: 'Equals', value: true })) } },
        },
      });
    });
  }
  return out;
}

function attestorEntry(signer: Signer): Record<string, unknown> {
  if (signer.kind === 'key') return { keys: { publicKeys: signer.publicKey } };
  // Kyverno refuses a keyless entry without a Rekor URL or roots: the public Rekor, its documented default.
  return { keyless: { issuer: signer.issuer, subject: signer.subject, rekor: { url: 'https://rekor.sigstore.dev' } } };
}

/** Signed by any one signer (`count: 1`); digests as in the ImageValidatingPolicy form. */
function verifyImagesRule(rule: ImageSignatureRule, settings: AdmissionSettings): Record<string, unknown> {
  const requireDigest = rule.requireDigest ?? true;
  return {
    name: rule.id,
    match: { any: [{ resources: resources([{ group: '', version: 'v1', kind: 'Pod' }], settings.namespaces) }] },
    verifyImages: [
      {
        failureAction: failureAction(settings),
        imageReferences: [...rule.images],
        mutateDigest: !requireDigest,
        verifyDigest: requireDigest,
        required: true,
        attestors: [{ count: 1, entries: rule.signers.map(attestorEntry) }],
      },
    ],
  };
}

/** The ClusterPolicy of a module, or undefined when it has no rules. */
export function kyvernoClusterPolicy(module: AdmissionModule, settings: AdmissionSettings): K8sObject | undefined {
  const rules = (module.rules ?? []).flatMap((rule) => (rule.kind === 'validation' ? validationRules(rule, settings) : [verifyImagesRule(rule, settings)]));
  if (rules.length === 0) return undefined;
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: module.id,
      labels: ztpLabels(settings.environment, module),
      annotations: { 'policies.kyverno.io/title': module.description, 'pod-policies.kyverno.io/autogen-controllers': 'none' },
    },
    spec: { background: true, rules },
  };
}
