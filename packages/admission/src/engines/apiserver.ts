/**
 * The `apiserver` engine: the real kube-apiserver judging the native form. Each rule's
 * ValidatingAdmissionPolicy is installed with its binding narrowed to a namespace of its own
 * (`Deny`, whatever the environment's enforcement), so one rule's denial never hides another's;
 * once they are in effect every case is created with `dryRun=All` in the namespace of each rule
 * it is a case for: 201 is an admission, a refusal naming the rule's ValidatingAdmissionPolicy
 * (403 or 422, as its `reason` says) a denial with its message, anything else an error finding
 * (never read as an admission or a denial). The exceptions, each the way a cluster does it:
 * - A pod with ephemeral containers cannot be created: they are added to a running pod through
 *   the `pods/ephemeralcontainers` subresource (`kubectl debug`). The pod is created without
 *   them for real in the rule's namespace, then `PUT .../pods/<name>/ephemeralcontainers` with
 *   `dryRun=All` carries them; its answer is the verdict (a denial of the pod itself already is).
 * - A Namespace is matched by a binding's namespaceSelector on its own labels: each Namespace
 *   case is submitted once per rule under a name of that rule's (`<rule namespace>-<case>`),
 *   which the rule's binding lists beside its namespace. Other cluster-scoped kinds are matched
 *   by every binding.
 * - A case whose example is `invalidOnCluster` is not applicable when the apiserver refuses it in
 *   its own object validation (422 `Invalid`, no policy named); any other answer to it is an
 *   error, since the example's claim is then wrong.
 * Runs on the process's shared local cluster (@ztp/local-cluster), started on first use.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureNamespace, ensureServiceAccount, sharedLocalCluster, type KubeObject, type KubeResponse, type LocalCluster } from '@ztp/local-cluster';
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

/** The name a Namespace case is submitted under for one rule (its binding lists it). */
function namespaceCaseName(s: RuleSetup, c: Case): string {
  return `${s.namespace}-${c.id}`;
}

function casesOf(cases: readonly Case[], s: RuleSetup): Case[] {
  return cases.filter((c) => c.ruleKey === undefined || c.ruleKey === s.rule);
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

/** The object as this engine submits it for a rule: in the rule's namespace (when namespaced), a Namespace under the rule's name for it. */
function placed(c: Case, s: RuleSetup): KubeObject {
  const copy = structuredClone(c.object) as unknown as KubeObject;
  if (copy.kind === 'Namespace') return { ...copy, metadata: { ...copy.metadata, name: namespaceCaseName(s, c) } };
  return CLUSTER_SCOPED.has(copy.kind) ? copy : { ...copy, metadata: { ...copy.metadata, namespace: s.namespace } };
}

/** A Pod's ephemeral containers, when it has any. */
function ephemeralContainersOf(object: KubeObject): unknown[] | undefined {
  if (object.kind !== 'Pod') return undefined;
  const list = (object['spec'] as Record<string, unknown> | undefined)?.['ephemeralContainers'];
  return Array.isArray(list) && list.length > 0 ? list : undefined;
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
      const namespaceCases = casesOf(input.cases, s).filter((c) => c.object.kind === 'Namespace').map((c) => namespaceCaseName(s, c));
      const binding = {
        ...s.binding,
        metadata: { ...s.binding.metadata, name },
        spec: {
          ...spec,
          policyName: name,
          // the emitted binding's own actions: an Audit binding admits, and the proof sees it
          // the emitted scope but the namespaces (each rule runs in its own): an object selector or
          // an exclusion the binding carries is applied as on a cluster
          matchResources: {
            ...((spec['matchResources'] as Record<string, unknown> | undefined) ?? {}),
            namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [s.namespace, ...namespaceCases] }] },
          },
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
    for (const s of setups) {
      for (const c of casesOf(input.cases, s)) findings.push(...(await judge(cluster, c, s)));
    }
    return { engine: 'apiserver', command, findings, rules };
  } finally {
    for (const object of installed.reverse()) await cluster.rest.delete(object).catch(() => {});
  }
}

/** Reads one answer of the apiserver to a case, as a finding for the rule (none: admitted). */
function verdict(c: Case, s: RuleSetup, response: KubeResponse, what = ''): Finding[] {
  const finding = (outcome: Finding['outcome'], message: string): Finding[] => [{ case: c.id, rule: s.rule, outcome, message }];
  const message = String(response.body?.message ?? JSON.stringify(response.body));
  const admitted = response.status === 201 || response.status === 200;
  const denied = DENIAL_STATUS.has(response.status) ? DENIED.exec(message) : null;
  if (c.invalidOnCluster === true) {
    // Only the apiserver's own object validation: 422 Invalid, naming no admission policy or webhook.
    if (response.status === 422 && response.body?.reason === 'Invalid' && denied === null && !/admission webhook|ValidatingAdmissionPolicy/.test(message)) {
      return finding('not-applicable', `the apiserver refuses this object in its own validation, before admission${what}: ${message}`);
    }
    const answer = admitted ? 'admitted it' : denied !== null ? `a policy denied it (${message})` : `it answered ${response.status}: ${message}`;
    return finding('error', `the example says the apiserver refuses this object in its own validation, but ${answer}${what}`);
  }
  if (admitted) return [];
  if (denied !== null && denied[1] === s.policy.metadata.name) return finding('deny', denied[2]!.trim());
  return finding('error', `${response.status}${what}: ${message}`);
}

async function judge(cluster: LocalCluster, c: Case, s: RuleSetup): Promise<Finding[]> {
  for (const account of serviceAccountsOf(c.object)) await ensureServiceAccount(cluster.rest, s.namespace, account);
  const object = placed(c, s);
  try {
    const ephemeral = ephemeralContainersOf(object);
    if (ephemeral !== undefined) return await judgeEphemeral(cluster, c, s, object, ephemeral);
    return verdict(c, s, await cluster.rest.create(object, { dryRun: true }));
  } catch (error) {
    return [{ case: c.id, rule: s.rule, outcome: 'error', message: `the apiserver could not be asked: ${(error as Error).message}` }];
  }
}

/**
 * A pod with ephemeral containers, the way they reach a cluster: the pod without them is
 * created for real (a denial of it is the verdict), then they are added through the
 * `ephemeralcontainers` subresource with `dryRun=All`, and the pod is deleted again (never
 * scheduled, it goes at once).
 */
async function judgeEphemeral(cluster: LocalCluster, c: Case, s: RuleSetup, object: KubeObject, ephemeral: unknown[]): Promise<Finding[]> {
  const { ephemeralContainers: _, ...spec } = object['spec'] as Record<string, unknown>;
  const pod: KubeObject = { ...object, spec };
  const created = await cluster.rest.create(pod);
  if (created.status !== 201) return verdict(c, s, created, ' (creating the pod without its ephemeral containers)');
  try {
    const running = created.body as KubeObject;
    const update = { ...running, spec: { ...(running['spec'] as Record<string, unknown>), ephemeralContainers: ephemeral } };
    const path = `${await cluster.rest.objectPath(pod)}/ephemeralcontainers`;
    return verdict(c, s, await cluster.rest.request('PUT', path, { body: update, query: { dryRun: 'All' } }), ' (adding the ephemeral containers)');
  } finally {
    await cluster.rest.delete(pod);
  }
}
