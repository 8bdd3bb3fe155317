import { allow, container, deny, someContainer, spec, validationRule, violationWithMessage, withWorkloads } from '@ztp/admission/rule';
import { onWindows, restrictedPod } from './common.ts';

const MUST_NOT = 'runAsNonRoot != true: pod and containers must not set securityContext.runAsNonRoot=false';
const MUST = 'runAsNonRoot != true: pod or containers must set securityContext.runAsNonRoot=true';
const notUserNamespace = () => spec.field('hostUsers').isNot(false);

/**
 * Restricted `runAsNonRoot` (v1.35+): the pod or every container must set runAsNonRoot=true, and
 * none may set it to false; relaxed for user-namespace pods (`hostUsers: false`). Upstream does
 * not skip it for Windows pods.
 */
export const runAsNonRoot = validationRule({
  id: 'run-as-non-root',
  title: 'Running as non-root: containers must run as non-root users',
  message: 'runAsNonRoot != true',
  target: { kind: 'pods' },
  violations: [
    violationWithMessage(MUST_NOT, notUserNamespace(), spec.field('securityContext.runAsNonRoot').is(false)),
    violationWithMessage(MUST_NOT, notUserNamespace(), someContainer('c', (c) => [c.field('securityContext.runAsNonRoot').is(false)])),
    violationWithMessage(
      MUST,
      notUserNamespace(),
      spec.field('securityContext.runAsNonRoot').notTrue(),
      someContainer('c', (c) => [c.field('securityContext.runAsNonRoot').unset()]),
    ),
  ],
  examples: withWorkloads([
    allow('pod-level', restrictedPod('pod-level')),
    allow('container-level', restrictedPod('container-level', { podSecurity: { runAsNonRoot: undefined }, container: { runAsNonRoot: true } })),
    deny('unset', restrictedPod('unset', { podSecurity: { runAsNonRoot: undefined } }), { message: MUST }),
    deny('pod-false', restrictedPod('pod-false', { podSecurity: { runAsNonRoot: false }, container: { runAsNonRoot: true } }), { message: MUST_NOT }),
    deny('container-false', restrictedPod('container-false', { container: { runAsNonRoot: false } }), { message: MUST_NOT }),
    deny('init-unset', restrictedPod('init-unset', { podSecurity: { runAsNonRoot: undefined }, container: { runAsNonRoot: true }, pod: { initContainers: [container('init', { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })] } }), { message: MUST }),
    allow('user-namespace', restrictedPod('user-namespace', { podSecurity: { runAsNonRoot: false }, pod: { hostUsers: false } })),
    deny('windows-unset', onWindows(restrictedPod('windows-unset', { podSecurity: { runAsNonRoot: undefined } })), { message: MUST, note: 'upstream checks runAsNonRoot on Windows pods too' }),
  ]),
});
