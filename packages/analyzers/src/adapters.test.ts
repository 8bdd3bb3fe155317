import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '@ztp/tools';
import { describe, expect, it } from 'vitest';
import { caseFromCluster } from './case.ts';
import { crossCheckCyclonus, crossCheckNetpolAnalyzer } from './crosscheck.ts';
import { CyclonusError, cyclonusConnectivity, runCyclonusQueries } from './cyclonus/run.ts';
import type { Traffic } from './cyclonus/queries.ts';
import { DIFFERENCE_EXAMPLES } from './differences-examples.ts';
import { KNOWN_DIFFERENCES } from './differences.ts';
import { NetpolAnalyzerError, runNetpolAnalyzer } from './netpol-analyzer/run.ts';

const reason = await requireTools(['netpolicy', 'cyclonus']);
if (reason !== undefined) console.log(`SKIPPED adapter tests: ${reason}`);

const pod = (labels: Record<string, string>, ip: string) => ({ Internal: { PodLabels: labels, NamespaceLabels: { 'kubernetes.io/metadata.name': 'n' }, Namespace: 'n' }, IP: ip });
const traffic = (src: ReturnType<typeof pod> | { IP: string }, dst: ReturnType<typeof pod>, port: number, name = ''): Traffic => ({ Source: src, Destination: dst, Protocol: 'TCP', ResolvedPort: port, ResolvedPortName: name });

describe.skipIf(reason !== undefined)('analyzer adapters', () => {
  it('cyclonus answers query-traffic questions in order', async () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'pg' }] }] } };
    const api = pod({ app: 'api' }, '10.0.0.1');
    const web = pod({ app: 'web' }, '10.0.0.2');
    const db = pod({ app: 'db' }, '10.0.0.3');
    const answers = await runCyclonusQueries([policy], [traffic(api, db, 5432, 'pg'), traffic(web, db, 5432, 'pg'), traffic(api, db, 5433), traffic({ IP: '8.8.8.8' }, db, 5432, 'pg'), traffic(db, api, 1)]);
    expect(answers).toEqual([true, false, false, false, true]);
  });

  it('cyclonus failures are errors carrying its output', async () => {
    const bad = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: {}, unknownField: true } };
    const error = await runCyclonusQueries([bad], []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CyclonusError);
    expect((error as CyclonusError).stderr).toMatch(/unknown field/);
  });

  it('cyclonus batches refuse clusters sharing a namespace', async () => {
    const c = DIFFERENCE_EXAMPLES['external-range-spelling'];
    await expect(cyclonusConnectivity([c, c])).rejects.toThrow(/share namespace ext/);
  });

  it('netpol-analyzer reads a folder, and its failures are errors carrying its log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ztp-analyzers-test-'));
    try {
      // (a namespace "n" would be the boolean false in YAML 1.1, which Kubernetes tools read)
      await writeFile(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop, labels: {app: a}}\nspec: {containers: [{name: c, image: i}]}\n');
      const run = await runNetpolAnalyzer(dir);
      expect(run.lines).toEqual([
        { src: '0.0.0.0-255.255.255.255', dst: 'shop/a[Pod]', conn: 'All Connections' },
        { src: 'shop/a[Pod]', dst: '0.0.0.0-255.255.255.255', conn: 'All Connections' },
      ]);
      await writeFile(join(dir, 'b.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec: {podSelector: {}, egress: [{ports: [{port: http}]}]}\n');
      const error = await runNetpolAnalyzer(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetpolAnalyzerError);
      expect((error as NetpolAnalyzerError).stderr).toMatch(/named port/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a failing batch is re-run case by case, pinning the failure on its case', async () => {
    const refused = caseFromCluster('refused', DIFFERENCE_EXAMPLES['named-port-to-ip-destination']);
    const fine = caseFromCluster('fine', DIFFERENCE_EXAMPLES['external-range-spelling']);
    const list = KNOWN_DIFFERENCES.filter((d) => d.id !== 'named-port-to-ip-destination');
    const run = await crossCheckNetpolAnalyzer([refused, fine], { differences: list });
    expect(run.verdicts.map((v) => [v.case, v.outcome])).toEqual([
      ['refused', 'disagree'],
      ['fine', 'agree'],
    ]);
    expect(run.verdicts[0]!.problems[0]).toMatch(/netpol-analyzer failed on refused.*\n.*named port error/s);
    expect(run.processes).toBe(3);
  });

  it('cases sharing a namespace go to separate processes', async () => {
    const a = caseFromCluster('a', DIFFERENCE_EXAMPLES['external-range-spelling']);
    const b = caseFromCluster('b', DIFFERENCE_EXAMPLES['external-range-spelling']);
    const [x, y] = await Promise.all([crossCheckNetpolAnalyzer([a, b]), crossCheckCyclonus([a, b])]);
    expect(x.processes).toBe(2);
    expect(y.processes).toBe(2);
    expect([...x.verdicts, ...y.verdicts].every((v) => v.outcome === 'agree')).toBe(true);
  });
});
