import { allow, container, deny, pod, someContainer, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { SECCOMP_TYPES } from './values.ts';

/** Baseline `seccompProfile_baseline` (v1.19+): a set seccomp profile must be RuntimeDefault or Localhost. */
export const seccomp = validationRule({
  id: 'seccomp',
  title: 'Seccomp: the seccomp profile must not be set to Unconfined',
  message: 'seccompProfile: pod and containers must not set securityContext.seccompProfile.type other than RuntimeDefault or Localhost',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('securityContext.seccompProfile').set(), spec.field('securityContext.seccompProfile.type').notOneOf(SECCOMP_TYPES)),
    violation(
      someContainer('c', (c) => [c.field('securityContext.seccompProfile').set(), c.field('securityContext.seccompProfile.type').notOneOf(SECCOMP_TYPES)]),
    ),
  ],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('runtime-default', pod('runtime-default', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } })),
    allow('container-localhost', pod('container-localhost', { containers: [container('c', { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } })] })),
    deny('pod-unconfined', pod('pod-unconfined', { securityContext: { seccompProfile: { type: 'Unconfined' } } })),
    deny('container-unconfined', pod('container-unconfined', { containers: [container('c', { securityContext: { seccompProfile: { type: 'Unconfined' } } })] })),
    deny('init-unconfined', pod('init-unconfined', { initContainers: [container('i', { securityContext: { seccompProfile: { type: 'Unconfined' } } })], containers: [container('c')] })),
  ]),
});
