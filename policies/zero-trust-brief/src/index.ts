/**
 * @ztp/policy-zero-trust-brief: the two admission rules of the zero-trust brief.
 *
 *     admission: [zeroTrustBrief()]
 *
 * - `run-as-non-root`: every container runs with runAsNonRoot=true, set on the container or
 *   inherited from the pod (and not overridden with false on the container).
 * - `no-privileged`: no container sets securityContext.privileged=true.
 */
import { allow, container, deny, pod, someContainer, spec, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';
import type { AdmissionModule } from '@ztp/admission/rule';

const nonRoot = (name: string, podLevel: boolean | undefined, containerLevel: boolean | undefined, extra: Record<string, unknown> = {}) =>
  pod(name, {
    ...(podLevel === undefined ? {} : { securityContext: { runAsNonRoot: podLevel } }),
    containers: [container('app', containerLevel === undefined ? {} : { securityContext: { runAsNonRoot: containerLevel } })],
    ...extra,
  });

/** Containers must set runAsNonRoot (directly or through the pod). */
export const runAsNonRootRule = validationRule({
  id: 'run-as-non-root',
  title: 'Containers run as non-root: runAsNonRoot=true on every container',
  message: 'runAsNonRoot: every container must run with securityContext.runAsNonRoot=true (set on the container or the pod)',
  target: { kind: 'pods' },
  violations: [
    violation(someContainer('c', (c) => [c.field('securityContext.runAsNonRoot').is(false)])),
    violation(spec.field('securityContext.runAsNonRoot').notTrue(), someContainer('c', (c) => [c.field('securityContext.runAsNonRoot').unset()])),
  ],
  examples: withWorkloads([
    allow('pod-level', nonRoot('pod-level', true, undefined)),
    allow('container-level', nonRoot('container-level', undefined, true)),
    deny('unset', nonRoot('unset', undefined, undefined)),
    deny('container-false', nonRoot('container-false', true, false)),
    deny('pod-false', nonRoot('pod-false', false, undefined)),
    deny('init-unset', nonRoot('init-unset', undefined, true, { initContainers: [container('init')] })),
    deny('statefulset-unset', workload('StatefulSet', nonRoot('statefulset-unset', undefined, undefined))),
  ]),
});

/** No container may be privileged. */
export const noPrivilegedRule = validationRule({
  id: 'no-privileged',
  title: 'No privileged containers',
  message: 'privileged: containers must not set securityContext.privileged=true',
  target: { kind: 'pods' },
  violations: [violation(someContainer('c', (c) => [c.field('securityContext.privileged').isTrue()]))],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('false', pod('false', { containers: [container('app', { securityContext: { privileged: false } })] })),
    deny('privileged', pod('privileged', { containers: [container('app', { securityContext: { privileged: true } })] })),
    deny('ephemeral', pod('ephemeral', { containers: [container('app')], ephemeralContainers: [container('debug', { securityContext: { privileged: true } })] })),
    deny('daemonset', workload('DaemonSet', pod('daemonset', { containers: [container('app', { securityContext: { privileged: true } })] }))),
  ]),
});

/** The id of the module zeroTrustBrief returns. */
export const ZERO_TRUST_BRIEF_ID = 'zero-trust-brief';

/** The brief's two rules as one module. */
export function zeroTrustBrief(): AdmissionModule {
  return {
    id: ZERO_TRUST_BRIEF_ID,
    description: 'The zero-trust brief: containers run as non-root, and none is privileged',
    rules: [runAsNonRootRule, noPrivilegedRule],
  };
}
