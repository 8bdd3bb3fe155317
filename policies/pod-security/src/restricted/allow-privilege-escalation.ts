import { allow, container, deny, someContainer, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { onWindows, restrictedPod } from './common.ts';

/** Restricted `allowPrivilegeEscalation` (v1.25+): containers must set it to false; skipped for Windows pods. */
export const allowPrivilegeEscalation = validationRule({
  id: 'allow-privilege-escalation',
  title: 'Privilege escalation: containers must set allowPrivilegeEscalation=false (Linux only)',
  message: 'allowPrivilegeEscalation != false: containers must set securityContext.allowPrivilegeEscalation=false',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('os.name').isNot('windows'), someContainer('c', (c) => [c.field('securityContext.allowPrivilegeEscalation').isNot(false)])),
  ],
  examples: withWorkloads([
    allow('false', restrictedPod('false')),
    deny('unset', restrictedPod('unset', { container: { allowPrivilegeEscalation: undefined } })),
    deny('true', restrictedPod('true', { container: { allowPrivilegeEscalation: true } })),
    deny('no-security-context', restrictedPod('no-security-context', { pod: { containers: [container('app')] } })),
    deny('init-unset', restrictedPod('init-unset', { pod: { initContainers: [container('init', { securityContext: { capabilities: { drop: ['ALL'] } } })] } })),
    allow('windows-unset', onWindows(restrictedPod('windows-unset', { container: { allowPrivilegeEscalation: undefined } }))),
  ]),
});
