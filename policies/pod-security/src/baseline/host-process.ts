import { allow, container, deny, pod, someContainer, spec, validationRule, violation, workload } from '@ztp/admission';

/** Baseline `windowsHostProcess`: pod and containers must not set windowsOptions.hostProcess=true. */
export const hostProcess = validationRule({
  id: 'host-process',
  title: 'HostProcess: Windows HostProcess pods are forbidden',
  message: 'hostProcess: pod and containers must not set securityContext.windowsOptions.hostProcess=true',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('securityContext.windowsOptions.hostProcess').isTrue()),
    violation(someContainer('c', (c) => [c.field('securityContext.windowsOptions.hostProcess').isTrue()])),
  ],
  examples: [
    allow('unset', pod('unset')),
    allow('false', pod('false', { securityContext: { windowsOptions: { hostProcess: false } } })),
    deny('pod-true', pod('pod-true', { os: { name: 'windows' }, hostNetwork: true, securityContext: { windowsOptions: { hostProcess: true } } })),
    deny('container-true', pod('container-true', { containers: [container('c', { securityContext: { windowsOptions: { hostProcess: true } } })] })),
    deny('init-true', pod('init-true', { initContainers: [container('i', { securityContext: { windowsOptions: { hostProcess: true } } })], containers: [container('c')] })),
    deny('deployment-true', workload('Deployment', pod('deployment-true', { containers: [container('c', { securityContext: { windowsOptions: { hostProcess: true } } })] }))),
  ],
});
