import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from './cluster.ts';
import { parseIpv4 } from './ipv4.ts';
import { addressPieces, namedPolicyPorts, pieceOf, portPieces } from './partition.ts';

const policy = (spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec });

describe('partitions', () => {
  it('cuts ports at every port, range and used named container port of the protocol', () => {
    const cluster: ClusterSpec = {
      namespaces: [{ name: 'n', labels: {} }],
      workloads: [{ kind: 'Pod', namespace: 'n', name: 'w', pods: [{ name: 'w', labels: {}, ports: [{ name: 'web', port: 8080, protocol: 'TCP' }, { name: 'unused', port: 9000, protocol: 'TCP' }] }] }],
      policies: [policy({ podSelector: {}, ingress: [{ ports: [{ port: 80 }, { port: 'web' }, { protocol: 'UDP', port: 1000, endPort: 2000 }] }] })],
    };
    expect(namedPolicyPorts(cluster.policies)).toEqual(new Set(['web']));
    const pieces = portPieces(cluster);
    expect(pieces.TCP).toEqual([[1, 79], [80, 80], [81, 8079], [8080, 8080], [8081, 65535]]);
    expect(pieces.UDP).toEqual([[1, 999], [1000, 2000], [2001, 65535]]);
    expect(pieces.SCTP).toEqual([[1, 65535]]);
  });

  it('cuts the address space at every ipBlock and except, and refuses IPv6', () => {
    const pieces = addressPieces([policy({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { ipBlock: { cidr: '0.0.0.0/0' } }] }] })]);
    expect(pieces.map((p) => [p.start, p.end])).toEqual([
      [0, parseIpv4('9.255.255.255')],
      [parseIpv4('10.0.0.0'), parseIpv4('10.0.255.255')],
      [parseIpv4('10.1.0.0'), parseIpv4('10.1.255.255')],
      [parseIpv4('10.2.0.0'), parseIpv4('10.255.255.255')],
      [parseIpv4('11.0.0.0'), 2 ** 32 - 1],
    ]);
    expect(pieceOf(pieces, parseIpv4('10.1.2.3')!).start).toBe(parseIpv4('10.1.0.0'));
    expect(() => addressPieces([policy({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/8' } }] }] })])).toThrow(/IPv6/);
  });
});
