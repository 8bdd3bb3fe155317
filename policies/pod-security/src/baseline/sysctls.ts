import { allow, deny, pod, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { SAFE_SYSCTLS } from './values.ts';

const withSysctls = (name: string, names: readonly string[]) =>
  pod(name, { securityContext: { sysctls: names.map((n) => ({ name: n, value: '1' })) } });

/** Baseline `sysctls` (v1.37): only the safe sysctls may be set. */
export const sysctls = validationRule({
  id: 'sysctls',
  title: 'Sysctls: only the safe, namespaced sysctls are allowed',
  message: 'forbidden sysctls: pods must only set safe sysctls',
  target: { kind: 'pods' },
  violations: [violation(spec.some('securityContext.sysctls', 's', (s) => [s.field('name').notOneOf(SAFE_SYSCTLS)]))],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('every-safe', withSysctls('every-safe', SAFE_SYSCTLS)),
    allow('v1-37-additions', withSysctls('v1-37-additions', ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'])),
    deny('kernel-msgmax', withSysctls('kernel-msgmax', ['kernel.msgmax'])),
    deny('one-unsafe', withSysctls('one-unsafe', ['kernel.shm_rmid_forced', 'net.core.somaxconn'])),
  ]),
});
