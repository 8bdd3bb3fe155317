import { describe, expect, it } from 'vitest';
import { netpol } from './__fixtures__/builders.ts';
import { isValidPortName, readNetworkPolicy } from './networkpolicy.ts';

function read(spec: Record<string, unknown>) {
  return readNetworkPolicy(netpol('ns', 'p', spec));
}

describe('reading NetworkPolicies', () => {
  it('defaults policyTypes like the API server', () => {
    const ingressOnly = read({ podSelector: {} });
    expect(ingressOnly.ok && ingressOnly.value.policyTypes).toEqual(['Ingress']);
    const withEgress = read({ podSelector: {}, egress: [{}] });
    expect(withEgress.ok && withEgress.value.policyTypes).toEqual(['Ingress', 'Egress']);
    const emptyEgress = read({ podSelector: {}, egress: [] });
    expect(emptyEgress.ok && emptyEgress.value.policyTypes).toEqual(['Ingress']);
    const explicit = read({ podSelector: {}, policyTypes: ['Egress'], ingress: [{}] });
    expect(explicit.ok && explicit.value.policyTypes).toEqual(['Egress']);
    const emptyList = read({ podSelector: {}, policyTypes: [], egress: [{}] });
    expect(emptyList.ok && emptyList.value.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('treats absent or empty from/to/ports as all, and defaults the protocol to TCP', () => {
    const r = read({ podSelector: {}, ingress: [{}, { from: [], ports: [] }, { ports: [{ port: 80 }, { protocol: 'UDP' }] }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.ingress[0]).toEqual({ peers: 'all', ports: 'all' });
    expect(r.value.ingress[1]).toEqual({ peers: 'all', ports: 'all' });
    expect(r.value.ingress[2]!.ports).toEqual([{ protocol: 'TCP', port: 80 }, { protocol: 'UDP' }]);
  });

  it('defaults the namespace to default', () => {
    const r = readNetworkPolicy({ kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { podSelector: {} } });
    expect(r.ok && r.value.namespace).toBe('default');
  });

  it.each([
    ['a peer with nothing', { ingress: [{ from: [{}] }] }],
    ['ipBlock with a selector', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }],
    ['a bad CIDR', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/40' } }] }] }],
    ['an except outside the cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/8'] } }] }] }],
    ['an except equal to the cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }] }] }],
    // read differently by dataplanes: refused rather than read one way
    ['an IPv4-mapped IPv6 cidr', { ingress: [{ from: [{ ipBlock: { cidr: '::ffff:10.0.0.0/104' } }] }] }],
    ['an IPv4-mapped IPv6 except', { ingress: [{ from: [{ ipBlock: { cidr: '::/0', except: ['::ffff:0:0/96'] } }] }] }],
    ['a leading zero in an address', { ingress: [{ from: [{ ipBlock: { cidr: '010.0.0.0/8' } }] }] }],
    ['a leading zero in a prefix length', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/08' } }] }] }],
    ['an unknown protocol', { ingress: [{ ports: [{ protocol: 'ICMP' }] }] }],
    ['port 0', { ingress: [{ ports: [{ port: 0 }] }] }],
    ['port 65536', { ingress: [{ ports: [{ port: 65536 }] }] }],
    ['a numeric string port', { ingress: [{ ports: [{ port: '80' }] }] }],
    ['endPort below port', { ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }],
    ['endPort with a named port', { ingress: [{ ports: [{ port: 'http', endPort: 80 }] }] }],
    ['endPort without port', { ingress: [{ ports: [{ endPort: 80 }] }] }],
    ['an unknown policy type', { policyTypes: ['Sideways'] }],
    ['a bad selector operator', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Is', values: ['b'] }] } }],
  ])('rejects %s', (_name, spec) => {
    const r = read({ podSelector: {}, ...spec });
    expect(r.ok).toBe(false);
  });

  it('validates named ports as IANA service names', () => {
    expect(isValidPortName('http')).toBe(true);
    expect(isValidPortName('serve-80-tcp')).toBe(true);
    expect(isValidPortName('80')).toBe(false);
    expect(isValidPortName('a--b')).toBe(false);
    expect(isValidPortName('-ab')).toBe(false);
    expect(isValidPortName('Http')).toBe(false);
    expect(isValidPortName('a-very-long-port-name')).toBe(false);
  });
});
