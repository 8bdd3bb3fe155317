import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneUnavailable, eventually, startLocalCluster, type KubeObject, type KubeResponse, type LocalCluster } from '@ztp/local-cluster';
import { discoverEnvironments, emitEnvironment, loadEnvironment } from '@ztp/compiler';
import type { Environment } from '@ztp/model';

/*
 * Who may reference which Secret, proven on the real kube-apiserver: the staging example's own
 * ValidatingAdmissionPolicies, applied as emitted, judge pods created with `dryRun=All`. In
 * phase 2 only the SPIFFE certificate Secrets are guarded (each by its workload's service
 * account); from phase 3 every Secret a pod references must be declared for its service account.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const source = discoverEnvironments(REPO).find((e) => e.name === 'staging');
if (source === undefined) throw new Error('no staging environment');
const staging = await loadEnvironment(source);
const NS = staging.namespaces[0]!.name;

/** The environment's admission policies and bindings for secrets, as emitted at `phase`. */
function guards(env: Environment): KubeObject[] {
  return emitEnvironment(env, REPO)
    .objects.map((e) => e.object as unknown as KubeObject)
    .filter((o) => (o.kind === 'ValidatingAdmissionPolicy' || o.kind === 'ValidatingAdmissionPolicyBinding') && /-(?:svid|secret)-mounts$/.test(o.metadata.name ?? ''));
}

/** Every way a pod may reference a Secret. */
type How = 'volume' | 'env' | 'projected' | 'envFrom' | 'csi' | 'imagePull';

/** A pod of `serviceAccount` referencing `secret` one way: a volume, env of an init container, a projected volume, envFrom, a CSI driver's secret, imagePullSecrets. */
function pod(name: string, serviceAccount: string, secret: string, how: How = 'volume'): KubeObject {
  const app = { name: 'app', image: 'registry.example.com/shop/app:1.0' };
  const spec: Record<How, Record<string, unknown>> = {
    volume: { containers: [app], volumes: [{ name: 's', secret: { secretName: secret } }] },
    env: { containers: [app], initContainers: [{ ...app, name: 'init', env: [{ name: 'K', valueFrom: { secretKeyRef: { name: secret, key: 'k' } } }] }] },
    projected: { containers: [app], volumes: [{ name: 's', projected: { sources: [{ secret: { name: secret } }] } }] },
    envFrom: { containers: [{ ...app, envFrom: [{ secretRef: { name: secret } }] }] },
    csi: { containers: [app], volumes: [{ name: 's', csi: { driver: 'secrets-store.csi.k8s.io', nodePublishSecretRef: { name: secret } } }] },
    imagePull: { containers: [app], imagePullSecrets: [{ name: secret }] },
  };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { serviceAccountName: serviceAccount, ...spec[how] } } as KubeObject;
}

// Skipped only where etcd and kube-apiserver are not installed (a user's clone), with the reason
// printed; under CI or ZTP_PROVE_REQUIRED, controlPlaneUnavailable throws instead, so CI never skips.
const reason = await controlPlaneUnavailable();
if (reason !== undefined) console.log(`secret-mount policies on a real apiserver: ${reason}`);

describe.skipIf(reason !== undefined)('secret-mount policies, judged by the real kube-apiserver', () => {
  let cluster: LocalCluster;
  const admit = (p: KubeObject): Promise<KubeResponse> => cluster.rest.create(p, { dryRun: true });
  const apply = async (objects: readonly KubeObject[]) => {
    for (const o of objects) {
      const r = await cluster.rest.create(o);
      if (r.status !== 201 && r.status !== 409) throw new Error(`creating ${o.kind} ${o.metadata.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
    }
  };
  /** Waits until a pod the policy must refuse is refused (a new policy takes effect within a second or two). */
  const refusedOnceActive = async (p: KubeObject, message: RegExp) => {
    let last: KubeResponse | undefined;
    await eventually(`the policy refusing ${p.metadata.name}`, 30_000, async () => (last = await admit(p)).status === 403);
    expect(String(last!.body.message)).toMatch(message);
  };

  beforeAll(async () => {
    cluster = await startLocalCluster();
    await cluster.ensureNamespace(NS);
    for (const w of staging.workloads) await cluster.ensureServiceAccount(NS, w.serviceAccount);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("phase 2: a workload's certificate Secret is usable by its own service account only; other Secrets are not yet guarded", async () => {
    const objects = guards({ ...staging, phase: 2 });
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual(['ValidatingAdmissionPolicy ztp-staging-svid-mounts', 'ValidatingAdmissionPolicyBinding ztp-staging-svid-mounts']);
    await apply(objects);
    await refusedOnceActive(pod('db-takes-api-svid', 'database', 'api-server-svid'), /references another workload's SPIFFE certificate Secret in a volume/);
    expect((await admit(pod('db-takes-api-svid-env', 'database', 'api-server-svid', 'env'))).status).toBe(403);
    expect((await admit(pod('api-own-svid', 'api-server', 'api-server-svid'))).status).toBe(201);
    expect((await admit(pod('api-own-svid-env', 'api-server', 'api-server-svid', 'env'))).status).toBe(201);
    expect((await admit(pod('db-other-secret', 'database', 'legacy-config'))).status).toBe(201);
  }, 60_000);

  it('phase 3: every Secret a pod references must be declared for its service account', async () => {
    const objects = guards(staging);
    expect(objects.map((o) => o.metadata.name)).toContain('ztp-staging-secret-mounts');
    await apply(objects);
    await refusedOnceActive(pod('db-other-secret', 'database', 'legacy-config'), /references a secret in a volume that ztp environment staging does not declare for that service account/);
    expect((await admit(pod('db-takes-session', 'database', 'session-key', 'env'))).status).toBe(403);
    expect((await admit(pod('db-takes-api-svid', 'database', 'api-server-svid'))).status).toBe(403);
    expect((await admit(pod('frontend-session', 'frontend', 'session-key'))).status).toBe(201);
    expect((await admit(pod('api-creds', 'api-server', 'db-credentials', 'env'))).status).toBe(201);
    expect((await admit(pod('api-own-svid', 'api-server', 'api-server-svid'))).status).toBe(201);
    // every way of referencing one: refused for another workload's secret, admitted for its own
    for (const how of ['projected', 'envFrom', 'csi', 'imagePull'] as const) {
      expect((await admit(pod(`db-takes-creds-${how.toLowerCase()}`, 'database', 'db-credentials', how))).status, how).toBe(403);
      expect((await admit(pod(`db-takes-svid-${how.toLowerCase()}`, 'database', 'api-server-svid', how))).status, how).toBe(403);
      expect((await admit(pod(`api-creds-${how.toLowerCase()}`, 'api-server', 'db-credentials', how))).status, how).toBe(201);
    }
    // a volume driver's secret nobody declared is refused; registry credentials nobody declared are not ztp's to guard
    expect((await admit(pod('db-undeclared-csi', 'database', 'legacy-config', 'csi'))).status).toBe(403);
    expect((await admit(pod('db-registry', 'database', 'registry-credentials', 'imagePull'))).status).toBe(201);
  }, 60_000);
});
