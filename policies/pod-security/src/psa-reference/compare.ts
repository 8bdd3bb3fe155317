/**
 * Does an engine's verdict on a pod agree with the PodSecurity reference? The module is the
 * Pod Security Standards as of v1.37; the reference is the apiserver's PodSecurity at its own
 * version (v1.35). Between the two exactly one check changed (k8s.io/pod-security-admission
 * v0.35.4..v0.37: policy/check_sysctls.go, commit 23192ec, "Add net.ipv4.tcp_slow_start_after_idle
 * and net.ipv4.tcp_notsent_lowat as safe sysctls", allowed from v1.37): a pod setting one of
 * those two sysctls is denied by v1.35 and may be allowed by v1.37. Only that exact difference
 * is accepted: the reference must then deny with nothing but "forbidden sysctls" naming only
 * those sysctls. Pure.
 */
import type { K8sObject } from '@ztp/admission/rule';
import { V1_37_SYSCTLS } from './pods.ts';
import type { ReferenceVerdict } from './reference.ts';

/** The v1.37-only sysctls the pod sets. */
export function v137Sysctls(pod: K8sObject): string[] {
  const sysctls = ((pod['spec'] as Record<string, any> | undefined)?.['securityContext']?.['sysctls'] ?? []) as { name?: unknown }[];
  return sysctls.map((s) => String(s.name)).filter((n) => (V1_37_SYSCTLS as readonly string[]).includes(n));
}

/** True when the reference's denial is only the v1.37 sysctls (so a v1.37 allow agrees with it). */
function onlyV137Sysctls(reference: ReferenceVerdict): boolean {
  if (reference.kind !== 'deny' || reference.violations.length !== 1) return false;
  const m = /^forbidden sysctls \((.+)\)$/.exec(reference.violations[0]!);
  return m !== null && m[1]!.split(', ').every((n) => (V1_37_SYSCTLS as readonly string[]).includes(n));
}

export type Agreement = 'agree' | 'version-difference' | 'disagree';

/**
 * How an engine's verdict (`allowed`) stands to the reference's on `pod` (which must be valid),
 * the reference being the PodSecurity of Kubernetes v1.`referenceMinor`.
 */
export function compare(pod: K8sObject, allowed: boolean, reference: ReferenceVerdict, referenceMinor: number): Agreement {
  if (reference.kind === 'invalid') throw new Error('an invalid pod has no reference verdict to compare with');
  const newer = referenceMinor < 37 && v137Sysctls(pod).length > 0;
  if (reference.kind === 'allow') return allowed && !newer ? 'agree' : 'disagree'; // v1.35 must refuse the v1.37 sysctls
  if (!allowed) return 'agree';
  return newer && onlyV137Sysctls(reference) ? 'version-difference' : 'disagree';
}
