import { describe, expect, it } from 'vitest';
import { deployment, netpol, ns, pod } from './__fixtures__/builders.ts';
import { buildResources } from './resources.ts';
import { verdict } from './verdict.ts';
import { PeerError } from './peers.ts';

const base = [
  ns('a', { team: 'blue' }),
  ns('b', { team: 'red' }),
  pod('a', 'web', { app: 'web' }, { ip: '10.1.0.1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
  pod('a', 'db', { app: 'db' }, { ip: '10.1.0.2', ports: [{ name: 'pg', containerPort: 5432 }] }),
  pod('b', 'client', { app: 'client' }, { ip: '10.2.0.1' }),
];

function world(...policies: Record<string, unknown>[]) {
  return buildResources([...base, ...policies]);
}

describe('verdict', () => {
  it('allows everything without policies, saying why', () => {
    const v = verdict(world(), { src: 'b/client', dst: 'a/web', protocol: 'TCP', port: 1234 });
    expect(v.allowed).toBe(true);
    expect(v.ingress.decidedBy).toBe('not isolated');
    expect(v.egress.decidedBy).toBe('not isolated');
    expect(v.src).toBe('b/client[Pod]');
  });

  it('names the isolating policies when refused, and the allowing rule when allowed', () => {
    const r = world(
      netpol('a', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
      netpol('a', 'web-from-blue', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nope' } } }] }, { from: [{ namespaceSelector: { matchLabels: { team: 'red' } } }], ports: [{ port: 8080 }] }],
      }),
    );
    const denied = verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'TCP', port: 9090 });
    expect(denied.allowed).toBe(false);
    expect(denied.ingress).toEqual({
      allowed: false,
      decidedBy: [
        { kind: 'NetworkPolicy', namespace: 'a', name: 'deny-all', direction: 'ingress' },
        { kind: 'NetworkPolicy', namespace: 'a', name: 'web-from-blue', direction: 'ingress' },
      ],
    });
    expect(denied.egress.decidedBy).toBe('not isolated');
    const allowed = verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'TCP', port: 8080 });
    expect(allowed.allowed).toBe(true);
    expect(allowed.ingress.decidedBy).toEqual([{ kind: 'NetworkPolicy', namespace: 'a', name: 'web-from-blue', direction: 'ingress', rule: 1 }]);
    expect(verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'UDP', port: 8080 }).allowed).toBe(false);
  });

  it('reads an absent namespaceSelector as the policy namespace and {} as every namespace', () => {
    const own = world(netpol('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: {} }] }] }));
    expect(verdict(own, { src: 'a/web', dst: 'a/db', protocol: 'TCP', port: 5432 }).allowed).toBe(true);
    expect(verdict(own, { src: 'b/client', dst: 'a/db', protocol: 'TCP', port: 5432 }).allowed).toBe(false);
    const any = world(netpol('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }));
    expect(verdict(any, { src: 'b/client', dst: 'a/db', protocol: 'TCP', port: 5432 }).allowed).toBe(true);
    expect(verdict(any, { src: '8.8.8.8', dst: 'a/db', protocol: 'TCP', port: 5432 }).allowed).toBe(false);
  });

  it('ANDs podSelector and namespaceSelector inside one peer', () => {
    const r = world(
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'red' } }, podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    );
    expect(verdict(r, { src: 'b/client', dst: 'a/db', protocol: 'TCP', port: 1 }).allowed).toBe(false);
    expect(verdict(r, { src: 'a/web', dst: 'a/db', protocol: 'TCP', port: 1 }).allowed).toBe(false);
  });

  it('needs both the source egress and the destination ingress', () => {
    const r = world(
      netpol('b', 'client-out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 8080 }] }] }),
      netpol('a', 'web-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8080, endPort: 8090 }] }] }),
    );
    expect(verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'TCP', port: 8080 }).allowed).toBe(true);
    const egressOnly = verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'TCP', port: 8085 });
    expect(egressOnly.allowed).toBe(false);
    expect(egressOnly.ingress.allowed).toBe(true);
    expect(egressOnly.egress.allowed).toBe(false);
  });

  it('resolves named ports on the destination pod, for egress too, with the protocol', () => {
    const r = world(
      netpol('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }, { port: 'pg', protocol: 'UDP' }] }] }),
    );
    expect(verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'TCP', port: 8080 }).allowed).toBe(true);
    expect(verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'UDP', port: 53 }).allowed).toBe(true);
    expect(verdict(r, { src: 'b/client', dst: 'a/db', protocol: 'TCP', port: 8080 }).allowed).toBe(false);
    // pg is TCP on the pod; the rule asks for UDP
    expect(verdict(r, { src: 'b/client', dst: 'a/db', protocol: 'UDP', port: 5432 }).allowed).toBe(false);
    expect(verdict(r, { src: 'b/client', dst: 'a/db', protocol: 'TCP', port: 5432 }).allowed).toBe(false);
    // an IP-only destination never matches a named port
    expect(verdict(r, { src: 'b/client', dst: '1.2.3.4', protocol: 'TCP', port: 8080 }).allowed).toBe(false);
  });

  it('matches ipBlocks against external addresses and known pod IPs, minus except', () => {
    const r = world(
      netpol('b', 'out', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.1.0.0/16', except: ['10.1.0.2/32'] } }] }],
      }),
    );
    expect(verdict(r, { src: 'b/client', dst: 'a/web', protocol: 'TCP', port: 80 }).allowed).toBe(true);
    expect(verdict(r, { src: 'b/client', dst: 'a/db', protocol: 'TCP', port: 80 }).allowed).toBe(false);
    expect(verdict(r, { src: 'b/client', dst: '10.1.7.7', protocol: 'SCTP', port: 80 }).allowed).toBe(true);
    expect(verdict(r, { src: 'b/client', dst: '10.3.0.1', protocol: 'TCP', port: 80 }).allowed).toBe(false);
    // an address owned by a pod stands for the pod
    const byIp = verdict(r, { src: 'b/client', dst: '10.1.0.2', protocol: 'TCP', port: 80 });
    expect(byIp.dst).toBe('a/db[Pod]');
    expect(byIp.allowed).toBe(false);
  });

  it('never matches a pod without a known IP with an ipBlock', () => {
    const r = buildResources([
      deployment('a', 'api', { app: 'api' }),
      pod('b', 'client', { app: 'client' }),
      netpol('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
    ]);
    expect(verdict(r, { src: 'b/client', dst: 'a/api', protocol: 'TCP', port: 80 }).allowed).toBe(false);
    expect(verdict(r, { src: 'b/client', dst: '9.9.9.9', protocol: 'TCP', port: 80 }).allowed).toBe(true);
  });

  it('supports IPv6 blocks', () => {
    const v6policy = netpol('a', 'in', {
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:bad::/48'] } }] }],
    });
    const r = buildResources([...base, pod('a', 'dual', {}, { ip: ['10.1.0.9', 'fd00::9'] }), v6policy]);
    expect(verdict(r, { src: '2001:db8::1', dst: 'a/dual', protocol: 'TCP', port: 1 }).allowed).toBe(true);
    expect(verdict(r, { src: '2001:db8:bad::1', dst: 'a/dual', protocol: 'TCP', port: 1 }).allowed).toBe(false);
    expect(verdict(r, { src: '10.9.9.9', dst: 'a/dual', protocol: 'TCP', port: 1 }).allowed).toBe(false);
    // web only has an IPv4 address: an IPv6 client has no path to it
    const noPath = verdict(r, { src: '2001:db8::1', dst: 'a/web', protocol: 'TCP', port: 1 });
    expect(noPath.allowed).toBe(false);
    expect(noPath.ingress.decidedBy).toBe('no common IP family');
  });

  it('says external peer for the external side', () => {
    const v = verdict(world(), { src: 'a/web', dst: '1.1.1.1', protocol: 'UDP', port: 53 });
    expect(v.allowed).toBe(true);
    expect(v.ingress.decidedBy).toBe('external peer');
  });

  it('allows a workload connection only when every pod pair is allowed', () => {
    const owned = (name: string, ip: string, labels: Record<string, string>) => ({
      ...pod('a', name, labels, { ip }),
      metadata: { name, namespace: 'a', labels, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', controller: true }] },
    });
    const r = buildResources([
      owned('rs-1', '10.1.0.10', { app: 'rs' }),
      owned('rs-2', '10.1.0.11', { app: 'rs' }),
      pod('b', 'client', { app: 'client' }, { ip: '10.2.0.1' }),
      netpol('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.1.0.10/32' } }] }] }),
    ]);
    const v = verdict(r, { src: 'b/client', dst: 'a/rs[ReplicaSet]', protocol: 'TCP', port: 80 });
    expect(v.allowed).toBe(false);
    expect(v.paths?.map((p) => [p.dst, p.allowed])).toEqual([
      ['a/rs-1@10.1.0.10', true],
      ['a/rs-2@10.1.0.11', false],
    ]);
  });

  it('rejects unknown peers and bad connections', () => {
    const r = world();
    expect(() => verdict(r, { src: 'a/nope', dst: 'a/web', protocol: 'TCP', port: 80 })).toThrow(PeerError);
    expect(() => verdict(r, { src: 'a/web', dst: 'a/db', protocol: 'ICMP' as 'TCP', port: 80 })).toThrow(RangeError);
    expect(() => verdict(r, { src: 'a/web', dst: 'a/db', protocol: 'TCP', port: 0 })).toThrow(RangeError);
    expect(() => verdict(r, { src: '1.1.1.1', dst: '2.2.2.2', protocol: 'TCP', port: 80 })).toThrow(RangeError);
  });

  it('refuses an ambiguous ns/name', () => {
    const r = buildResources([deployment('a', 'x', { app: 'x' }), pod('a', 'x', {})]);
    expect(() => verdict(r, { src: 'a/x', dst: 'a/x[Pod]', protocol: 'TCP', port: 80 })).toThrow(/ambiguous/);
    expect(verdict(r, { src: 'a/x[Deployment]', dst: 'a/x[Pod]', protocol: 'TCP', port: 80 }).allowed).toBe(true);
  });
});

describe('verdict by IP', () => {
  it('refuses an IP shared by pods of different workloads', () => {
    const r = buildResources([pod('a', 'h1', {}, { ip: '192.168.0.5' }), pod('b', 'h2', {}, { ip: '192.168.0.5' }), pod('a', 'x', {})]);
    expect(() => verdict(r, { src: '192.168.0.5', dst: 'a/x', protocol: 'TCP', port: 80 })).toThrow(/several workloads/);
  });
});
