/**
 * @ztp/policy-pod-security: the Kubernetes Pod Security Standards as ztp admission modules.
 *
 *     admission: [podSecurity('restricted')]
 *
 * Each level is complete and exact as k8s.io/pod-security-admission defines it for Kubernetes
 * v1.37 (the latest version of every check), including its exemptions: restricted's
 * allowPrivilegeEscalation, seccomp and capabilities checks are skipped for `spec.os.name:
 * windows`, and runAsNonRoot, runAsUser and baseline procMount are relaxed for `hostUsers: false`.
 */
import type { AdmissionModule, ValidationRule } from '@ztp/admission/rule';
import { BASELINE_RULES } from './baseline/index.ts';
import { RESTRICTED_RULES } from './restricted/index.ts';

export { BASELINE_RULES } from './baseline/index.ts';
export { RESTRICTED_RULES } from './restricted/index.ts';
export * from './baseline/values.ts';

/** A Pod Security Standards level. */
export type PodSecurityLevel = 'baseline' | 'restricted';

/** The rules of a level. */
export function podSecurityRules(level: PodSecurityLevel): readonly ValidationRule[] {
  return level === 'baseline' ? BASELINE_RULES : RESTRICTED_RULES;
}

/** The Pod Security Standards at `level`, as an admission module `pod-security-<level>`. */
export function podSecurity(level: PodSecurityLevel): AdmissionModule {
  return {
    id: `pod-security-${level}`,
    description: `Kubernetes Pod Security Standards, ${level} level (as of Kubernetes v1.37)`,
    rules: podSecurityRules(level),
  };
}
