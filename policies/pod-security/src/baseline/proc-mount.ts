import { allow, container, deny, invalidOnCluster, pod, someContainer, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';

const INVALID = 'the apiserver refuses procMount Unmasked unless hostUsers is false, which is exactly when baseline allows it: every pod this rule denies is an invalid object (upstream marks these fixtures failRequiresError)';

const mounting = (name: string, procMount: string, podSpec: Record<string, unknown> = {}) =>
  pod(name, { ...podSpec, containers: [container('c', { securityContext: { procMount } })] });

/**
 * Baseline `procMount` (v1.35+): containers must leave procMount unset or `Default`, unless the pod
 * runs in a user namespace (`hostUsers: false`).
 */
export const procMount = validationRule({
  id: 'proc-mount',
  title: '/proc mount type: the default /proc masks are required outside user namespaces',
  message: 'procMount: containers must not set securityContext.procMount other than Default unless hostUsers is false',
  target: { kind: 'pods' },
  violations: [
    violation(
      spec.field('hostUsers').isNot(false),
      someContainer('c', (c) => [c.field('securityContext.procMount').set(), c.field('securityContext.procMount').isNot('Default')]),
    ),
  ],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('default', mounting('default', 'Default')),
    allow('unmasked-in-user-namespace', mounting('unmasked-in-user-namespace', 'Unmasked', { hostUsers: false })),
    invalidOnCluster(deny('unmasked', mounting('unmasked', 'Unmasked'), { note: INVALID })),
    invalidOnCluster(deny('unmasked-host-users', mounting('unmasked-host-users', 'Unmasked', { hostUsers: true }), { note: INVALID })),
    invalidOnCluster(
      deny('ephemeral', pod('ephemeral', { containers: [container('c')], ephemeralContainers: [container('e', { securityContext: { procMount: 'Unmasked' } })] }), { note: INVALID }),
    ),
  ]),
});
