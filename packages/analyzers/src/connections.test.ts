import { ConnSet } from '@ztp/reachability';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionItems, parseConnections, subtractConnections } from './connections.ts';

describe('connections in netpol-analyzer spelling', () => {
  it('reads every form netpol-analyzer prints', () => {
    expect(parseConnections('All Connections').isAll()).toBe(true);
    expect(parseConnections('No Connections').isEmpty()).toBe(true);
    expect(parseConnections('TCP 8080').equals(ConnSet.of('TCP', [[8080, 8080]]))).toBe(true);
    const mixed = parseConnections('SCTP 1-65535,TCP 1-79,81-65535,UDP 53');
    expect(mixed.equals(ConnSet.allPorts('SCTP').union(ConnSet.of('TCP', [[1, 79], [81, 65535]])).union(ConnSet.of('UDP', [[53, 53]])))).toBe(true);
    expect(parseConnections('TCP 10053,UDP 10053').toString()).toBe('TCP 10053,UDP 10053');
  });

  it('round-trips ConnSet.toString (the spelling @ztp/reachability copies from netpol-analyzer)', () => {
    const range = fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 300 })).map(([s, n]) => [s, Math.min(65535, s + n)] as const);
    const set = fc
      .array(fc.tuple(fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const), range), { maxLength: 6 })
      .map((items) => items.reduce((acc, [p, r]) => acc.union(ConnSet.of(p, [r])), ConnSet.none()));
    fc.assert(fc.property(set, (s) => parseConnections(s.toString()).equals(s)));
  });

  it('refuses what it cannot read', () => {
    expect(() => parseConnections('80')).toThrow(/without a protocol/);
    expect(() => parseConnections('ICMP 1')).toThrow(/unknown protocol/);
    expect(() => parseConnections('TCP 0')).toThrow(/bad port range/);
    expect(() => parseConnections('TCP 90-80')).toThrow(/bad port range/);
    expect(() => parseConnections('TCP eighty')).toThrow(/unreadable/);
  });

  it('subtracts sets exactly', () => {
    const all = ConnSet.all();
    const hole = ConnSet.of('TCP', [[80, 80]]);
    const rest = subtractConnections(all, hole);
    expect(rest.contains('TCP', 80)).toBe(false);
    expect(rest.contains('TCP', 79) && rest.contains('TCP', 81) && rest.contains('UDP', 80)).toBe(true);
    expect(rest.union(hole).isAll()).toBe(true);
    expect(subtractConnections(hole, all).isEmpty()).toBe(true);
    const set = fc.array(fc.tuple(fc.constantFrom('TCP' as const, 'UDP' as const), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 10 })), { maxLength: 5 }).map((items) =>
      items.reduce((acc, [p, s, n]) => acc.union(ConnSet.of(p, [[s, s + n]])), ConnSet.none()),
    );
    fc.assert(
      fc.property(set, set, (a, b) => {
        const d = subtractConnections(a, b);
        expect(d.intersect(b).isEmpty()).toBe(true);
        expect(d.union(a.intersect(b)).equals(a)).toBe(true);
      }),
    );
  });

  it('lists a set as (protocol, range) items', () => {
    expect(connectionItems(parseConnections('UDP 53,TCP 80-81'))).toEqual([
      { protocol: 'TCP', ports: [80, 81] },
      { protocol: 'UDP', ports: [53, 53] },
    ]);
  });
});
