import { describe, expect, it } from 'vitest';
import { ConnSet } from './ports.ts';

describe('ConnSet', () => {
  it('prints netpol-analyzer connection strings', () => {
    expect(ConnSet.all().toString()).toBe('All Connections');
    expect(ConnSet.none().toString()).toBe('No Connections');
    expect(ConnSet.of('TCP', [[8080, 8080], [9090, 9090]]).union(ConnSet.of('UDP', [[8080, 8080]])).toString()).toBe(
      'TCP 8080,9090,UDP 8080',
    );
    expect(ConnSet.of('TCP', [[10053, 10054]]).union(ConnSet.of('UDP', [[10053, 10053]])).toString()).toBe('TCP 10053-10054,UDP 10053');
    // all of SCTP and UDP, TCP without 80: protocols sorted as strings
    const most = ConnSet.allPorts('SCTP').union(ConnSet.allPorts('UDP')).union(ConnSet.of('TCP', [[1, 79], [81, 65535]]));
    expect(most.toString()).toBe('SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535');
    expect(ConnSet.allPorts('TCP').toString()).toBe('TCP 1-65535');
  });

  it('merges adjacent and overlapping ranges', () => {
    expect(ConnSet.of('TCP', [[80, 80], [81, 81], [85, 90], [88, 95]]).toString()).toBe('TCP 80-81,85-95');
  });

  it('intersects, unions and tests membership', () => {
    const a = ConnSet.of('TCP', [[80, 100]]);
    const b = ConnSet.of('TCP', [[90, 200]]).union(ConnSet.of('UDP', [[53, 53]]));
    expect(a.intersect(b).toString()).toBe('TCP 90-100');
    expect(a.union(b).toString()).toBe('TCP 80-200,UDP 53');
    expect(b.contains('UDP', 53)).toBe(true);
    expect(b.contains('UDP', 54)).toBe(false);
    expect(b.contains('SCTP', 53)).toBe(false);
    expect(ConnSet.all().intersect(a).equals(a)).toBe(true);
    expect(ConnSet.none().union(a).equals(a)).toBe(true);
    expect(a.isSubsetOf(a.union(b))).toBe(true);
    expect(b.isSubsetOf(a)).toBe(false);
    expect(ConnSet.allPorts('TCP').union(ConnSet.allPorts('UDP')).union(ConnSet.allPorts('SCTP')).isAll()).toBe(true);
  });
});
