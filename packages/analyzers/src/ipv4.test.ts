import { describe, expect, it } from 'vitest';
import { formatIpv4, formatRange4, isIpv6Text, MAX_IPV4, parseCidr4, parseIpv4, parseRange4 } from './ipv4.ts';

describe('ipv4', () => {
  it('parses and formats addresses', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(MAX_IPV4);
    expect(parseIpv4('10.1.2.3')).toBe(10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 2 ** 8 + 3);
    expect(formatIpv4(parseIpv4('192.168.0.1')!)).toBe('192.168.0.1');
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', 'a.b.c.d', '::1', '1.2.3.4/8']) expect(parseIpv4(bad), bad).toBeUndefined();
  });

  it('reads CIDRs as ranges, ignoring host bits like Kubernetes', () => {
    expect(parseCidr4('10.0.0.0/8')).toEqual({ start: parseIpv4('10.0.0.0'), end: parseIpv4('10.255.255.255') });
    expect(parseCidr4('10.1.2.3/16')).toEqual({ start: parseIpv4('10.1.0.0'), end: parseIpv4('10.1.255.255') });
    expect(parseCidr4('0.0.0.0/0')).toEqual({ start: 0, end: MAX_IPV4 });
    expect(parseCidr4('8.8.8.8/32')).toEqual({ start: parseIpv4('8.8.8.8'), end: parseIpv4('8.8.8.8') });
    expect(parseCidr4('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr4('10.0.0.0')).toBeUndefined();
  });

  it('reads and writes netpol-analyzer ranges', () => {
    const r = parseRange4('0.0.0.0-9.255.255.255')!;
    expect(r).toEqual({ start: 0, end: parseIpv4('9.255.255.255') });
    expect(formatRange4(r)).toBe('0.0.0.0-9.255.255.255');
    expect(formatRange4({ start: 5, end: 5 })).toBe('0.0.0.5-0.0.0.5');
    expect(parseRange4('10.0.0.2-10.0.0.1')).toBeUndefined();
    expect(parseRange4('10.0.0.0/8')).toBeUndefined();
    expect(isIpv6Text('fd00::/8')).toBe(true);
    expect(isIpv6Text('10.0.0.0/8')).toBe(false);
  });
});
