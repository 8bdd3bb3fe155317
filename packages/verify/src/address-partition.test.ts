import { describe, expect, it } from 'vitest';
import { parseCidr } from '@ztp/reachability';
import { namedRanges, representativeAddresses } from './address-partition.ts';

const ranges = (...cidrs: string[]) => cidrs.map((c) => parseCidr(c)!);

describe('namedRanges', () => {
  it('reads every CIDR and address of the policies outside metadata, and nothing else', () => {
    const objects = [
      { kind: 'NetworkPolicy', metadata: { name: '10.9.9.9/32' }, spec: { ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 53 }] }] } },
      { kind: 'CiliumNetworkPolicy', metadata: { name: 'c' }, spec: { egress: [{ toCIDRSet: [{ cidr: '2001:db8::/32' }] }, { toFQDNs: [{ matchName: 'api.example.com' }] }] } },
      { kind: 'AuthorizationPolicy', metadata: { name: 'a' }, spec: { rules: [{ from: [{ source: { ipBlocks: ['203.0.113.7'] } }] }] } },
      { kind: 'ConfigMap', metadata: { name: 'x' }, data: { cidr: '192.0.2.0/24' } },
    ];
    expect(namedRanges(objects)).toEqual(ranges('0.0.0.0/0', '10.0.0.0/8', '2001:db8::/32', '203.0.113.7/32'));
    // as the readers take it: trimmed
    expect(namedRanges([{ kind: 'CiliumNetworkPolicy', metadata: { name: 'c' }, spec: { ingress: [{ fromCIDR: [' 203.0.113.0/24'] }] } }])).toEqual(ranges('203.0.113.0/24'));
  });
});

describe('representativeAddresses', () => {
  it('takes one address of each part the ranges leave, in both families', () => {
    expect(representativeAddresses(ranges('10.0.0.0/8'), [], new Set())).toEqual(['0.0.0.1', '10.0.0.1', '11.0.0.1', '::1']);
    expect(representativeAddresses(ranges('203.0.113.7/32', '::/0'), [], new Set())).toEqual(['0.0.0.1', '203.0.113.7', '203.0.113.9', '::1']);
  });

  it("leaves out the cluster's own ranges and the addresses to avoid (pods, the ambient probe address)", () => {
    expect(representativeAddresses(ranges('0.0.0.0/0'), ranges('10.244.0.0/16'), new Set())).toEqual(['0.0.0.1', '10.245.0.1', '::1']);
    // a single address to avoid is a part with nothing else in it
    expect(representativeAddresses(ranges('169.254.7.127/32'), [], new Set(['169.254.7.127']))).toEqual(['0.0.0.1', '169.254.7.129', '::1']);
    // the next candidate when the first is a pod's
    expect(representativeAddresses(ranges('10.0.0.0/8'), [], new Set(['10.0.0.1']))).toEqual(['0.0.0.1', '10.128.0.0', '11.0.0.1', '::1']);
  });
});
