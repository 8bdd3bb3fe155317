import { allow, deny, invalidOnCluster, someContainer, spec, validationRule, violationWithMessage, withWorkloads } from '@ztp/admission/rule';
import type { K8sObject } from '@ztp/admission/rule';
import { SECCOMP_TYPES } from '../baseline/values.ts';
import { onWindows, restrictedPod } from './common.ts';

const FORBIDDEN = 'seccompProfile: pod and containers must not set securityContext.seccompProfile.type other than RuntimeDefault or Localhost';
const REQUIRED = 'seccompProfile: pod or containers must set securityContext.seccompProfile.type to RuntimeDefault or Localhost';
const linux = () => spec.field('os.name').isNot('windows');

/** The pod with a pod-level seccomp profile of `type`. */
const withPodSeccomp = (of: K8sObject, type: string): K8sObject => {
  const podSpec = of['spec'] as Record<string, unknown>;
  return { ...of, spec: { ...podSpec, securityContext: { ...(podSpec['securityContext'] as object), seccompProfile: { type } } } };
};

/**
 * Restricted `seccompProfile_restricted` (v1.25+, replaces the baseline check): the pod or every
 * container must set a RuntimeDefault or Localhost profile, and none may set another; skipped
 * for Windows pods.
 */
export const seccompRestricted = validationRule({
  id: 'seccomp',
  title: 'Seccomp: a RuntimeDefault or Localhost seccomp profile is required (Linux only)',
  message: 'seccompProfile',
  target: { kind: 'pods' },
  violations: [
    violationWithMessage(FORBIDDEN, linux(), spec.field('securityContext.seccompProfile').set(), spec.field('securityContext.seccompProfile.type').notOneOf(SECCOMP_TYPES)),
    violationWithMessage(
      FORBIDDEN,
      linux(),
      someContainer('c', (c) => [c.field('securityContext.seccompProfile').set(), c.field('securityContext.seccompProfile.type').notOneOf(SECCOMP_TYPES)]),
    ),
    violationWithMessage(REQUIRED, linux(), spec.field('securityContext.seccompProfile').unset(), someContainer('c', (c) => [c.field('securityContext.seccompProfile').unset()])),
  ],
  examples: withWorkloads([
    allow('pod-runtime-default', restrictedPod('pod-runtime-default')),
    allow('container-localhost', restrictedPod('container-localhost', { podSecurity: { seccompProfile: undefined }, container: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } })),
    deny('unset', restrictedPod('unset', { podSecurity: { seccompProfile: undefined } }), { message: REQUIRED }),
    deny('pod-unconfined', restrictedPod('pod-unconfined', { podSecurity: { seccompProfile: { type: 'Unconfined' } }, container: { seccompProfile: { type: 'RuntimeDefault' } } }), { message: FORBIDDEN }),
    deny('container-unconfined', restrictedPod('container-unconfined', { container: { seccompProfile: { type: 'Unconfined' } } }), { message: FORBIDDEN }),
    allow('windows-unset', onWindows(restrictedPod('windows-unset', { podSecurity: { seccompProfile: undefined } }))),
    invalidOnCluster(
      allow(
        'windows-unconfined',
        withPodSeccomp(onWindows(restrictedPod('windows-unconfined')), 'Unconfined'),
        'restricted overrides the baseline seccomp check and skips Windows pods; the apiserver refuses any seccompProfile on a Windows pod, so this one exists only as a manifest',
      ),
    ),
  ]),
});
