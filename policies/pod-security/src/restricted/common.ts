import { container, pod } from '@ztp/admission';
import type { K8sObject } from '@ztp/admission';

/**
 * A pod that passes every restricted check, to start restricted examples from: non-root,
 * no privilege escalation, RuntimeDefault seccomp, all capabilities dropped.
 */
export function restrictedPod(name: string, overrides: { pod?: Record<string, unknown>; container?: Record<string, unknown>; podSecurity?: Record<string, unknown> } = {}): K8sObject {
  const securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...(overrides.container ?? {}) };
  return pod(name, {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...(overrides.podSecurity ?? {}) },
    containers: [container('app', { securityContext })],
    ...(overrides.pod ?? {}),
  });
}

/** The same pod on Windows (`spec.os.name: windows`). */
export function onWindows(of: K8sObject): K8sObject {
  return { ...of, spec: { ...(of['spec'] as object), os: { name: 'windows' } } };
}
