import type { IR } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';

/**
 * One ServiceAccount per workload, its token not mounted unless the workload declares API
 * access; and for those that do, a Role with exactly the declared permissions and its binding.
 */
export function emitRbac(ir: IR): Emitted[] {
  const env = ir.env.name;
  const out: Emitted[] = [];
  for (const w of ir.workloads) {
    const access = w.source.apiAccess;
    const meta = { name: w.serviceAccount, namespace: w.namespace, labels: ztpLabels(env) };
    out.push(emitted('identity', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta, automountServiceAccountToken: access.length > 0 }, [w.origin]));
    if (access.length === 0) continue;
    const roleName = `ztp-${w.name}`;
    out.push(
      emitted(
        'identity',
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: roleName, namespace: w.namespace, labels: ztpLabels(env) },
          rules: access.map((p) => ({
            apiGroups: [...p.apiGroups],
            resources: [...p.resources],
            verbs: [...p.verbs],
            ...(p.resourceNames === undefined ? {} : { resourceNames: [...p.resourceNames] }),
          })),
        },
        [w.origin],
      ),
    );
    out.push(
      emitted(
        'identity',
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: roleName, namespace: w.namespace, labels: ztpLabels(env) },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
          subjects: [{ kind: 'ServiceAccount', name: w.serviceAccount, namespace: w.namespace }],
        },
        [w.origin],
      ),
    );
  }
  return out;
}
