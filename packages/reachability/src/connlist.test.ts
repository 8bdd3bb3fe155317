import { describe, expect, it } from 'vitest';
import { deployment, netpol, pod } from './__fixtures__/builders.ts';
import { connlist } from './connlist.ts';
import { formatConnlist } from './format.ts';
import { buildResources } from './resources.ts';

/** netpol-analyzer's tests/netpol-analysis-example-minimal, rebuilt in code. */
function minimal() {
  return buildResources([
    deployment('default', 'frontend', { app: 'frontend' }, [{ containerPort: 8080 }]),
    deployment('default', 'backend', { app: 'backendservice' }, [{ containerPort: 9090 }]),
    netpol('default', 'backend-netpol', {
      podSelector: { matchLabels: { app: 'backendservice' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }],
    }),
    netpol('default', 'frontend-netpol', {
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: 'backendservice' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
        { ports: [{ port: 53, protocol: 'UDP' }] },
      ],
    }),
    netpol('default', 'default-deny-in-namespace', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  ]);
}

describe('connlist formats (netpol-analyzer golden outputs)', () => {
  it('txt', () => {
    expect(formatConnlist(connlist(minimal()), 'txt')).toBe(
      '0.0.0.0-255.255.255.255[External] => default/frontend[Deployment] : TCP 8080\n' +
        'default/frontend[Deployment] => 0.0.0.0-255.255.255.255[External] : UDP 53\n' +
        'default/frontend[Deployment] => default/backend[Deployment] : TCP 9090\n',
    );
  });

  it('json', () => {
    expect(formatConnlist(connlist(minimal()), 'json')).toBe(`[
  {
    "src": "0.0.0.0-255.255.255.255[External]",
    "dst": "default/frontend[Deployment]",
    "conn": "TCP 8080"
  },
  {
    "src": "default/frontend[Deployment]",
    "dst": "0.0.0.0-255.255.255.255[External]",
    "conn": "UDP 53"
  },
  {
    "src": "default/frontend[Deployment]",
    "dst": "default/backend[Deployment]",
    "conn": "TCP 9090"
  }
]`);
  });

  it('md', () => {
    expect(formatConnlist(connlist(minimal()), 'md')).toBe(
      '| src | dst | conn |\n|-----|-----|------|\n' +
        '| 0.0.0.0-255.255.255.255[External] | default/frontend[Deployment] | TCP 8080 |\n' +
        '| default/frontend[Deployment] | 0.0.0.0-255.255.255.255[External] | UDP 53 |\n' +
        '| default/frontend[Deployment] | default/backend[Deployment] | TCP 9090 |\n',
    );
  });

  it('csv quotes multi-protocol connections', () => {
    const r = buildResources([
      pod('a', 'x', { app: 'x' }),
      pod('a', 'y', { app: 'y' }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'y' } }, ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] }),
    ]);
    expect(formatConnlist(connlist(r), 'csv')).toContain('a/x[Pod],a/y[Pod],"TCP 80,UDP 53"\n');
  });
});

describe('connlist', () => {
  it('lists every pair without policies, never a workload to itself', () => {
    const r = buildResources([pod('a', 'x', {}), pod('a', 'y', {})]);
    expect(formatConnlist(connlist(r))).toBe(
      '0.0.0.0-255.255.255.255[External] => a/x[Pod] : All Connections\n' +
        '0.0.0.0-255.255.255.255[External] => a/y[Pod] : All Connections\n' +
        'a/x[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections\n' +
        'a/x[Pod] => a/y[Pod] : All Connections\n' +
        'a/y[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections\n' +
        'a/y[Pod] => a/x[Pod] : All Connections\n',
    );
  });

  it('cuts source ranges by ingress ipBlocks and destination ranges by egress ipBlocks only', () => {
    const r = buildResources([
      pod('a', 'x', { app: 'x' }),
      netpol('a', 'in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.10.0.0/16'] } }] }] }),
    ]);
    expect(formatConnlist(connlist(r))).toBe(
      '10.0.0.0-10.9.255.255[External] => a/x[Pod] : All Connections\n' +
        '10.11.0.0-10.255.255.255[External] => a/x[Pod] : All Connections\n' +
        'a/x[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections\n',
    );
  });

  it('lists IPv6 ranges when IPv6 appears', () => {
    const r = buildResources([
      pod('a', 'x', { app: 'x' }),
      netpol('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32' } }] }] }),
    ]);
    const lines = formatConnlist(connlist(r)).split('\n');
    expect(lines).toContain('a/x[Pod] => 2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff[External] : All Connections');
    expect(lines).toContain('0.0.0.0-255.255.255.255[External] => a/x[Pod] : All Connections');
    expect(lines).toContain('::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External] => a/x[Pod] : All Connections');
    expect(lines.some((l) => l.startsWith('a/x[Pod] => 0.0.0.0'))).toBe(false);
  });

  it('reports what only some pods of a workload have as partial', () => {
    const owned = (name: string, labels: Record<string, string>) => ({
      ...pod('a', name, labels),
      metadata: { name, namespace: 'a', labels, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', controller: true }] },
    });
    const r = buildResources([
      owned('rs-1', { app: 'rs', canary: 'yes' }),
      owned('rs-2', { app: 'rs' }),
      pod('a', 'client', { app: 'client' }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'rs' } }, ingress: [{ ports: [{ port: 80 }] }] }),
      netpol('a', 'canary', { podSelector: { matchLabels: { canary: 'yes' } }, ingress: [{ ports: [{ port: 81 }] }] }),
    ]);
    const entry = connlist(r).find((e) => e.src.name === 'a/client[Pod]' && e.dst.name === 'a/rs[ReplicaSet]');
    expect(entry?.conns.toString()).toBe('TCP 80');
    expect(entry?.partial?.toString()).toBe('TCP 80-81');
    expect(formatConnlist([entry!])).toBe('a/client[Pod] => a/rs[ReplicaSet] : TCP 80 (some pods only: TCP 80-81)\n');
  });
});
