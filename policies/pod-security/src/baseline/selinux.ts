import { allow, container, deny, pod, someContainer, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { SELINUX_TYPES } from './values.ts';

const podOptions = (name: string, seLinuxOptions: Record<string, string>) => pod(name, { securityContext: { seLinuxOptions } });
const containerOptions = (name: string, seLinuxOptions: Record<string, string>) =>
  pod(name, { containers: [container('c', { securityContext: { seLinuxOptions } })] });

/**
 * Baseline `seLinuxOptions` (v1.31+): the SELinux type must be unset, empty or a container type;
 * user and role must be unset or empty.
 */
export const seLinux = validationRule({
  id: 'selinux',
  title: 'SELinux: custom SELinux types, users and roles are forbidden',
  message: 'seLinuxOptions: pod and containers must not set a forbidden SELinux type, user or role',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('securityContext.seLinuxOptions.type').set(), spec.field('securityContext.seLinuxOptions.type').notOneOf(SELINUX_TYPES)),
    violation(spec.field('securityContext.seLinuxOptions.user').set(), spec.field('securityContext.seLinuxOptions.user').isNot('')),
    violation(spec.field('securityContext.seLinuxOptions.role').set(), spec.field('securityContext.seLinuxOptions.role').isNot('')),
    violation(someContainer('c', (c) => [c.field('securityContext.seLinuxOptions.type').set(), c.field('securityContext.seLinuxOptions.type').notOneOf(SELINUX_TYPES)])),
    violation(someContainer('c', (c) => [c.field('securityContext.seLinuxOptions.user').set(), c.field('securityContext.seLinuxOptions.user').isNot('')])),
    violation(someContainer('c', (c) => [c.field('securityContext.seLinuxOptions.role').set(), c.field('securityContext.seLinuxOptions.role').isNot('')])),
  ],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('container-t', podOptions('container-t', { type: 'container_t' })),
    allow('engine-t', containerOptions('engine-t', { type: 'container_engine_t' })),
    allow('level-only', podOptions('level-only', { level: 's0:c123,c456' })),
    allow('empty-strings', containerOptions('empty-strings', { type: '', user: '', role: '' })),
    deny('pod-type', podOptions('pod-type', { type: 'spc_t' })),
    deny('container-type', containerOptions('container-type', { type: 'spc_t' })),
    deny('pod-user', podOptions('pod-user', { user: 'sysadm_u' })),
    deny('pod-role', podOptions('pod-role', { role: 'sysadm_r' }), { note: 'upstream fail fixture selinuxoptions4: a role on the pod alone' }),
    deny('container-role', containerOptions('container-role', { role: 'sysadm_r' })),
    deny('init-user', pod('init-user', { initContainers: [container('i', { securityContext: { seLinuxOptions: { user: 'sysadm_u' } } })], containers: [container('c')] })),
  ]),
});
