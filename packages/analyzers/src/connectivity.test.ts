import { ConnSet } from '@ztp/reachability';
import { describe, expect, it } from 'vitest';
import { Connectivity, externalPeer, peerName, workloadPeer } from './connectivity.ts';
import { parseConnections } from './connections.ts';
import { parseRange4 } from './ipv4.ts';

const a = workloadPeer('ns/a[Pod]');
const b = workloadPeer('ns/b[Pod]');
const everywhere = externalPeer(parseRange4('0.0.0.0-255.255.255.255')!);

describe('Connectivity', () => {
  it('unites a pair named twice and drops empty pairs', () => {
    const c = Connectivity.of(['ns/a[Pod]', 'ns/b[Pod]'], [
      { src: a, dst: b, conns: parseConnections('TCP 80') },
      { src: a, dst: b, conns: parseConnections('UDP 53') },
      { src: b, dst: a, conns: ConnSet.none() },
    ]);
    expect(c.toString()).toBe('ns/a[Pod] => ns/b[Pod] : TCP 80,UDP 53');
    expect(c.allowances()).toEqual([
      { src: a, dst: b, protocol: 'TCP', ports: [80, 80] },
      { src: a, dst: b, protocol: 'UDP', ports: [53, 53] },
    ]);
  });

  it('refuses unknown workloads, self pairs and external-to-external pairs', () => {
    expect(() => Connectivity.of(['ns/a[Pod]'], [{ src: a, dst: b, conns: ConnSet.all() }])).toThrow(/unknown workload ns\/b/);
    expect(() => Connectivity.of(['ns/a[Pod]'], [{ src: a, dst: a, conns: ConnSet.all() }])).toThrow(/with itself/);
    expect(() => Connectivity.of([], [{ src: everywhere, dst: everywhere, conns: ConnSet.all() }])).toThrow(/two external/);
  });

  it('splits external ranges at cuts without changing what they allow', () => {
    const c = Connectivity.of(['ns/a[Pod]'], [{ src: everywhere, dst: a, conns: ConnSet.all() }]);
    const cut = parseRange4('10.0.0.0-10.255.255.255')!;
    const split = c.splitExternals([cut.start, cut.end + 1]);
    expect(split.pairs().map((p) => peerName(p.src))).toEqual(['0.0.0.0-9.255.255.255', '10.0.0.0-10.255.255.255', '11.0.0.0-255.255.255.255']);
    expect(split.externalCuts()).toEqual([0, cut.start, cut.end + 1, 2 ** 32]);
  });

  it('restricts to some workloads, keeping their external pairs', () => {
    const c = Connectivity.of(['ns/a[Pod]', 'ns/b[Pod]'], [
      { src: a, dst: b, conns: ConnSet.all() },
      { src: everywhere, dst: a, conns: ConnSet.all() },
      { src: b, dst: everywhere, conns: ConnSet.all() },
    ]);
    const r = c.restrict(['ns/a[Pod]']);
    expect([...r.workloads]).toEqual(['ns/a[Pod]']);
    expect(r.toString()).toBe('0.0.0.0-255.255.255.255 => ns/a[Pod] : All Connections');
  });
});
