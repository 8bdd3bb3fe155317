import { allow, container, deny, someContainer, spec, validationRule, violationWithMessage, withWorkloads } from '@ztp/admission/rule';
import { onWindows, restrictedPod } from './common.ts';

const DROP = 'unrestricted capabilities: containers must set securityContext.capabilities.drop=["ALL"]';
const ADD = 'unrestricted capabilities: containers must not add capabilities other than NET_BIND_SERVICE';
const linux = () => spec.field('os.name').isNot('windows');

/**
 * Restricted `capabilities_restricted` (v1.25+, replaces the baseline check): containers must drop
 * ALL and may add only NET_BIND_SERVICE; skipped for Windows pods.
 */
export const capabilitiesRestricted = validationRule({
  id: 'capabilities',
  title: 'Capabilities: containers must drop ALL and may only add NET_BIND_SERVICE (Linux only)',
  message: 'unrestricted capabilities',
  target: { kind: 'pods' },
  violations: [
    violationWithMessage(DROP, linux(), someContainer('c', (c) => [c.field('securityContext.capabilities.drop').notContains('ALL')])),
    violationWithMessage(ADD, linux(), someContainer('c', (c) => [c.some('securityContext.capabilities.add', 'cap', (cap) => [cap.self().isNot('NET_BIND_SERVICE')])])),
  ],
  examples: withWorkloads([
    allow('drop-all', restrictedPod('drop-all')),
    allow('add-net-bind-service', restrictedPod('add-net-bind-service', { container: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } })),
    deny('drop-missing', restrictedPod('drop-missing', { container: { capabilities: undefined } }), { message: DROP }),
    deny('drop-some', restrictedPod('drop-some', { container: { capabilities: { drop: ['NET_RAW'] } } }), { message: DROP }),
    deny('add-chown', restrictedPod('add-chown', { container: { capabilities: { drop: ['ALL'], add: ['CHOWN'] } } }), { message: ADD, note: 'CHOWN is in the baseline default set, not in restricted' }),
    deny('ephemeral-no-drop', restrictedPod('ephemeral-no-drop', { pod: { ephemeralContainers: [container('debug', { securityContext: { allowPrivilegeEscalation: false } })] } }), { message: DROP }),
    allow('windows-no-drop', onWindows(restrictedPod('windows-no-drop', { container: { capabilities: undefined } }))),
  ]),
});
