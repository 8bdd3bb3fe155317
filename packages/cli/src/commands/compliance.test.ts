/**
 * `ztp compliance` end to end against a real control plane (etcd + kube-apiserver as local
 * processes) with the production example applied: the verdicts and exit codes of every output
 * format, the errors, and `--watch` with its Prometheus metrics read over HTTP.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneUnavailable, eventually, installCrds, startLocalCluster, type KubeObject, type LocalCluster } from '@ztp/local-cluster';
import { applyBundle, crdsFor, exampleEnvironment } from '@ztp/compliance/testing';
import type { BundleSpec } from '@ztp/compliance';
import { requireTools } from '@ztp/tools';
import type { Io } from '../io.ts';
import { main } from '../main.ts';
import { runCompliance } from './compliance.ts';

// The control plane, and opa: the engine running pods are evaluated with.
const reason = (await controlPlaneUnavailable()) ?? (await requireTools(['opa']));
if (reason !== undefined) console.log(`ztp compliance against the local cluster: ${reason}`);

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd: process.cwd(), stdout, stderr };
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sample = (metrics: string, name: string): number | undefined => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe.skipIf(reason !== undefined)('ztp compliance on the local cluster', () => {
  let cluster: LocalCluster;
  let spec: BundleSpec;
  let files: ReadonlyMap<string, string>;
  let args: string[];
  const NP_FILE = 'network/networkpolicy-production-ztp-frontend-ingress.yaml';
  const np = (): KubeObject => spec.objects.find((o) => o.file === NP_FILE)!.object as KubeObject;

  beforeAll(async () => {
    ({ spec, files } = await exampleEnvironment('production'));
    cluster = await startLocalCluster();
    await installCrds(cluster, crdsFor(spec));
    await applyBundle(cluster.rest, spec);
    args = ['production', '--context', 'ztp-local', '--kubeconfig', cluster.kubeconfigPath];
  }, 300_000);
  const scratches: string[] = [];
  /** A new temporary directory, removed after the tests. */
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztp-compliance-'));
    scratches.push(dir);
    return dir;
  };
  afterAll(async () => {
    await cluster?.stop();
    for (const d of scratches) rmSync(d, { recursive: true, force: true });
  });

  it('exits 0 on a cluster in line with the bundle, in every output format', async () => {
    const txt = capture();
    expect(await main(['compliance', ...args], txt)).toBe(0);
    expect(txt.stdout.join('')).toMatch(/^production: COMPLIANT \(no drift\); \d+ bundle objects compared, namespaces ai-inference, production, 0 running pods evaluated \(opa\)$/m);

    const json = capture();
    expect(await main(['compliance', ...args, '-o', 'json'], json)).toBe(0);
    const report = JSON.parse(json.stdout.join(''));
    expect(report.context).toBe('ztp-local');
    expect(report.environments[0].environment).toBe('production');
    expect(report.environments[0].drift).toEqual([]);
    expect(report.environments[0].objects).toBe(spec.objects.length);

    const md = capture();
    expect(await main(['compliance', ...args, '-o', 'md'], md)).toBe(0);
    expect(md.stdout.join('')).toContain('| production | compliant | no drift |');

    const junit = capture();
    expect(await main(['compliance', ...args, '-o', 'junit'], junit)).toBe(0);
    expect(junit.stdout.join('')).toMatch(/<testsuites name="ztp compliance" tests="6" failures="0">/);

    // The published bundle (--dir) instead of the source: the same verdict.
    const dir = join(scratch(), 'bundles', 'production');
    for (const [file, content] of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    const published = capture();
    expect(await main(['compliance', ...args, '--dir', dirname(dir)], published)).toBe(0);
    expect(published.stdout.join('')).toMatch(/^production: COMPLIANT/m);
  });

  it('exits 1 on drift and names it in text, JSON and JUnit', async () => {
    await cluster.rest.delete(np());
    try {
      const txt = capture();
      expect(await main(['compliance', ...args], txt)).toBe(1);
      expect(txt.stdout.join('')).toMatch(/^production: DRIFT \(1 missing\)/m);
      expect(txt.stdout.join('')).toContain(`missing       NetworkPolicy production/ztp-frontend-ingress (${NP_FILE}): not on the cluster`);
      const json = capture();
      expect(await main(['compliance', ...args, '-o', 'json'], json)).toBe(1);
      expect(JSON.parse(json.stdout.join('')).environments[0].drift).toEqual([
        { kind: 'missing', objectKind: 'NetworkPolicy', namespace: 'production', name: 'ztp-frontend-ingress', file: NP_FILE, summary: 'not on the cluster', details: [] },
      ]);
      const junit = capture();
      expect(await main(['compliance', ...args, '-o', 'junit'], junit)).toBe(1);
      expect(junit.stdout.join('')).toMatch(/<testsuites name="ztp compliance" tests="6" failures="1">/);
      expect(junit.stdout.join('')).toContain('NetworkPolicy production/ztp-frontend-ingress: not on the cluster');
    } finally {
      await cluster.rest.applyOrThrow(np());
    }
  });

  it('exits 2 naming the problem: no --context, an unknown context, a cluster that does not answer', async () => {
    const none = capture();
    expect(await main(['compliance', 'production'], none)).toBe(2);
    expect(none.stderr.join('')).toMatch(/--context is required/);

    const unknown = capture();
    expect(await main(['compliance', 'production', '--context', 'nope', '--kubeconfig', cluster.kubeconfigPath], unknown)).toBe(2);
    expect(unknown.stderr.join('')).toMatch(/has no context 'nope'; it has ztp-local/);

    const dir = scratch();
    const dead = join(dir, 'kubeconfig');
    writeFileSync(
      dead,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'dead', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'dead', context: { cluster: 'dead', user: 'u' } }],
        'current-context': 'dead',
      }),
    );
    const unreachable = capture();
    expect(await main(['compliance', 'production', '--context', 'dead', '--kubeconfig', dead], unreachable)).toBe(2);
    expect(unreachable.stderr.join('')).toMatch(/^error: cannot reach the cluster of context 'dead' at https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(unreachable.stderr.join('')).not.toMatch(/\n\s+at /); // no stack trace

    // a published bundle edited after compiling: refused before the cluster is asked anything
    const published = join(scratch(), 'bundles', 'production');
    for (const [file, content] of files) {
      mkdirSync(dirname(join(published, file)), { recursive: true });
      writeFileSync(join(published, file), file === NP_FILE ? content.replace('ingress:', 'ingress:\n    - {}') : content);
    }
    const edited = capture();
    expect(await main(['compliance', 'production', '--context', 'dead', '--kubeconfig', dead, '--dir', dirname(published)], edited)).toBe(2);
    expect(edited.stderr.join('')).toContain(`production: ${NP_FILE} does not match its sha256 in manifest.json (edited after compiling)`);
  });

  /** `ztp compliance --watch`, checking every second, once it has printed its metrics address. */
  const startWatch = async () => {
    const io = capture();
    const stop = new AbortController();
    const run = runCompliance([...args, '--watch', '--metrics-address', '127.0.0.1:0', '--interval', '1'], io, { signal: stop.signal });
    let url = '';
    await eventually('the metrics address to be printed', 60_000, async () => {
      url = /metrics at (http:\/\/\S+)/.exec(io.stderr.join('\n'))?.[1] ?? '';
      return url !== '';
    });
    return { io, stop, run, url };
  };

  it('--watch serves the drift as Prometheus metrics over HTTP, follows changes through informers, and stops when asked', async () => {
    const { io, stop, run, url } = await startWatch();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const drift = 'ztp_compliance_drift{environment="production",kind="missing"}';
    try {
      let page = '';
      await eventually('a first check in the metrics', 60_000, async () => {
        page = (await get(url)).body;
        return sample(page, drift) !== undefined;
      });
      expect(sample(page, drift)).toBe(0);
      expect(sample(page, 'ztp_compliance_drift{environment="production",kind="default-deny"}')).toBe(0);
      const first = sample(page, 'ztp_compliance_last_check_timestamp_seconds')!;
      expect(Math.abs(first - Date.now() / 1000)).toBeLessThan(120);
      expect(io.stdout.join('')).toMatch(/^production: COMPLIANT/m);

      // A NetworkPolicy deleted: the informer sees it, the next check counts it.
      await cluster.rest.delete(np());
      await eventually('the deleted NetworkPolicy in the metrics', 60_000, async () => sample((page = (await get(url)).body), drift) === 1);
      expect(sample(page, 'ztp_compliance_last_check_timestamp_seconds')!).toBeGreaterThan(first);
      expect(io.stdout.join('')).toContain('missing       NetworkPolicy production/ztp-frontend-ingress');

      // Put back: the drift goes to 0 again.
      await cluster.rest.applyOrThrow(np());
      await eventually('the restored NetworkPolicy in the metrics', 60_000, async () => sample((page = (await get(url)).body), drift) === 0);
      expect(sample(page, 'ztp_compliance_checks_total')!).toBeGreaterThanOrEqual(3);
      expect(sample(page, 'ztp_compliance_check_errors_total')).toBe(0);
    } finally {
      stop.abort();
      expect(await run).toBe(0);
    }
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('--watch says a check is incomplete while a watch it reads from is broken (its cache may be stale)', async () => {
    const { io, stop, run, url } = await startWatch();
    const incomplete = 'ztp_compliance_check_incomplete{environment="production"}';
    try {
      await eventually('a first, complete check', 60_000, async () => sample((await get(url)).body, incomplete) === 0);
      // the AuthorizationPolicy kind goes away under the watch: its informer can no longer list
      await cluster.rest.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'authorizationpolicies.security.istio.io' } } as KubeObject);
      await eventually('the broken watch in the metrics', 90_000, async () => sample((await get(url)).body, incomplete) === 1);
      expect(io.stdout.join('')).toMatch(/NOT CHECKED: the watch of AuthorizationPolicy.* failed and has not recovered/);
    } finally {
      stop.abort();
      await run;
    }
  }, 240_000);
});
