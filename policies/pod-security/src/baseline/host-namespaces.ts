import { allow, deny, pod, spec, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';

/** Baseline `hostNamespaces`: hostNetwork, hostPID and hostIPC must be unset or false. */
export const hostNamespaces = validationRule({
  id: 'host-namespaces',
  title: 'Host namespaces: sharing the host network, PID or IPC namespace is forbidden',
  message: 'host namespaces: pods must not set hostNetwork, hostPID or hostIPC to true',
  target: { kind: 'pods' },
  violations: [
    violation(spec.field('hostNetwork').isTrue()),
    violation(spec.field('hostPID').isTrue()),
    violation(spec.field('hostIPC').isTrue()),
  ],
  examples: withWorkloads([
    allow('unset', pod('unset')),
    allow('all-false', pod('all-false', { hostNetwork: false, hostPID: false, hostIPC: false })),
    deny('host-network', pod('host-network', { hostNetwork: true })),
    deny('host-pid', pod('host-pid', { hostPID: true })),
    deny('host-ipc', pod('host-ipc', { hostIPC: true })),
    deny('cronjob-host-network', workload('CronJob', pod('cronjob-host-network', { hostNetwork: true }))),
    allow('statefulset-unset', workload('StatefulSet', pod('statefulset-unset'))),
  ]),
});
