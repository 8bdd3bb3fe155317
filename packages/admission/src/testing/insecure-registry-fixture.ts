/**
 * The settings a Kyverno ImageValidatingPolicy needs to verify signatures in a local test
 * registry, and the check that they never reach a bundle. A local registry speaks plain HTTP
 * (`credentials.allowInsecureRegistry`) and its signatures are made without the transparency log
 * (`ctlog.insecureIgnoreTlog`, `ctlog.insecureIgnoreSCT`; in the legacy ClusterPolicy `rekor.ignoreTlog`,
 * `ctlog.ignoreSCT`). ztp's emitters never produce these: a
 * test transforms the emitted policy with `forLocalRegistry`, and every example bundle is scanned
 * with `insecureSettingsIn`.
 */
import type { K8sObject } from '../contract.ts';

/**
 * Keys that switch off transport or transparency-log checks, in the ImageValidatingPolicy
 * (`allowInsecureRegistry`, `insecureIgnoreTlog`, `insecureIgnoreSCT`) and the legacy ClusterPolicy
 * `verifyImages` (`ignoreTlog`, `ignoreSCT`) forms.
 */
export const INSECURE_SETTINGS: readonly string[] = ['allowInsecureRegistry', 'insecureIgnoreTlog', 'insecureIgnoreSCT', 'ignoreTlog', 'ignoreSCT'];

/** Every insecure key named in a text (a YAML or JSON file of a bundle), each once, in INSECURE_SETTINGS order. */
export function insecureSettingsIn(text: string): string[] {
  return INSECURE_SETTINGS.filter((key) => new RegExp(`["']?\\b${key}\\b["']?\\s*:`).test(text));
}

/**
 * A copy of the emitted signature policies for a local HTTP registry with signatures outside the
 * transparency log: ImageValidatingPolicies get `credentials.allowInsecureRegistry` and each cosign
 * attestor `ctlog.insecureIgnoreTlog`/`insecureIgnoreSCT`; ClusterPolicies get `rekor.ignoreTlog`
 * and `ctlog.ignoreSCT` on each `verifyImages` key entry (the Kyverno CLI reaches a 127.0.0.1
 * registry over HTTP by itself). Test fixtures only; throws for any other kind, so it cannot be
 * mistaken for a general transform.
 */
export function forLocalRegistry(policies: readonly K8sObject[]): K8sObject[] {
  return policies.map((policy) => {
    const copy = structuredClone(policy);
    if (policy.kind === 'ImageValidatingPolicy') {
      const spec = copy['spec'] as { credentials?: Record<string, unknown>; attestors: { cosign?: Record<string, unknown> }[] };
      spec.credentials = { ...spec.credentials, allowInsecureRegistry: true };
      for (const attestor of spec.attestors) {
        if (attestor.cosign !== undefined) attestor.cosign['ctlog'] = { insecureIgnoreTlog: true, insecureIgnoreSCT: true };
      }
      return copy;
    }
    if (policy.kind === 'ClusterPolicy') {
      const spec = copy['spec'] as { rules: { verifyImages?: { attestors: { entries: { keys?: Record<string, unknown> }[] }[] }[] }[] };
      for (const entry of spec.rules.flatMap((r) => r.verifyImages ?? []).flatMap((v) => v.attestors).flatMap((a) => a.entries)) {
        if (entry.keys !== undefined) Object.assign(entry.keys, { rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } });
      }
      return copy;
    }
    throw new Error(`forLocalRegistry: ${policy.kind} ${policy.metadata.name} is neither an ImageValidatingPolicy nor a ClusterPolicy`);
  });
}
