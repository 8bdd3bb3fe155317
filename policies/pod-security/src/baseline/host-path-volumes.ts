import { allow, deny, pod, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';

/** Baseline `hostPathVolumes`: volumes must not be hostPath volumes. */
export const hostPathVolumes = validationRule({
  id: 'host-path-volumes',
  title: 'HostPath volumes are forbidden',
  message: 'hostPath volumes: pods must not use hostPath volumes',
  target: { kind: 'pods' },
  violations: [violation(spec.some('volumes', 'v', (v) => [v.field('hostPath').set()]))],
  examples: withWorkloads([
    allow('no-volumes', pod('no-volumes')),
    allow('empty-dir', pod('empty-dir', { volumes: [{ name: 'scratch', emptyDir: {} }] })),
    deny('host-path', pod('host-path', { volumes: [{ name: 'host', hostPath: { path: '/var/run' } }] })),
    deny('second-volume', pod('second-volume', { volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'host', hostPath: { path: '/' } }] })),
  ]),
});
