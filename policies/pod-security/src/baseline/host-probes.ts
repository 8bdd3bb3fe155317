import type { Clause } from '@ztp/admission/rule';
import { allow, container, deny, pod, someContainer, validationRule, violation, withWorkloads } from '@ztp/admission/rule';

/** The host fields of probes and lifecycle handlers (check `hostProbesAndHostLifecycle`). */
const HOST_FIELDS = [
  'livenessProbe.httpGet.host',
  'readinessProbe.httpGet.host',
  'startupProbe.httpGet.host',
  'livenessProbe.tcpSocket.host',
  'readinessProbe.tcpSocket.host',
  'startupProbe.tcpSocket.host',
  'lifecycle.postStart.httpGet.host',
  'lifecycle.preStop.httpGet.host',
  'lifecycle.postStart.tcpSocket.host',
  'lifecycle.preStop.tcpSocket.host',
] as const;

const clauses: Clause[] = HOST_FIELDS.map((path) => violation(someContainer('c', (c) => [c.field(path).set(), c.field(path).isNot('')])));

const withContainer = (name: string, extra: Record<string, unknown>) => pod(name, { containers: [container('c', extra)] });

/** Baseline `hostProbesAndHostLifecycle` (v1.34+): probes and lifecycle handlers must not set a host. */
export const hostProbes = validationRule({
  id: 'host-probes',
  title: 'Probe and lifecycle hosts: probes and lifecycle handlers must not name a host',
  message: 'probe or lifecycle host: containers must not set a host in probes or lifecycle handlers',
  target: { kind: 'pods' },
  violations: clauses,
  examples: withWorkloads([
    allow('no-probes', pod('no-probes')),
    allow('probe-without-host', withContainer('probe-without-host', { livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { tcpSocket: { port: 8080 } } })),
    allow('empty-host', withContainer('empty-host', { startupProbe: { httpGet: { host: '', port: 8080 } } })),
    deny('liveness-http', withContainer('liveness-http', { livenessProbe: { httpGet: { host: 'bad.host', port: 8080 } } })),
    deny('readiness-http', withContainer('readiness-http', { readinessProbe: { httpGet: { host: 'bad.host', port: 8080 } } })),
    deny('readiness-tcp', withContainer('readiness-tcp', { readinessProbe: { tcpSocket: { host: '10.0.0.1', port: 8080 } } })),
    deny('startup-http', withContainer('startup-http', { startupProbe: { httpGet: { host: 'bad.host', port: 8080 } } })),
    deny('startup-tcp', withContainer('startup-tcp', { startupProbe: { tcpSocket: { host: '127.0.0.1', port: 8080 } } })),
    deny('post-start-http', withContainer('post-start-http', { lifecycle: { postStart: { httpGet: { host: 'bad.host', port: 8080 } } } })),
    deny('pre-stop-http', withContainer('pre-stop-http', { lifecycle: { preStop: { httpGet: { host: 'bad.host', port: 8080 } } } })),
    deny('post-start-tcp', withContainer('post-start-tcp', { lifecycle: { postStart: { tcpSocket: { host: 'bad.host', port: 8080 } } } }), {
      note: 'tcpSocket is no lifecycle handler the kubelet runs, but the API keeps it and the check reads its host',
    }),
    deny('pre-stop-tcp', withContainer('pre-stop-tcp', { lifecycle: { preStop: { tcpSocket: { host: 'bad.host', port: 8080 } } } })),
    deny('init-liveness-tcp', pod('init-liveness-tcp', { initContainers: [container('i', { restartPolicy: 'Always', livenessProbe: { tcpSocket: { host: 'bad.host', port: 53 } } })], containers: [container('c')] }), {
      note: 'a sidecar (restartPolicy Always): only those init containers may have probes',
    }),
  ]),
});
