import { allow, container, deny, pod, someContainer, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { BASELINE_CAPABILITIES } from './values.ts';

const adding = (name: string, add: string[]) =>
  pod(name, { containers: [container('c', { securityContext: { capabilities: { add } } })] });

/** Baseline `capabilities_baseline`: containers may only add capabilities of the default set. */
export const capabilities = validationRule({
  id: 'capabilities',
  title: 'Capabilities: adding capabilities beyond the default set is forbidden',
  message: 'non-default capabilities: containers must not add capabilities beyond the default set',
  target: { kind: 'pods' },
  violations: [
    violation(
      someContainer('c', (c) => [c.some('securityContext.capabilities.add', 'cap', (cap) => [cap.self().notOneOf(BASELINE_CAPABILITIES)])]),
    ),
  ],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('empty', adding('empty', [])),
    allow('every-default', adding('every-default', [...BASELINE_CAPABILITIES])),
    allow('drop-only', pod('drop-only', { containers: [container('c', { securityContext: { capabilities: { drop: ['ALL'] } } })] })),
    deny('net-raw', adding('net-raw', ['NET_RAW'])),
    deny('sys-admin', adding('sys-admin', ['CHOWN', 'SYS_ADMIN'])),
    deny('all', adding('all', ['ALL'])),
    deny('init-container', pod('init-container', { initContainers: [container('i', { securityContext: { capabilities: { add: ['NET_ADMIN'] } } })], containers: [container('c')] })),
  ]),
});
