import { allow, container, deny, pod, someContainer, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';

/** Baseline `privileged`: containers must not set securityContext.privileged=true. */
export const privileged = validationRule({
  id: 'privileged',
  title: 'Privileged containers are forbidden',
  message: 'privileged: containers must not set securityContext.privileged=true',
  target: { kind: 'pods' },
  violations: [violation(someContainer('c', (c) => [c.field('securityContext.privileged').isTrue()]))],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('false', pod('false', { containers: [container('c', { securityContext: { privileged: false } })] })),
    deny('container', pod('container', { containers: [container('c', { securityContext: { privileged: true } })] })),
    deny('init-container', pod('init-container', { initContainers: [container('i', { securityContext: { privileged: true } })], containers: [container('c')] })),
    deny('ephemeral-container', pod('ephemeral-container', { containers: [container('c')], ephemeralContainers: [container('e', { securityContext: { privileged: true } })] })),
    deny('daemonset', workload('DaemonSet', pod('daemonset', { containers: [container('c', { securityContext: { privileged: true } })] }))),
    deny('job', workload('Job', pod('job', { containers: [container('c', { securityContext: { privileged: true } })] }))),
  ]),
});
