/**
 * Image-signature rules in the Kyverno form: a `policies.kyverno.io/v1` ImageValidatingPolicy per
 * rule. Every container image (containers, initContainers, ephemeralContainers) that matches the
 * rule's references must carry a cosign signature of at least one of the rule's signers (a public
 * key, or a keyless issuer and subject). Kyverno fetches the signatures from the registry at
 * admission, so the proof cannot run the examples offline (the registry proof does, against a
 * local registry). Pure.
 *
 * What the policy settles, each explicitly rather than by Kyverno's defaults:
 * - it matches Pods and the `pods/ephemeralcontainers` subresource (`kubectl debug`), which Kyverno
 *   does not add to an ImageValidatingPolicy by itself (kyverno/kyverno#16275);
 * - `failurePolicy: Fail`: a registry that cannot be reached, or a signature that cannot be
 *   fetched, is a denial (under `Deny`), never an admission;
 * - `validationConfigurations.required: true`: every matched image must have been verified;
 * - with `requireDigest` (the default) `verifyDigest: true, mutateDigest: false`: a tag is refused,
 *   because the image a tag names can change after its signature was checked; without it
 *   `mutateDigest: true`: Kyverno pins each tag to the digest it verified.
 * Transparency-log and registry-transport settings are left at Kyverno's secure defaults (Rekor
 * and SCT checks on, TLS on); ztp never emits their `insecure*` switches.
 */
import type { AdmissionModule, AdmissionSettings, K8sObject } from '../contract.ts';
import type { ImageSignatureRule, Signer } from '../rule/ast.ts';
import { EPHEMERAL_CONTAINERS_RULE, namespaceSelector } from './match.ts';
import { ruleKey, ruleObjectName, ztpLabels } from './names.ts';

/** The attestor names of the signers, in order: `key1`, `key2`, ... and `keyless1`, ... */
export function attestorNames(signers: readonly Signer[]): string[] {
  const counts = { key: 0, keyless: 0 };
  return signers.map((s) => `${s.kind}${++counts[s.kind]}`);
}

function attestor(signer: Signer, name: string): Record<string, unknown> {
  if (signer.kind === 'key') return { name, cosign: { key: { data: signer.publicKey } } };
  return { name, cosign: { keyless: { identities: [{ issuer: signer.issuer, subject: signer.subject }] } } };
}

/** True when every matched image of the pod carries a signature of at least one attestor. */
export function verifyAllExpression(names: readonly string[]): string {
  const images = '(images.?containers.orValue([]) + images.?initContainers.orValue([]) + images.?ephemeralContainers.orValue([]))';
  const attestors = `[${names.map((n) => `attestors.${n}`).join(', ')}]`;
  return `${images}.map(image, verifyImageSignatures(image, ${attestors})).all(verified, verified > 0)`;
}

/** The ImageValidatingPolicy of one image-signature rule. */
export function kyvernoImageValidatingPolicy(module: AdmissionModule, rule: ImageSignatureRule, settings: AdmissionSettings): K8sObject {
  const selector = namespaceSelector(settings.namespaces);
  const names = attestorNames(rule.signers);
  const requireDigest = rule.requireDigest ?? true;
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: {
      name: ruleObjectName(module, rule),
      labels: ztpLabels(settings.environment, module),
      annotations: { 'policies.kyverno.io/title': rule.title, 'ztp.dev/rule': ruleKey(module, rule) },
    },
    spec: {
      failurePolicy: 'Fail',
      validationActions: [settings.enforcement === 'enforce' ? 'Deny' : 'Audit'],
      matchConstraints: {
        // Kyverno builds an ImageValidatingPolicy's webhook from these rules verbatim: without the
        // ephemeral-containers subresource, `kubectl debug` could add an unsigned image to a running
        // pod. A second rule turns Kyverno's autogen for pod controllers off; their pods are still
        // checked when they are created.
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }, { ...EPHEMERAL_CONTAINERS_RULE }],
        ...(selector ? { namespaceSelector: selector } : {}),
      },
      matchImageReferences: rule.images.map((glob) => ({ glob })),
      validationConfigurations: { mutateDigest: !requireDigest, verifyDigest: requireDigest, required: true },
      attestors: rule.signers.map((s, i) => attestor(s, names[i]!)),
      validations: [{ expression: verifyAllExpression(names), message: rule.message }],
    },
  };
}
