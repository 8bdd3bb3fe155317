import { describe, expect, it } from 'vitest';
import { portBoundaries, representativePorts } from './port-partition.ts';

describe('representativePorts', () => {
  it('takes each boundary and the first port of each gap before, between and after them', () => {
    expect(representativePorts([8080, 53, 5432, 5433])).toEqual([1, 53, 54, 5432, 5433, 5434, 8080, 8081]);
    expect(representativePorts([1, 65535])).toEqual([1, 2, 65535]);
    expect(representativePorts([])).toEqual([1]);
  });

  it('covers every port: each port falls in the class of exactly one representative, and no boundary shares a class', () => {
    const boundaries = [22, 80, 443, 1024, 8080];
    const reps = representativePorts(boundaries);
    // the class of a port: the boundary it equals, or the gap between the boundaries around it
    const classOf = (p: number) => (boundaries.includes(p) ? `=${p}` : `>${Math.max(0, ...boundaries.filter((b) => b < p))}`);
    const classes = new Set(reps.map(classOf));
    expect(classes.size).toBe(reps.length);
    for (const p of [1, 21, 22, 23, 79, 81, 442, 444, 1023, 1025, 8079, 8081, 65535]) expect(classes.has(classOf(p)), String(p)).toBe(true);
  });
});

describe('portBoundaries', () => {
  it('reads every port number of the policies outside metadata: numbers, digit strings and digit keys', () => {
    const objects = [
      { kind: 'NetworkPolicy', metadata: { name: 'n', annotations: { 'argocd.argoproj.io/sync-wave': '7' } }, spec: { ingress: [{ ports: [{ port: 5432 }, { port: 1, endPort: 1024 }] }] } },
      { kind: 'CiliumNetworkPolicy', metadata: { name: 'c' }, spec: { ingress: [{ toPorts: [{ ports: [{ port: '22', protocol: 'TCP' }] }] }] } },
      { kind: 'AuthorizationPolicy', metadata: { name: 'a' }, spec: { rules: [{ to: [{ operation: { ports: ['2222'], notPorts: ['99999'] } }] }] } },
      { kind: 'PeerAuthentication', metadata: { name: 'p' }, spec: { portLevelMtls: { '9090': { mode: 'DISABLE' } } } },
      { kind: 'ConfigMap', metadata: { name: 'x' }, data: { port: '3306' } },
    ];
    expect([...portBoundaries(objects)].sort((a, b) => a - b)).toEqual([1, 22, 1024, 2222, 5432, 9090]);
  });
});
