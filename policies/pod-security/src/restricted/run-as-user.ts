import { allow, deny, someContainer, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { restrictedPod } from './common.ts';

/** Restricted `runAsUser` (v1.35+): pod and containers must not set runAsUser=0; relaxed for `hostUsers: false`. */
export const runAsUser = validationRule({
  id: 'run-as-user',
  title: 'Running as non-root user: runAsUser must not be 0',
  message: 'runAsUser=0: pod and containers must not set runAsUser=0',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('hostUsers').isNot(false), spec.field('securityContext.runAsUser').is(0)),
    violation(spec.field('hostUsers').isNot(false), someContainer('c', (c) => [c.field('securityContext.runAsUser').is(0)])),
  ],
  examples: withWorkloads([
    allow('unset', restrictedPod('unset')),
    allow('non-zero', restrictedPod('non-zero', { podSecurity: { runAsUser: 1000 }, container: { runAsUser: 1001 } })),
    deny('pod-zero', restrictedPod('pod-zero', { podSecurity: { runAsUser: 0 } })),
    deny('container-zero', restrictedPod('container-zero', { container: { runAsUser: 0 } })),
    allow('user-namespace', restrictedPod('user-namespace', { container: { runAsUser: 0 }, pod: { hostUsers: false } })),
  ]),
});
