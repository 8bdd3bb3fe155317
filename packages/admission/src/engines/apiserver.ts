/**
 * The `apiserver` engine: the real kube-apiserver judging the native form. Each rule's
 * ValidatingAdmissionPolicy is installed with its binding narrowed to a namespace of its own
 * (`Deny`, whatever the environment's enforcement), so one rule's denial never hides another's;
 * once they are in effect every case is created with `dryRun=All` in the namespace of each rule
 * it is a case for: 201 is an admission, a refusal naming the rule's ValidatingAdmissionPolicy
 * (403 or 422, as its `reason` says) a denial with its message, anything else an error finding
 * (never read as an admission). Runs on the
 * process's shared local cluster (@ztp/local-cluster), started on first use.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureNamespace, ensureServiceAccount, sharedLocalCluster, type KubeObject, type LocalCluster } from '@ztp/local-cluster';
import type { K8sObject } from '../contract.ts';
import { EngineError, type Case, type EngineInput, type EngineReport, type Finding } from './types.ts';

/**
 * How the apiserver words a ValidatingAdmissionPolicy denial (after `<resource> "<name>" is
 * forbidden: `). The HTTP status follows the validation's `reason`: 422 (Invalid) by default,
 * 403 for Forbidden; both are denials when the message names the policy.
 */
const DENIED = /ValidatingAdmissionPolicy '([^']+)' with binding '[^']+' denied request: ([\s\S]*)$/;
const DENIAL_STATUS = new Set([403, 422]);

/** Kinds that live in a namespace; anything else is created cluster-wide. */
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

interface RuleSetup {
  readonly rule: string;
  readonly namespace: string;
  readonly policy: K8sObject;
  readonly binding: K8sObject;
}

const SENTINEL_LABEL = 'ztp.dev/admission-sentinel';

function sentinelPolicy(name: string, namespaces: readonly string[]): KubeObject[] {
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
        validations: [{ expression: `!has(object.metadata.labels) || !('${SENTINEL_LABEL}' in object.metadata.labels)`, message: 'sentinel' }],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...namespaces] }] } },
      },
    },
  ];
}

/**
 * Waits until the policies are in force: a sentinel policy created after them denies in every
 * namespace; then one refresh interval of the admission plugin more. (Type-checking status is
 * written by kube-controller-manager, which a local cluster does not run.) A rule still not in force
 * would admit its denied examples, which the verdict matrix reports as a disagreement: a timing
 * fault shows up as a failure, never as a pass.
 */
async function waitInForce(cluster: LocalCluster, setups: readonly RuleSetup[], sentinel: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const s of setups) {
    for (;;) {
      const probe: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sentinel', namespace: s.namespace, labels: { [SENTINEL_LABEL]: 'deny' } } };
      const r = await cluster.rest.create(probe, { dryRun: true });
      if (DENIAL_STATUS.has(r.status) && DENIED.exec(String(r.body?.message ?? ''))?.[1] === sentinel) break;
      if (Date.now() > deadline) throw new EngineError(`the sentinel policy never took effect in ${s.namespace}`);
      await sleep(100);
    }
  }
  await sleep(1200);
}

/** The object as this engine submits it: in `namespace` (when namespaced), with the service account it names present. */
function placed(object: K8sObject, namespace: string): KubeObject {
  const copy = structuredClone(object) as unknown as KubeObject;
  return CLUSTER_SCOPED.has(copy.kind) ? copy : { ...copy, metadata: { ...copy.metadata, namespace } };
}

function serviceAccountsOf(object: K8sObject): string[] {
  const spec = object['spec'] as Record<string, any> | undefined;
  const podSpec = object.kind === 'Pod' ? spec : object.kind === 'CronJob' ? spec?.['jobTemplate']?.spec?.template?.spec : spec?.['template']?.spec;
  const name = podSpec?.serviceAccountName ?? podSpec?.serviceAccount;
  return typeof name === 'string' && name !== '' && name !== 'default' ? [name] : [];
}

/** Runs the native form on the real apiserver over every case. */
export async function runApiserver(input: EngineInput): Promise<EngineReport> {
  const cluster = await sharedLocalCluster();
  const run = randomBytes(3).toString('hex');
  const policies = input.output.objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const bindings = input.output.objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
  const setups: RuleSetup[] = [];
  for (const [i, policy] of policies.entries()) {
    const rule = policy.metadata.annotations?.['ztp.dev/rule'];
    if (rule === undefined) continue;
    const binding = bindings.find((b) => (b['spec'] as { policyName: string }).policyName === policy.metadata.name);
    if (binding === undefined) throw new EngineError(`the native form has no binding for ${policy.metadata.name}`);
    // Cluster-wide names, unique per run: runs never overwrite each other's policies.
    const name = `${policy.metadata.name}-${run}`;
    setups.push({ rule, namespace: `ztp-adm-${run}-${i}`, policy: { ...policy, metadata: { ...policy.metadata, name } }, binding });
  }
  const rules = [...new Set(setups.map((s) => s.rule))].sort();
  const command = ['kube-apiserver', cluster.server, `dryRun=All, ${setups.length} policies`];
  if (setups.length === 0) return { engine: 'apiserver', command, findings: [], rules };

  const installed: KubeObject[] = [];
  const sentinel = `ztp-adm-${run}-sentinel`;
  try {
    for (const s of setups) {
      await ensureNamespace(cluster.rest, s.namespace);
      const name = s.policy.metadata.name;
      const policy = s.policy as unknown as KubeObject;
      const spec = s.binding['spec'] as Record<string, unknown>;
      const binding = {
        ...s.binding,
        metadata: { ...s.binding.metadata, name },
        spec: {
          ...spec,
          policyName: name,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [s.namespace] }] } },
        },
      } as unknown as KubeObject;
      for (const object of [policy, binding]) {
        await cluster.rest.applyOrThrow(object);
        installed.push(object);
      }
    }
    for (const object of sentinelPolicy(sentinel, setups.map((s) => s.namespace))) {
      await cluster.rest.applyOrThrow(object);
      installed.push(object);
    }
    await waitInForce(cluster, setups, sentinel);

    const findings: Finding[] = [];
    for (const c of input.cases) {
      for (const s of setups) {
        if (c.ruleKey !== undefined && c.ruleKey !== s.rule) continue;
        findings.push(...(await judge(cluster, c, s)));
      }
    }
    return { engine: 'apiserver', command, findings, rules };
  } finally {
    for (const object of installed.reverse()) await cluster.rest.delete(object).catch(() => {});
  }
}

async function judge(cluster: LocalCluster, c: Case, s: RuleSetup): Promise<Finding[]> {
  for (const account of serviceAccountsOf(c.object)) await ensureServiceAccount(cluster.rest, s.namespace, account);
  let response;
  try {
    response = await cluster.rest.create(placed(c.object, s.namespace), { dryRun: true });
  } catch (error) {
    return [{ case: c.id, rule: s.rule, outcome: 'error', message: `the apiserver could not be asked: ${(error as Error).message}` }];
  }
  if (response.status === 201 || response.status === 200) return [];
  const message = String(response.body?.message ?? JSON.stringify(response.body));
  const denied = DENIED.exec(message);
  if (DENIAL_STATUS.has(response.status) && denied !== null && denied[1] === s.policy.metadata.name) return [{ case: c.id, rule: s.rule, outcome: 'deny', message: denied[2]!.trim() }];
  return [{ case: c.id, rule: s.rule, outcome: 'error', message: `${response.status}: ${message}` }];
}
