import { EPHEMERAL_CONTAINERS_RULE } from '@ztp/admission/emit';
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

/** Volume sources whose Secret the kubelet fetches for the driver, and the field naming it (`<field>.name`). */
const KUBELET_VOLUME_SECRETS: readonly (readonly [string, string])[] = [
  ['csi', 'nodePublishSecretRef'],
  ['cephfs', 'secretRef'],
  ['flexVolume', 'secretRef'],
  ['rbd', 'secretRef'],
  ['iscsi', 'secretRef'],
  ['scaleIO', 'secretRef'],
  ['storageos', 'secretRef'],
];

/** CEL string literal. */
function cel(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A ValidatingAdmissionPolicy and its binding over the environment's managed namespaces: a pod
 * (created, updated, or given ephemeral containers) may reference a guarded secret (in a volume,
 * a projected volume, a volume driver's secret such as CSI's `nodePublishSecretRef`, `env` or
 * `envFrom` of any container) only through a service account the guard allows it to;
 * `imagePullSecrets` may also name registry credentials nobody declared. `failurePolicy: Fail`; `Deny` when the environment enforces, else `Warn`
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
  // imagePullSecrets name registry credentials too, which ztp does not declare: only a secret
  // declared for (or guarded from) some service account is held to the guard there
  const declared = [...new Set(guard.allowed.map((a) => a.split('/')).map(([ns, , ...name]) => `${ns}/${name.join('/')}`))];
  const pullRef = (name: string) => `(!((${key(name)}) in variables.declared) || ${allowed(name)})`;
  const message = (where: string) => `'pod with service account ' + variables.serviceAccount + ${cel(` references ${guard.what} in ${where} ${guard.why}`)}`;
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: guard.name, labels: ztpLabels(env) },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        // the admission policies' own form: Pods on CREATE and UPDATE, and kubectl debug's ephemeral containers
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }, { ...EPHEMERAL_CONTAINERS_RULE }],
      },
      variables: [
        { name: 'allowed', expression: `[${[...guard.allowed].sort().map(cel).join(', ')}]` },
        ...(guarded === undefined ? [{ name: 'declared', expression: `[${declared.sort().map(cel).join(', ')}]` }] : [{ name: 'guarded', expression: `[${[...guarded].sort().map(cel).join(', ')}]` }]),
        { name: 'serviceAccount', expression: `has(object.spec.serviceAccountName) && object.spec.serviceAccountName != '' ? object.spec.serviceAccountName : 'default'` },
      ],
      validations: [
        {
          expression: `!has(object.spec.volumes) || object.spec.volumes.all(v, (!has(v.secret) || !has(v.secret.secretName) || ${ref('v.secret.secretName')}) && (!has(v.projected) || !has(v.projected.sources) || v.projected.sources.all(s, !has(s.secret) || !has(s.secret.name) || ${ref('s.secret.name')})))`,
          messageExpression: message('a volume'),
          reason: 'Forbidden',
        },
        {
          // Secrets the kubelet fetches for a volume driver (CSI, and the in-tree plugins that take one)
          expression: `!has(object.spec.volumes) || object.spec.volumes.all(v, ${KUBELET_VOLUME_SECRETS.map(([source, field]) => `(!has(v.${source}) || !has(v.${source}.${field}) || !has(v.${source}.${field}.name) || ${ref(`v.${source}.${field}.name`)})`).join(' && ')} && (!has(v.azureFile) || !has(v.azureFile.secretName) || ${ref('v.azureFile.secretName')}))`,
          messageExpression: message('a volume driver secret'),
          reason: 'Forbidden',
        },
        {
          expression: `!has(object.spec.imagePullSecrets) || object.spec.imagePullSecrets.all(p, !has(p.name) || ${guarded === undefined ? pullRef('p.name') : ref('p.name')})`,
          messageExpression: message('imagePullSecrets'),
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
