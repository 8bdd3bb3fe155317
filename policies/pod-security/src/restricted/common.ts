import { container, pod } from '@ztp/admission/rule';
import type { K8sObject } from '@ztp/admission/rule';

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

/** Pod securityContext fields the apiserver refuses on a Windows pod (`spec.os.name: windows`). */
const LINUX_ONLY_POD = ['seccompProfile', 'appArmorProfile', 'seLinuxOptions', 'sysctls', 'fsGroup', 'fsGroupChangePolicy', 'runAsUser', 'runAsGroup', 'supplementalGroups', 'supplementalGroupsPolicy'];
/** Container securityContext fields the apiserver refuses on a Windows pod. */
const LINUX_ONLY_CONTAINER = ['seccompProfile', 'appArmorProfile', 'seLinuxOptions', 'capabilities', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'readOnlyRootFilesystem', 'runAsUser', 'runAsGroup'];

function without(context: unknown, fields: readonly string[]): Record<string, unknown> | undefined {
  if (context === undefined || context === null) return undefined;
  return Object.fromEntries(Object.entries(context as Record<string, unknown>).filter(([key]) => !fields.includes(key)));
}

/**
 * The same pod on Windows (`spec.os.name: windows`), without the Linux-only security fields the
 * apiserver refuses on a Windows pod (seccomp, capabilities, allowPrivilegeEscalation, ...):
 * what restricted's Windows exemptions are about is then their absence.
 */
export function onWindows(of: K8sObject): K8sObject {
  const spec = of['spec'] as Record<string, unknown>;
  const strip = (list: unknown) =>
    Array.isArray(list) ? list.map((c: Record<string, unknown>) => (c['securityContext'] === undefined ? c : { ...c, securityContext: without(c['securityContext'], LINUX_ONLY_CONTAINER) })) : list;
  const out: Record<string, unknown> = { ...spec, os: { name: 'windows' }, containers: strip(spec['containers']) };
  if (spec['securityContext'] !== undefined) out['securityContext'] = without(spec['securityContext'], LINUX_ONLY_POD);
  for (const key of ['initContainers', 'ephemeralContainers']) if (spec[key] !== undefined) out[key] = strip(spec[key]);
  return { ...of, spec: out };
}
