import { allow, container, deny, invalidOnCluster, meta, pod, someContainer, spec, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';
import { APPARMOR_ANNOTATION_PREFIX, APPARMOR_TYPES } from './values.ts';

const annotated = (name: string, value: string) =>
  pod(name, {}, { annotations: { [`${APPARMOR_ANNOTATION_PREFIX}app`]: value } });

/**
 * Baseline `appArmorProfile`: a set appArmorProfile must be RuntimeDefault or Localhost, and the
 * deprecated per-container annotations must be empty, `runtime/default` or `localhost/*`.
 */
export const appArmor = validationRule({
  id: 'apparmor',
  title: 'AppArmor: overriding or disabling the default AppArmor profile is forbidden',
  message: 'forbidden AppArmor profile: the AppArmor profile must be RuntimeDefault or Localhost',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('securityContext.appArmorProfile').set(), spec.field('securityContext.appArmorProfile.type').notOneOf(APPARMOR_TYPES)),
    violation(
      someContainer('c', (c) => [
        c.field('securityContext.appArmorProfile').set(),
        c.field('securityContext.appArmorProfile.type').notOneOf(APPARMOR_TYPES),
      ]),
    ),
    violation(
      meta.someEntry('annotations', 'a', (a) => [
        a.field('key').startsWith(APPARMOR_ANNOTATION_PREFIX),
        a.field('value').notOneOf(['', 'runtime/default']),
        a.field('value').notStartsWith('localhost/'),
      ]),
    ),
  ],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('runtime-default', pod('runtime-default', { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } })),
    allow('container-localhost', pod('container-localhost', { containers: [container('c', { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } })] })),
    allow('annotation-runtime-default', annotated('annotation-runtime-default', 'runtime/default')),
    allow('annotation-localhost', annotated('annotation-localhost', 'localhost/custom')),
    allow('annotation-empty', annotated('annotation-empty', '')),
    allow('other-annotation', pod('other-annotation', {}, { annotations: { 'example.com/apparmor': 'unconfined' } })),
    deny('pod-unconfined', pod('pod-unconfined', { securityContext: { appArmorProfile: { type: 'Unconfined' } } })),
    deny('container-unconfined', pod('container-unconfined', { containers: [container('c', { securityContext: { appArmorProfile: { type: 'Unconfined' } } })] })),
    invalidOnCluster(
      deny('profile-without-type', pod('profile-without-type', { securityContext: { appArmorProfile: {} } }), {
        note: 'an appArmorProfile with no type is not an allowed type; the apiserver requires the type, so this pod exists only as a manifest',
      }),
    ),
    deny('annotation-unconfined', annotated('annotation-unconfined', 'unconfined')),
    deny('deployment-annotation', workload('Deployment', annotated('deployment-annotation', 'unconfined')), { note: 'the pod template annotations count' }),
  ]),
});
