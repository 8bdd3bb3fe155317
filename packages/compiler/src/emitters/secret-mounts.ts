import type { Layer } from '@ztp/model';
import type { IR } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';

/** What a secret-mount guard allows, and which secrets it guards. */
export interface MountGuard {
  /** The policy and binding name, e.g. `ztp-<env>-secret-mounts`. */
  readonly name: string;
  /** The bundle layer both objects belong to. */
  readonly layer: Layer;
  /** Every allowed reference, as `namespace/serviceAccount/secret`. */
  readonly allowed: readonly string[];
  /**
   * The secrets guarded, as `namespace/secret`: a reference to any other secret is left alone.
   * @default every secret (a pod may reference only what `allowed` lists)
   */
  readonly guarded?: readonly string[];
  /** The denial: `... references <what> in <where> <why>`, e.g. `a secret` and `that ztp environment prod does not declare for that service account`. */
  readonly what: string;
  readonly why: string;
}

/** CEL string literal. */
function cel(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A ValidatingAdmissionPolicy and its binding over the environment's managed namespaces: a pod
 * (created, updated, or given ephemeral containers) may reference a guarded secret (in a volume,
 * a projected volume, `env` or `envFrom` of any container) only through a service account the
 * guard allows it to. `failurePolicy: Fail`; `Deny` when the environment enforces, else `Warn`
 * and `Audit`. Pure.
 */
export function secretMountGuard(ir: IR, guard: MountGuard): Emitted[] {
  const env = ir.env.name;
  const guarded = guard.guarded;
  const key = (name: string) => `request.namespace + '/' + ${name}`;
  const allowed = (name: string) => `(request.namespace + '/' + variables.serviceAccount + '/' + ${name}) in variables.allowed`;
  const ref = (name: string) => (guarded === undefined ? allowed(name) : `(!((${key(name)}) in variables.guarded) || ${allowed(name)})`);
  const containerCheck = (field: string) =>
    `!has(object.spec.${field}) || object.spec.${field}.all(c, (!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef) || ${ref('e.valueFrom.secretKeyRef.name')})) && (!has(c.envFrom) || c.envFrom.all(f, !has(f.secretRef) || ${ref('f.secretRef.name')})))`;
  const message = (where: string) => `'pod with service account ' + variables.serviceAccount + ${cel(` references ${guard.what} in ${where} ${guard.why}`)}`;
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: guard.name, labels: ztpLabels(env) },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'] }],
      },
      variables: [
        { name: 'allowed', expression: `[${[...guard.allowed].sort().map(cel).join(', ')}]` },
        ...(guarded === undefined ? [] : [{ name: 'guarded', expression: `[${[...guarded].sort().map(cel).join(', ')}]` }]),
        { name: 'serviceAccount', expression: `has(object.spec.serviceAccountName) && object.spec.serviceAccountName != '' ? object.spec.serviceAccountName : 'default'` },
      ],
      validations: [
        {
          expression: `!has(object.spec.volumes) || object.spec.volumes.all(v, (!has(v.secret) || !has(v.secret.secretName) || ${ref('v.secret.secretName')}) && (!has(v.projected) || !has(v.projected.sources) || v.projected.sources.all(s, !has(s.secret) || !has(s.secret.name) || ${ref('s.secret.name')})))`,
          messageExpression: message('a volume'),
          reason: 'Forbidden',
        },
        ...['containers', 'initContainers', 'ephemeralContainers'].map((field) => ({ expression: containerCheck(field), messageExpression: message(field), reason: 'Forbidden' })),
      ],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: guard.name, labels: ztpLabels(env) },
    spec: {
      policyName: guard.name,
      validationActions: ir.env.enforcement === 'enforce' ? ['Deny'] : ['Warn', 'Audit'],
      matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ir.namespaces.map((n) => n.name) }] } },
    },
  };
  return [emitted(guard.layer, policy, [ir.envOrigin]), emitted(guard.layer, binding, [ir.envOrigin])];
}
