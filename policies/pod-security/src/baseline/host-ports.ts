import { allow, container, deny, pod, someContainer, validationRule, violation, withWorkloads } from '@ztp/admission/rule';

const withPorts = (name: string, ports: Record<string, unknown>[]) => pod(name, { containers: [container('c', { ports })] });

/** Baseline `hostPorts`: container ports must not set a hostPort other than 0. */
export const hostPorts = validationRule({
  id: 'host-ports',
  title: 'Host ports are forbidden',
  message: 'hostPort: containers must not use hostPorts',
  target: { kind: 'pods' },
  violations: [
    violation(someContainer('c', (c) => [c.some('ports', 'p', (p) => [p.field('hostPort').set(), p.field('hostPort').isNot(0)])])),
  ],
  examples: withWorkloads([
    allow('no-ports', pod('no-ports')),
    allow('container-port', withPorts('container-port', [{ containerPort: 8080 }])),
    allow('host-port-zero', withPorts('host-port-zero', [{ containerPort: 8080, hostPort: 0 }])),
    deny('host-port', withPorts('host-port', [{ containerPort: 8080, hostPort: 8080 }])),
    deny('second-port', withPorts('second-port', [{ containerPort: 80 }, { containerPort: 443, hostPort: 443 }])),
    deny('init-container', pod('init-container', { initContainers: [container('i', { ports: [{ containerPort: 53, hostPort: 53 }] })], containers: [container('c')] })),
  ]),
});
