import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../cluster.ts';
import { assembleAnswers, planQueries, TrafficTable, UNKNOWN_POD_IP } from './queries.ts';
import type { Traffic } from './queries.ts';

const cluster: ClusterSpec = {
  namespaces: [{ name: 'n', labels: { team: 'x' } }],
  workloads: [
    { kind: 'Pod', namespace: 'n', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [{ name: 'web', port: 80, protocol: 'TCP' }], ip: '10.0.0.5' }] },
    {
      kind: 'ReplicaSet',
      namespace: 'n',
      name: 'b',
      pods: [
        { name: 'b-1', labels: { app: 'b' }, ports: [], ip: '10.0.0.6' },
        { name: 'b-2', labels: { app: 'b' }, ports: [], ip: '10.0.0.7' },
      ],
    },
    { kind: 'Deployment', namespace: 'n', name: 'c', pods: [{ name: 'c', labels: { app: 'c' }, ports: [] }] },
    // the same pod as c: the same questions
    { kind: 'StatefulSet', namespace: 'n', name: 'd', pods: [{ name: 'd', labels: { app: 'c' }, ports: [] }] },
  ],
  policies: [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'n' },
      spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.6/32' } }], ports: [{ port: 'web' }] }] },
    },
  ],
};

function answer(plan: ReturnType<typeof planQueries>, table: TrafficTable, oracle: (t: Traffic) => boolean) {
  return assembleAnswers(plan, table.traffics.map(oracle));
}

describe('cyclonus questions', () => {
  const table = new TrafficTable();
  const plan = planQueries(cluster, table);

  it('asks about every ordered pod pair of different workloads and every pod with every external piece, on every port piece', () => {
    const sources = new Set(table.traffics.map((t) => `${t.Source.Internal?.PodLabels['app'] ?? 'ext'}@${t.Source.IP}`));
    // a known pod IP is replaced by the first address of its external piece (10.0.0.5 -> 0.0.0.0)
    expect(sources).toEqual(new Set(['a@0.0.0.0', 'b@10.0.0.6', 'b@10.0.0.7', 'c@' + UNKNOWN_POD_IP, 'ext@0.0.0.0', 'ext@10.0.0.6', 'ext@10.0.0.7']));
    // TCP is cut at the named container port 80; UDP and SCTP are one piece each
    expect(new Set(table.traffics.filter((t) => t.Protocol === 'TCP').map((t) => t.ResolvedPort))).toEqual(new Set([1, 80, 81]));
    expect(new Set(table.traffics.filter((t) => t.Protocol !== 'TCP').map((t) => t.ResolvedPort))).toEqual(new Set([1]));
    // the destination's name of the port is given, only where it has one
    const named = table.traffics.filter((t) => t.ResolvedPortName !== '');
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((t) => t.Destination.Internal?.PodLabels['app'] === 'a' && t.ResolvedPort === 80 && t.Protocol === 'TCP' && t.ResolvedPortName === 'web')).toBe(true);
    // namespace labels as the API server stores them
    expect(table.traffics.find((t) => t.Source.Internal !== undefined)!.Source.Internal!.NamespaceLabels).toEqual({ team: 'x', 'kubernetes.io/metadata.name': 'n' });
    // never a workload with itself
    expect(table.traffics.some((t) => t.Source.Internal?.PodLabels['app'] === 'b' && t.Destination.Internal?.PodLabels['app'] === 'b')).toBe(false);
    // but c and d, different workloads with the same pod, are asked about each other
    expect(table.traffics.some((t) => t.Source.Internal?.PodLabels['app'] === 'c' && t.Destination.Internal?.PodLabels['app'] === 'c')).toBe(true);
  });

  it('asks each distinct traffic object once', () => {
    const keys = table.traffics.map((t) => JSON.stringify(t));
    expect(new Set(keys).size).toBe(keys.length);
    expect(plan.cells.length).toBeGreaterThan(table.traffics.length);
  });

  it('reads answers back per port piece, a workload pair having what every pod pair has', () => {
    // allowed: TCP 80 from the address 10.0.0.6 (the external piece, and pod b-1 of b) to a
    const c = answer(plan, table, (t) => t.Protocol === 'TCP' && t.ResolvedPort === 80 && t.Source.IP === '10.0.0.6' && t.Destination.Internal?.PodLabels['app'] === 'a');
    expect(c.toString()).toBe('10.0.0.6-10.0.0.6 => n/a[Pod] : TCP 80');
    // TCP 79-80 from c (and so d) to a: pieces [1-79] and [80] are answered for their whole range
    const fromC = answer(plan, table, (t) => t.Protocol === 'TCP' && t.ResolvedPort <= 80 && t.Source.Internal?.PodLabels['app'] === 'c' && t.Destination.Internal?.PodLabels['app'] === 'a');
    expect(fromC.toString()).toBe(['n/c[Deployment] => n/a[Pod] : TCP 1-80', 'n/d[StatefulSet] => n/a[Pod] : TCP 1-80'].join('\n'));
    const all = answer(plan, table, () => true);
    expect(all.pairs().every((p) => p.conns.isAll())).toBe(true);
    expect(all.pairs().length).toBe(4 * 3 + 4 * 3 * 2);
  });
});
