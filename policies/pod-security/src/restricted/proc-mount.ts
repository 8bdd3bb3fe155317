import { allow, deny, invalidOnCluster, someContainer, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { restrictedPod } from './common.ts';

/** Restricted `procMount_restricted` (v1.35+, replaces the baseline check): procMount must be unset or Default, even in user namespaces. */
export const procMountRestricted = validationRule({
  id: 'proc-mount',
  title: '/proc mount type: the default /proc masks are required',
  message: 'procMount: containers must not set securityContext.procMount other than Default',
  target: { kind: 'pods' },
  violations: [violation(someContainer('c', (c) => [c.field('securityContext.procMount').set(), c.field('securityContext.procMount').isNot('Default')]))],
  examples: withWorkloads([
    allow('default', restrictedPod('default', { container: { procMount: 'Default' } })),
    invalidOnCluster(
      deny('unmasked', restrictedPod('unmasked', { container: { procMount: 'Unmasked' } }), {
        note: 'the apiserver refuses procMount Unmasked unless hostUsers is false (the case below), so this pod exists only as a manifest',
      }),
    ),
    deny('unmasked-user-namespace', restrictedPod('unmasked-user-namespace', { container: { procMount: 'Unmasked' }, pod: { hostUsers: false } }), {
      note: 'unlike baseline, restricted does not relax procMount for user namespaces',
    }),
  ]),
});
