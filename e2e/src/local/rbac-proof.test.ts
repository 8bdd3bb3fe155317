/**
 * Least privilege per workload, proven by the real kube-apiserver's RBAC authorizer: every
 * example environment's ServiceAccounts, Roles and RoleBindings, applied as emitted, and a
 * SubjectAccessReview for every permission any workload of the namespace declares, asked as every
 * service account of the namespace (its own, the others', `default`, one nobody declared): allowed
 * exactly for the workload that declares it. Nearby requests nobody declared (another name, another
 * verb, Secrets, Pods, another namespace) are refused for everyone.
 */
import { controlPlaneUnavailable, ensureNamespace, startLocalCluster, type KubeObject, type LocalCluster } from '@ztp/local-cluster';
import { discoverEnvironments, emitEnvironment, loadEnvironment } from '@ztp/compiler';
import type { Environment } from '@ztp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Skipped only where etcd and kube-apiserver are not installed (a user's clone), with the reason
// printed; under CI, controlPlaneUnavailable (requireTools) throws instead, so CI never skips.
const reason = await controlPlaneUnavailable();
if (reason !== undefined) console.log(`SKIPPED RBAC proof: ${reason}`);

interface Request {
  readonly namespace: string;
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
  readonly name?: string;
}

const envs: Environment[] = await Promise.all(discoverEnvironments(REPO).map((s) => loadEnvironment(s)));
const withAccess = envs.filter((e) => e.workloads.some((w) => w.apiAccess.length > 0));

// skipped only without a local control plane (the reason is printed above); CI throws instead
describe.skipIf(reason !== undefined)('workload API access, judged by the real RBAC authorizer', () => {
  let cluster: LocalCluster;
  const allowed = async (serviceAccount: string, r: Request): Promise<boolean> => {
    const review = await cluster.rest.call('subject access review', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${r.namespace}:${serviceAccount}`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${r.namespace}`, 'system:authenticated'],
          resourceAttributes: { namespace: r.namespace, group: r.group, resource: r.resource, verb: r.verb, ...(r.name !== undefined ? { name: r.name } : {}) },
        },
      },
    });
    return (review as { status?: { allowed?: boolean } }).status?.allowed === true;
  };

  beforeAll(async () => {
    cluster = await startLocalCluster();
    for (const env of withAccess) {
      for (const ns of env.namespaces) await ensureNamespace(cluster.rest, ns.name);
      const identity = emitEnvironment(env, REPO).objects.filter((e) => e.layer === 'identity').map((e) => e.object as unknown as KubeObject);
      for (const o of identity) {
        const r = await cluster.rest.create(o);
        if (r.status !== 201 && r.status !== 409) throw new Error(`creating ${o.kind} ${o.metadata.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
    }
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('has an example environment whose workloads declare API access (else this proves nothing)', () => {
    expect(withAccess.map((e) => e.name)).toContain('production');
  });

  for (const env of withAccess) {
    it(`${env.name}: each declared permission is its workload's alone, and nothing near it is anyone's`, async () => {
      let asked = 0;
      for (const ns of env.namespaces.map((n) => n.name)) {
        const workloads = env.workloads.filter((w) => w.namespace === ns);
        const accounts = [...new Set([...workloads.map((w) => w.serviceAccount), 'default', 'ztp-undeclared'])];
        for (const owner of workloads) {
          for (const perm of owner.apiAccess) {
            for (const group of perm.apiGroups) {
              for (const resource of perm.resources) {
                for (const verb of perm.verbs) {
                  for (const name of perm.resourceNames ?? [undefined]) {
                    const request = { namespace: ns, group, resource, verb, ...(name !== undefined ? { name } : {}) };
                    for (const sa of accounts) {
                      asked++;
                      expect(await allowed(sa, request), `${sa} ${verb} ${group}/${resource} ${name ?? '*'} in ${ns}`).toBe(sa === owner.serviceAccount);
                    }
                    // the same request in another namespace, and for another object where names are listed
                    expect(await allowed(owner.serviceAccount, { ...request, namespace: 'ztp-rbac-elsewhere' }), `${verb} ${resource} elsewhere`).toBe(false);
                    if (name !== undefined) expect(await allowed(owner.serviceAccount, { ...request, name: `${name}-other` }), `${verb} ${resource} ${name}-other`).toBe(false);
                  }
                }
                // a verb it did not declare on the same resource
                const other = ['delete', 'patch', 'list', 'watch', 'get', 'create', 'update'].find((v) => !owner.apiAccess.some((p) => p.resources.includes(resource) && p.apiGroups.includes(group) && p.verbs.includes(v as never)))!;
                expect(await allowed(owner.serviceAccount, { namespace: ns, group, resource, verb: other }), `${other} ${resource}`).toBe(false);
              }
            }
          }
        }
        // what no workload here declares: Secrets, Pods, RBAC itself
        for (const sa of accounts) {
          for (const r of [
            { group: '', resource: 'secrets', verb: 'get' },
            { group: '', resource: 'secrets', verb: 'list' },
            { group: '', resource: 'pods', verb: 'create' },
            { group: '', resource: 'pods/exec', verb: 'create' },
            { group: 'rbac.authorization.k8s.io', resource: 'rolebindings', verb: 'create' },
          ]) {
            if (workloads.some((w) => w.apiAccess.some((p) => p.resources.includes(r.resource) && p.verbs.includes(r.verb as never)))) continue;
            expect(await allowed(sa, { namespace: ns, ...r }), `${sa} ${r.verb} ${r.resource} in ${ns}`).toBe(false);
          }
        }
      }
      expect(asked).toBeGreaterThan(0);
    }, 120_000);
  }
});
