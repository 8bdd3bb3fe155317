import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNode, setPodRunning } from './bootstrap.ts';
import { startLocalCluster, type LocalCluster } from './cluster.ts';
import { controlPlaneUnavailable } from './testing.ts';

const reason = await controlPlaneUnavailable();
if (reason !== undefined) console.log(`local-cluster: ${reason}`);

const pod = (namespace: string, name: string, securityContext: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0', securityContext }] },
});

describe.skipIf(reason !== undefined)('the local control plane', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startLocalCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is the pinned kube-apiserver, on loopback, trusted through its own CA', async () => {
    const version = await cluster.rest.call('version', 'GET', '/version');
    expect(version.gitVersion).toBe('v1.35.4');
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const kubeconfig = JSON.parse(await readFile(cluster.kubeconfigPath, 'utf8'));
    expect(kubeconfig.clusters[0].cluster.server).toBe(cluster.server);
  });

  it('refuses a request without a valid token', async () => {
    const { KubeRest } = await import('./rest.ts');
    const stranger = new KubeRest(cluster.server, 'not-a-token', cluster.caPem);
    expect((await stranger.request('GET', '/api/v1/namespaces')).status).toBe(401);
  });

  it('admits privileged pods itself (--allow-privileged), so admission policies are what refuse them', async () => {
    await cluster.ensureNamespace('lc-privileged');
    const r = await cluster.rest.create(pod('lc-privileged', 'p', { privileged: true }), { dryRun: true });
    expect(r.status).toBe(201);
  });

  it('runs its own PodSecurity admission: a privileged pod is refused in a namespace that enforces baseline', async () => {
    await cluster.ensureNamespace('lc-baseline', { 'pod-security.kubernetes.io/enforce': 'baseline' });
    const r = await cluster.rest.create(pod('lc-baseline', 'p', { privileged: true }), { dryRun: true });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/violates PodSecurity "baseline:latest": privileged/);
  });

  it('gives a namespace its default ServiceAccount, and pods can be bound and marked Running with an IP', async () => {
    await cluster.ensureNamespace('lc-pods');
    expect(await cluster.rest.get('v1', 'ServiceAccount', 'default', 'lc-pods')).toBeDefined();
    await ensureNode(cluster.rest, 'lc-node');
    expect((await cluster.rest.create(pod('lc-pods', 'web'))).status).toBe(201);
    await setPodRunning(cluster.rest, 'lc-pods', 'web', '10.244.9.9', 'lc-node');
    const stored = await cluster.rest.get('v1', 'Pod', 'web', 'lc-pods');
    expect(stored.spec.nodeName).toBe('lc-node');
    expect(stored.status.phase).toBe('Running');
    expect(stored.status.podIP).toBe('10.244.9.9');
  });

  it('issues ServiceAccount tokens that the apiserver itself accepts (TokenReview)', async () => {
    await cluster.ensureServiceAccount('lc-pods', 'reader');
    const token = await cluster.serviceAccountToken('lc-pods', 'reader');
    const review = await cluster.rest.call('tokenreview', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    expect(review.status.authenticated).toBe(true);
    expect(review.status.user.username).toBe('system:serviceaccount:lc-pods:reader');
  });
});

describe.skipIf(reason !== undefined)('stopping the local control plane', () => {
  it('ends etcd and the apiserver and removes its directory', async () => {
    const cluster = await startLocalCluster();
    const { existsSync } = await import('node:fs');
    expect(existsSync(cluster.dir)).toBe(true);
    await cluster.stop();
    expect(existsSync(cluster.dir)).toBe(false);
    await expect(cluster.rest.request('GET', '/readyz')).rejects.toThrow(/ECONNREFUSED/);
  }, 120_000);
});
