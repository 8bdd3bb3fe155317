import { describe, expect, it } from 'vitest';
import { ambiguousIpProblem, disjointRanges, formatIp, formatIpRange, IpSet, parseCidr, parseIp } from './ip.ts';

describe('IP addresses', () => {
  it('names the forms dataplanes read differently: IPv4-mapped IPv6, leading zeros', () => {
    expect(ambiguousIpProblem('::ffff:10.0.0.0/104')).toMatch(/IPv4-mapped IPv6 range, which dataplanes read differently \(as 10\.0\.0\.0\/8, or as IPv6 only\); write the IPv4 form/);
    expect(ambiguousIpProblem('::ffff:a00:1')).toMatch(/IPv4-mapped IPv6 address, .*as 10\.0\.0\.1,/);
    expect(ambiguousIpProblem('010.0.0.0/8')).toMatch(/leading zero/);
    expect(ambiguousIpProblem('::ffff:010.0.0.1')).toMatch(/leading zero/);
    expect(ambiguousIpProblem('10.0.0.0/08')).toMatch(/prefix length with a leading zero/);
    // the whole mapped block is 0.0.0.0/0 to Go's net; a shorter prefix masks the mapping away (::ffff:0:0/80 is ::/80)
    expect(ambiguousIpProblem('::ffff:0:0/96')).toMatch(/as 0\.0\.0\.0\/0,/);
    for (const ok of ['10.0.0.0/8', '0.0.0.0/0', '10.0.0.0', '::/0', '2001:db8::/32', '::ffff:0:0:0/96', '::1', '100.64.0.0/10', '::ffff:0:0/80', '::ffff:0:0/95', '2001:db8:0::1']) expect(ambiguousIpProblem(ok), ok).toBeUndefined();
  });

  it('parses and formats IPv4', () => {
    expect(parseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(formatIp(parseIp('255.255.255.255')!)).toBe('255.255.255.255');
    expect(parseIp('256.0.0.1')).toBeUndefined();
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseIp('a.b.c.d')).toBeUndefined();
  });

  it('parses and formats IPv6 in RFC 5952 form', () => {
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('::')!)).toBe('::');
    expect(formatIp(parseIp('::1')!)).toBe('::1');
    expect(formatIp(parseIp('fe80::')!)).toBe('fe80::');
    expect(formatIp(parseIp('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3');
    expect(formatIp(parseIp('1:0:2:3:4:5:6:7')!)).toBe('1:0:2:3:4:5:6:7');
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ family: 6, value: 0xffff01020304n });
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
  });

  it('parses CIDRs, masking host bits', () => {
    expect(formatIpRange(parseCidr('10.1.2.3/8')!)).toBe('10.0.0.0-10.255.255.255');
    expect(formatIpRange(parseCidr('0.0.0.0/0')!)).toBe('0.0.0.0-255.255.255.255');
    expect(formatIpRange(parseCidr('1.2.3.4/32')!)).toBe('1.2.3.4-1.2.3.4');
    expect(formatIpRange(parseCidr('2001:db8::/32')!)).toBe('2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
  });
});

describe('IpSet', () => {
  const cidr = (s: string) => IpSet.of([parseCidr(s)!]);

  it('subtracts except blocks and tests membership', () => {
    const set = cidr('10.0.0.0/8').subtract(cidr('10.10.0.0/16'));
    expect(set.ranges.map(formatIpRange)).toEqual(['10.0.0.0-10.9.255.255', '10.11.0.0-10.255.255.255']);
    expect(set.contains(parseIp('10.9.1.1')!)).toBe(true);
    expect(set.contains(parseIp('10.10.1.1')!)).toBe(false);
    expect(set.contains(parseIp('11.0.0.0')!)).toBe(false);
  });

  it('keeps families apart', () => {
    const set = IpSet.all(4);
    expect(set.contains(parseIp('::1')!)).toBe(false);
    expect(IpSet.all(6).contains(parseIp('::1')!)).toBe(true);
    expect(set.union(IpSet.all(6)).families().sort()).toEqual([4, 6]);
  });

  it('merges adjacent ranges', () => {
    expect(cidr('10.0.0.0/9').union(cidr('10.128.0.0/9')).ranges.map(formatIpRange)).toEqual(['10.0.0.0-10.255.255.255']);
    expect(cidr('10.0.0.0/9').isSubsetOf(cidr('10.0.0.0/8'))).toBe(true);
    expect(cidr('10.0.0.0/8').isSubsetOf(cidr('10.0.0.0/9'))).toBe(false);
  });
});

describe('disjointRanges (netpol-analyzer external peers)', () => {
  it('cuts the address space at every block boundary', () => {
    const blocks = IpSet.of([parseCidr('0.0.0.0/0')!])
      .subtract(IpSet.of(['10.0.0.0/8', '172.21.0.0/16', '172.30.0.0/16'].map((c) => parseCidr(c)!)))
      .ranges;
    expect(disjointRanges(blocks, [4]).map(formatIpRange)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.255.255.255',
      '11.0.0.0-172.20.255.255',
      '172.21.0.0-172.21.255.255',
      '172.22.0.0-172.29.255.255',
      '172.30.0.0-172.30.255.255',
      '172.31.0.0-255.255.255.255',
    ]);
  });

  it('is the whole space without blocks, per family', () => {
    expect(disjointRanges([], [4, 6]).map(formatIpRange)).toEqual([
      '0.0.0.0-255.255.255.255',
      '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
  });
});
