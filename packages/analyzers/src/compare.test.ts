import { ConnSet } from '@ztp/reachability';
import { describe, expect, it } from 'vitest';
import { compareConnectivity, formatDisagreements } from './compare.ts';
import { Connectivity, externalPeer, workloadPeer } from './connectivity.ts';
import { parseConnections } from './connections.ts';
import { parseRange4 } from './ipv4.ts';

const W = ['ns/a[Pod]', 'ns/b[Pod]'];
const a = workloadPeer('ns/a[Pod]');
const b = workloadPeer('ns/b[Pod]');
const range = (text: string) => externalPeer(parseRange4(text)!);

describe('compareConnectivity', () => {
  it('finds nothing between equal answers, even when external ranges are cut differently', () => {
    const left = Connectivity.of(W, [{ src: range('0.0.0.0-255.255.255.255'), dst: a, conns: ConnSet.all() }]);
    const right = Connectivity.of(W, [
      { src: range('0.0.0.0-9.255.255.255'), dst: a, conns: ConnSet.all() },
      { src: range('10.0.0.0-255.255.255.255'), dst: a, conns: ConnSet.all() },
    ]);
    expect(compareConnectivity(left, right)).toEqual([]);
  });

  it('reports each side\'s extra connections per pair', () => {
    const left = Connectivity.of(W, [{ src: a, dst: b, conns: parseConnections('TCP 80,UDP 53') }]);
    const right = Connectivity.of(W, [
      { src: a, dst: b, conns: parseConnections('TCP 80-81') },
      { src: b, dst: a, conns: parseConnections('SCTP 9') },
    ]);
    const d = compareConnectivity(left, right);
    expect(formatDisagreements(d, 'ztp', 'x')).toBe(
      ['ns/a[Pod] => ns/b[Pod] : only ztp allows UDP 53; only x allows TCP 81', 'ns/b[Pod] => ns/a[Pod] : only x allows SCTP 9'].join('\n'),
    );
  });

  it('reports external disagreements on the smallest ranges, merged back where adjacent', () => {
    const left = Connectivity.of(W, [{ src: a, dst: range('0.0.0.0-255.255.255.255'), conns: ConnSet.all() }]);
    const right = Connectivity.of(W, [
      { src: a, dst: range('0.0.0.0-9.255.255.255'), conns: ConnSet.all() },
      { src: a, dst: range('12.0.0.0-255.255.255.255'), conns: ConnSet.all() },
    ]);
    expect(formatDisagreements(compareConnectivity(left, right), 'l', 'r')).toBe('ns/a[Pod] => 10.0.0.0-11.255.255.255 : only l allows All Connections');
  });

  it('refuses to compare answers about different workloads', () => {
    expect(() => compareConnectivity(Connectivity.of(W, []), Connectivity.of(['ns/a[Pod]'], []))).toThrow(/different workloads.*ns\/b/);
  });
});
