import { ConnSet } from '@ztp/reachability';
import { describe, expect, it } from 'vitest';
import { caseFromCluster } from './case.ts';
import type { ClusterSpec } from './cluster.ts';
import { Connectivity, workloadPeer } from './connectivity.ts';
import { KNOWN_DIFFERENCES } from './differences.ts';
import type { KnownDifference } from './differences.ts';
import { judgeAnswer, readingFor } from './judge.ts';
import { DEFAULT_READING, ztpConnectivity } from './ztp.ts';

const policy = (namespace: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });

/** a may reach b on TCP 80 only; h is a host-network pod that the policy's selector matches. */
const cluster: ClusterSpec = {
  namespaces: [{ name: 'n', labels: {} }],
  workloads: [
    { kind: 'Pod', namespace: 'n', name: 'a', pods: [{ name: 'a', labels: { app: 'a' }, ports: [] }] },
    { kind: 'Pod', namespace: 'n', name: 'b', pods: [{ name: 'b', labels: { app: 'b' }, ports: [] }] },
    { kind: 'Pod', namespace: 'n', name: 'h', pods: [{ name: 'h', labels: { app: 'a' }, ports: [], hostNetwork: true }] },
  ],
  policies: [policy('n', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }] })],
};
const c = caseFromCluster('judge', cluster);
const asPods = ztpConnectivity(c.resources, { hostNetwork: 'as-pods' });

describe('judgeAnswer', () => {
  it('accepts an answer equal to the engine read as the analyzer reads (host-network pods as pods)', () => {
    const v = judgeAnswer('cyclonus', c, { connectivity: asPods }, KNOWN_DIFFERENCES);
    expect(v.outcome).toBe('agree');
    expect(v.applied).toEqual(['host-network-pods']);
    // the default reading allows less: h => b is accounted for by host-network-pods
    const accounted = v.accounted.find((a) => a.id === 'host-network-pods')!;
    expect(accounted.disagreements.map((d) => `${d.src.type === 'workload' ? d.src.id : ''} ${d.onlyRight.toString()}`)).toEqual(['n/h[Pod] TCP 80']);
    expect(v.allowances).toBeGreaterThan(0);
  });

  it('fails the same answer without the known difference', () => {
    const list = KNOWN_DIFFERENCES.filter((d) => d.id !== 'host-network-pods');
    const v = judgeAnswer('cyclonus', c, { connectivity: asPods }, list);
    expect(v.outcome).toBe('disagree');
    expect(v.problems.join('\n')).toContain('n/h[Pod] => n/b[Pod] : only cyclonus allows TCP 80');
  });

  it('reports every other difference, naming who allows what', () => {
    const more = Connectivity.of(asPods.workloads, [...asPods.pairs(), { src: workloadPeer('n/b[Pod]'), dst: workloadPeer('n/a[Pod]'), conns: ConnSet.all() }]);
    expect(judgeAnswer('cyclonus', c, { connectivity: more }, KNOWN_DIFFERENCES).outcome).toBe('agree'); // b => a was allowed already
    const less = Connectivity.of(
      asPods.workloads,
      asPods.pairs().filter((p) => !(p.src.type === 'workload' && p.src.id === 'n/a[Pod]' && p.dst.type === 'workload' && p.dst.id === 'n/b[Pod]')),
    );
    const v = judgeAnswer('netpol-analyzer', c, { connectivity: less }, KNOWN_DIFFERENCES);
    expect(v.outcome).toBe('disagree');
    expect(v.disagreements.length).toBe(1);
    expect(v.problems[0]).toContain('n/a[Pod] => n/b[Pod] : only @ztp/reachability allows TCP 80');
  });

  it('checks on every case that the default reading relates to a documented reading as declared', () => {
    const wrong: KnownDifference[] = KNOWN_DIFFERENCES.map((d) =>
      d.id === 'host-network-pods' ? { ...d, handling: { kind: 'ztp-reading', reading: { hostNetwork: 'as-pods' }, defaultAllows: 'more' } } : d,
    );
    const v = judgeAnswer('cyclonus', c, { connectivity: asPods }, wrong);
    expect(v.outcome).toBe('disagree');
    expect(v.problems.join('\n')).toContain("default reading should allow more");
  });

  it('accepts pseudo-peer lines and bare external spellings only with their known differences', () => {
    const plain = caseFromCluster('plain', { ...cluster, workloads: cluster.workloads.filter((w) => w.name !== 'h') });
    const z = ztpConnectivity(plain.resources, DEFAULT_READING);
    const withLines = judgeAnswer('netpol-analyzer', plain, { connectivity: z, setAsideLines: ['{ingress-controller} => n/a[Pod] : TCP 80'] }, KNOWN_DIFFERENCES);
    expect(withLines.outcome).toBe('disagree');
    expect(withLines.problems[0]).toContain('pseudo-peer lines');
    const bare = judgeAnswer('netpol-analyzer', plain, { connectivity: z, externalSpellings: new Set(['bare'] as const) }, KNOWN_DIFFERENCES);
    expect(bare.outcome).toBe('agree');
    const noSpelling = judgeAnswer('netpol-analyzer', plain, { connectivity: z, externalSpellings: new Set(['bare'] as const) }, KNOWN_DIFFERENCES.filter((d) => d.id !== 'external-range-spelling'));
    expect(noSpelling.problems.join('\n')).toContain('without the [External] suffix');
  });

  it('does not compare inputs a not-compared difference covers', () => {
    const foreign = caseFromCluster('foreign', { ...cluster, namespaces: [{ name: 'n', labels: { 'kubernetes.io/metadata.name': 'other' } }] });
    const v = judgeAnswer('netpol-analyzer', foreign, { connectivity: Connectivity.of(foreign.resources.workloads.map((w) => w.id), []) }, KNOWN_DIFFERENCES);
    expect(v.outcome).toBe('not-compared');
    expect(v.applied).toEqual(['namespace-name-label-overwritten']);
  });

  it('merges the readings of all applying differences', () => {
    const list = KNOWN_DIFFERENCES.filter((d) => d.handling.kind === 'ztp-reading');
    expect(readingFor(list)).toEqual({ hostNetwork: 'as-pods', podIpsUnknown: true });
    expect(readingFor([])).toEqual(DEFAULT_READING);
  });
});
