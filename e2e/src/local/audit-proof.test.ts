/**
 * The audit policy proven by the real kube-apiserver: started with the production bundle's
 * emitted policy (`--audit-policy-file`, JSON log), it gets a scripted set of requests, and the
 * log must hold each expected event at the expected level, none of the noise, and never the
 * random value written into a Secret.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlPlaneUnavailable, ensureNamespace, startLocalCluster, type LocalCluster } from '@ztp/local-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBundles } from '../test-bundles.ts';

const reason = await controlPlaneUnavailable();
if (reason !== undefined) console.log(`audit policy proof: ${reason}`);

interface AuditEvent {
  level: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string };
  requestObject?: unknown;
  responseObject?: unknown;
}

describe.skipIf(reason !== undefined)('the emitted audit policy, on the real kube-apiserver', () => {
  let cluster: LocalCluster;
  let dir: string;
  let log: string;
  let events: AuditEvent[];
  const marker = `ztp-marker-${randomBytes(12).toString('hex')}`;
  const ns = 'audit-proof';

  beforeAll(async () => {
    const production = (await exampleBundles()).find((b) => b.bundle.environment === 'production')!.bundle;
    const policy = production.files.get('audit/audit-policy.yaml');
    if (policy === undefined) throw new Error('the production bundle has no audit/audit-policy.yaml');
    dir = await mkdtemp(join(tmpdir(), 'ztp-audit-'));
    await writeFile(join(dir, 'audit-policy.yaml'), policy);
    cluster = await startLocalCluster({ auditPolicyFile: join(dir, 'audit-policy.yaml') });
    const rest = cluster.rest;
    await ensureNamespace(rest, ns);

    // 1. A Secret holding the marker: written, then read back (the response carries the value).
    await rest.call('create secret', 'POST', `/api/v1/namespaces/${ns}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: marker } } });
    const read = await rest.call('get secret', 'GET', `/api/v1/namespaces/${ns}/secrets/db`);
    expect(Buffer.from(read.data.password, 'base64').toString()).toBe(marker);
    await rest.call('list secrets', 'GET', `/api/v1/namespaces/${ns}/secrets`);
    // ... and a ConfigMap holding it too (ConfigMaps often hold credentials: upstream's reference policy keeps their bodies out)
    await rest.call('create configmap', 'POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { dsn: `postgres://app:${marker}@db` } } });
    await rest.call('get configmap', 'GET', `/api/v1/namespaces/${ns}/configmaps/settings`);
    // 2. A NetworkPolicy created and changed; a Role created and changed.
    await rest.call('create netpol', 'POST', `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, {
      body: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-web' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] } },
    });
    await rest.call('patch netpol', 'PATCH', `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/allow-web`, {
      contentType: 'application/merge-patch+json',
      body: { spec: { ingress: [{ ports: [{ port: 9090 }] }] } },
    });
    await rest.call('create role', 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    });
    await rest.call('patch role', 'PATCH', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/reader`, {
      contentType: 'application/merge-patch+json',
      body: { rules: [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get'] }] },
    });
    // 3. An exec into a pod (no kubelet answers; the apiserver audits the attempt all the same).
    await rest.call('create pod', 'POST', `/api/v1/namespaces/${ns}/pods`, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] } } });
    await rest.request('POST', `/api/v1/namespaces/${ns}/pods/web/exec`, { query: { command: 'cat', stdout: 'true', container: 'app' } });
    // 4. A token request and a TokenReview (both carry credentials in their bodies).
    const token = await cluster.serviceAccountToken(ns, 'default');
    await rest.call('tokenreview', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
    // 5. Noise: health checks, and event reads.
    for (const path of ['/healthz', '/readyz', '/livez', '/readyz?verbose']) await rest.request('GET', path);
    await rest.call('list events', 'GET', `/api/v1/namespaces/${ns}/events`);
    // A last request, to know the log is complete up to here (blocking mode writes before answering).
    await rest.call('get ns', 'GET', `/api/v1/namespaces/${ns}`);
    log = await readFile(cluster.auditLogPath, 'utf8');
    events = log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditEvent);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const find = (p: (e: AuditEvent) => boolean) => events.filter((e) => e.user.username === 'ztp-admin' && p(e));

  it('logs ConfigMaps at Metadata: never the body', () => {
    const configmaps = find((e) => e.objectRef?.resource === 'configmaps' && e.objectRef.namespace === ns);
    expect(configmaps.map((e) => e.verb).sort()).toEqual(['create', 'get']);
    for (const e of configmaps) {
      expect(e.level).toBe('Metadata');
      expect(e.requestObject).toBeUndefined();
      expect(e.responseObject).toBeUndefined();
    }
  });

  it('never writes the Secret value (nor the ConfigMap holding it) to the log', () => {
    expect(log.length).toBeGreaterThan(1000);
    expect(log.includes(marker)).toBe(false);
    expect(log.includes(Buffer.from(marker).toString('base64'))).toBe(false);
  });

  it('logs every access to Secrets at Metadata: who, what, when, never the body', () => {
    const secrets = find((e) => e.objectRef?.resource === 'secrets');
    expect(secrets.map((e) => e.verb).sort()).toEqual(['create', 'get', 'list']);
    for (const e of secrets) {
      expect(e.level).toBe('Metadata');
      expect(e.requestObject).toBeUndefined();
      expect(e.responseObject).toBeUndefined();
    }
  });

  it('logs ServiceAccount tokens and TokenReviews at Metadata', () => {
    const token = find((e) => e.objectRef?.resource === 'serviceaccounts' && e.objectRef.subresource === 'token');
    const review = find((e) => e.objectRef?.resource === 'tokenreviews');
    expect(token).toHaveLength(1);
    expect(review).toHaveLength(1);
    for (const e of [...token, ...review]) {
      expect(e.level).toBe('Metadata');
      expect(e.requestObject).toBeUndefined();
    }
  });

  it('logs NetworkPolicy and RBAC changes at RequestResponse, with what was asked and what resulted', () => {
    const netpol = find((e) => e.objectRef?.resource === 'networkpolicies' && e.verb !== 'get');
    const role = find((e) => e.objectRef?.resource === 'roles' && e.verb !== 'get');
    expect(netpol.map((e) => e.verb).sort()).toEqual(['create', 'patch']);
    expect(role.map((e) => e.verb).sort()).toEqual(['create', 'patch']);
    for (const e of [...netpol, ...role]) {
      expect(e.level).toBe('RequestResponse');
      expect(e.requestObject).toBeDefined();
      expect(e.responseObject).toBeDefined();
    }
    expect(JSON.stringify(netpol.find((e) => e.verb === 'patch')!.responseObject)).toContain('9090');
  });

  it('logs exec at Metadata', () => {
    const exec = find((e) => e.objectRef?.subresource === 'exec');
    expect(exec.length).toBeGreaterThanOrEqual(1);
    for (const e of exec) expect(e.level).toBe('Metadata');
  });

  it('drops health checks and event reads, and omits the RequestReceived stage', () => {
    expect(events.filter((e) => /^\/(healthz|readyz|livez)/.test(e.requestURI))).toEqual([]);
    expect(find((e) => e.objectRef?.resource === 'events')).toEqual([]);
    expect(events.filter((e) => e.stage === 'RequestReceived')).toEqual([]);
  });

  it('logs everything else at Metadata (the catch-all)', () => {
    const pod = find((e) => e.objectRef?.resource === 'pods' && e.verb === 'create' && e.objectRef.subresource === undefined);
    expect(pod).toHaveLength(1);
    expect(pod[0]!.level).toBe('Metadata');
  });
});
