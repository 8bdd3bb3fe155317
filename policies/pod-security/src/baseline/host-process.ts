import { allow, container, deny, invalidOnCluster, pod, someContainer, spec, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';

const HOST_PROCESS = { securityContext: { windowsOptions: { hostProcess: true } } };

/**
 * Baseline `windowsHostProcess`: pod and containers must not set windowsOptions.hostProcess=true.
 * The apiserver requires hostNetwork for HostProcess pods, and all of a pod's containers to be
 * HostProcess containers if any is.
 */
export const hostProcess = validationRule({
  id: 'host-process',
  title: 'HostProcess: Windows HostProcess pods are forbidden',
  message: 'hostProcess: pod and containers must not set securityContext.windowsOptions.hostProcess=true',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('securityContext.windowsOptions.hostProcess').isTrue()),
    violation(someContainer('c', (c) => [c.field('securityContext.windowsOptions.hostProcess').isTrue()])),
  ],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('false', pod('false', { securityContext: { windowsOptions: { hostProcess: false } } })),
    deny('pod-true', pod('pod-true', { os: { name: 'windows' }, hostNetwork: true, securityContext: { windowsOptions: { hostProcess: true } } })),
    deny('container-true', pod('container-true', { hostNetwork: true, containers: [container('c', HOST_PROCESS)] })),
    invalidOnCluster(
      deny('init-true', pod('init-true', { hostNetwork: true, initContainers: [container('i', HOST_PROCESS)], containers: [container('c')] }), {
        note: 'only the init container is HostProcess; the apiserver refuses a pod whose containers are not all HostProcess, so this pod exists only as a manifest',
      }),
    ),
    deny('deployment-true', workload('Deployment', pod('deployment-true', { hostNetwork: true, containers: [container('c', HOST_PROCESS)] }))),
  ]),
});
