import { dataplaneUnavailable } from '@ztp/local-cluster';
import { describe, expect, it } from 'vitest';
import { prepareEnvironment } from '../prepare.ts';
import { failures, tally } from '../report/model.ts';
import { renderText } from '../report/text.ts';
import { exampleBundles } from '../test-bundles.ts';
import { networkPolicyCoverage } from './coverage.ts';
import { podAddress, runOnLocalCluster } from './run-local.ts';

const reason = await dataplaneUnavailable();
if (reason !== undefined) console.log(`ztp prove on the local cluster: ${reason}`);

async function production() {
  const all = await exampleBundles();
  const found = all.find((b) => b.bundle.environment === 'production');
  if (found === undefined) throw new Error('no production example');
  return found.bundle;
}

/** The bundle with `edit` applied to the YAML of the first file whose path matches `file`. */
function edited(bundle: { environment: string; files: ReadonlyMap<string, string> }, file: RegExp, edit: (text: string) => string) {
  const files = new Map(bundle.files);
  const path = [...files.keys()].find((p) => file.test(p));
  if (path === undefined) throw new Error(`no file matches ${file}`);
  const text = files.get(path)!;
  const changed = edit(text);
  if (changed === text) throw new Error(`the edit changed nothing in ${path}`);
  files.set(path, changed);
  return { environment: bundle.environment, files };
}

describe('local run helpers', () => {
  it('gives every pod its own address in the pod range', () => {
    const addresses = Array.from({ length: 450 }, (_, i) => podAddress(i));
    expect(new Set(addresses).size).toBe(450);
    expect(addresses.every((a) => /^10\.244\.\d+\.\d+$/.test(a) && Number(a.split('.')[3]) <= 255)).toBe(true);
  });

  it('leaves out the cells a Cilium L7 policy decides, by name, and keeps the rest', async () => {
    const all = await exampleBundles();
    const staging = all.find((b) => b.bundle.environment === 'staging')!;
    const env = prepareEnvironment(staging.bundle, []);
    const objects = env.sync.objects.map((o) => o.object);
    const labelsOf = (id: string) => {
      const w = env.manifest.workloads.find((x) => x.id === id);
      return w ? { namespace: w.namespace, labels: w.labels } : { namespace: id.split('/')[0] ?? '', labels: { 'ztp.dev/probe': id } };
    };
    const coverage = networkPolicyCoverage(env.plan.cells, objects, labelsOf);
    const uncovered = coverage.uncovered.map((u) => u.cell.id);
    expect(uncovered.length).toBeGreaterThan(0);
    expect(uncovered.every((id) => / => staging\/api-server:/.test(id) || /^staging\/api-server => /.test(id))).toBe(true);
    expect(coverage.uncovered.flatMap((u) => u.policies)).toContain('CiliumNetworkPolicy staging/ztp-api-server-l7');
    expect(coverage.covered.some((c) => c.target === 'staging/database')).toBe(true);
  });

  it('keeps a cell covered when the Cilium rule that selects its pods is for another port', async () => {
    const dev = (await exampleBundles()).find((b) => b.bundle.environment === 'dev')!;
    const env = prepareEnvironment(dev.bundle, []);
    const labelsOf = (id: string) => {
      const w = env.manifest.workloads.find((x) => x.id === id);
      return w ? { namespace: w.namespace, labels: w.labels } : { namespace: id.split('/')[0] ?? '', labels: { 'ztp.dev/probe': id } };
    };
    const coverage = networkPolicyCoverage(env.plan.cells, env.sync.objects.map((o) => o.object), labelsOf);
    const uncovered = coverage.uncovered.map((u) => u.cell.id);
    expect(uncovered.length).toBeGreaterThan(0);
    expect(uncovered.every((id) => /:9090\/TCP/.test(id))).toBe(true);
    expect(coverage.covered.map((c) => c.id)).toContain('monitoring/ztp-probe => dev/api-server:8080/TCP');
  });
});

describe.skipIf(reason !== undefined)('ztp prove on the local cluster (real packets through kube-network-policies)', () => {
  it('proves the production example: every declared flow connects, everything undeclared is dropped', async () => {
    const env = prepareEnvironment(await production(), []);
    const report = await runOnLocalCluster(env, { log: (line) => console.log(line) });
    if (report.status !== 'passed') console.log(renderText(report));
    expect(report.setupError).toBeUndefined();
    expect(report.status).toBe('passed');
    const t = tally(report);
    expect(t.failed).toBe(0);
    const results = report.run!.results;
    expect(results.filter((r) => r.cell.expected === 'connected' && r.observed.outcome === 'connected').length).toBeGreaterThan(3);
    expect(results.filter((r) => r.cell.expected === 'dropped' && r.observed.outcome === 'dropped').length).toBeGreaterThan(10);
    expect(report.plan.notProbed.some((line) => /Istio/.test(line))).toBe(true);
  }, 300_000);

  it('fails a bundle whose allow for a declared flow was removed, naming the cell, the expectation and the observation', async () => {
    // The database's ingress policy admits the api-server on 5432; without it the default deny drops that flow.
    const broken = edited(await production(), /networkpolicy-production-ztp-database-ingress\.yaml$/, (text) => text.replace(/port: 5432/g, 'port: 5433'));
    const report = await runOnLocalCluster(prepareEnvironment(broken, []), {});
    expect(report.status).toBe('failed');
    const failed = failures(report);
    expect(failed.map((f) => f.cell.id)).toContain('production/api-server => production/database:5432/TCP');
    const cell = failed.find((f) => f.cell.id === 'production/api-server => production/database:5432/TCP')!;
    expect(cell.cell.expected).toBe('connected');
    expect(cell.observed.outcome).toBe('dropped');
    expect(renderText(report)).toMatch(/api-server => production\/database:5432\/TCP/);
  }, 300_000);

  it('fails a bundle with an extra allow nobody declared', async () => {
    const bundle = await production();
    const files = new Map(bundle.files);
    files.set(
      'network/networkpolicy-production-extra-allow.yaml',
      ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: extra-allow', '  namespace: production', 'spec:', '  podSelector: {}', '  policyTypes: [Ingress, Egress]', '  ingress: [{}]', '  egress: [{}]', ''].join('\n'),
    );
    const manifest = JSON.parse(files.get('manifest.json')!);
    manifest.objects = [...(manifest.objects ?? []), { file: 'network/networkpolicy-production-extra-allow.yaml', layer: 'network', syncWave: 0, kind: 'NetworkPolicy', name: 'extra-allow', namespace: 'production' }];
    files.set('manifest.json', JSON.stringify(manifest));
    const report = await runOnLocalCluster(prepareEnvironment({ environment: 'production', files }, []), {});
    expect(report.status).toBe('failed');
    const wrongAllows = failures(report).filter((f) => f.cell.expected === 'dropped' && f.observed.outcome === 'connected');
    expect(wrongAllows.length).toBeGreaterThan(0);
    expect(wrongAllows.some((f) => f.cell.target.startsWith('production/'))).toBe(true);
  }, 300_000);
});
