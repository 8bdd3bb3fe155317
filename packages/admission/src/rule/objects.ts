/**
 * Small constructors for example objects: a pod, and the same pod wrapped in each pod-bearing
 * workload, so a rule's examples can show that it applies to templates too.
 */
import type { K8sObject } from '../contract.ts';
import type { Example } from './ast.ts';

/** The pod-bearing workload kinds, beside Pod. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';

/** Every workload kind, in the order of `POD_KINDS`. */
export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

/** A container running `registry.k8s.io/pause`, as the upstream Pod Security fixtures use. */
export function container(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image: 'registry.k8s.io/pause', ...extra };
}

/**
 * A Pod. `spec` is taken as given; when it has no `containers`, one plain container is added.
 */
export function pod(name: string, spec: Record<string, unknown> = {}, metadata: Partial<K8sObject['metadata']> = {}): K8sObject {
  const fullSpec = 'containers' in spec ? spec : { containers: [container('app')], ...spec };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: fullSpec };
}

/**
 * The pod as the template of a workload of `kind` (named after the pod). A Job's or CronJob's
 * template gets `restartPolicy: Never` unless it sets one: the apiserver refuses their templates
 * without OnFailure or Never.
 */
export function workload(kind: WorkloadKind, of: K8sObject): K8sObject {
  const { name, namespace, ...podMeta } = of.metadata;
  const labels = { 'ztp.dev/example': name };
  const podSpec = of['spec'] as Record<string, unknown>;
  const spec = (kind === 'Job' || kind === 'CronJob') && podSpec['restartPolicy'] === undefined ? { restartPolicy: 'Never', ...podSpec } : podSpec;
  const template = { metadata: { ...podMeta, labels: { ...labels, ...(podMeta.labels ?? {}) } }, spec };
  const metadata = namespace === undefined ? { name } : { name, namespace };
  switch (kind) {
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template } };
  }
}

/**
 * Whether a Pod example's pod can stand as the pod template of a `kind`: the apiserver refuses
 * ephemeral containers in any template, restartPolicy other than Never or OnFailure in a Job's,
 * and other than Always in the others'.
 */
function fitsTemplate(example: Example, kind: WorkloadKind): boolean {
  const podSpec = (example.object['spec'] ?? {}) as Record<string, unknown>;
  const ephemeral = podSpec['ephemeralContainers'];
  if (Array.isArray(ephemeral) && ephemeral.length > 0) return false;
  const restart = podSpec['restartPolicy'];
  if (restart === undefined) return true;
  return kind === 'Job' || kind === 'CronJob' ? restart === 'Never' || restart === 'OnFailure' : restart === 'Always';
}

/**
 * A pods rule's examples, plus one deny example per workload kind that none of them is of: the
 * first Pod deny example that can be a template of that kind (preferring one a real apiserver
 * accepts) as the pod template of a `<kind>-<name>` workload, with the same expected message.
 * Each form carries its own code for the template path of each rule (and CronJob's job
 * template), so a rule whose denials are only shown on Pods would leave that code unproven; list
 * a rule's examples through this to prove it for every kind at the cost of one example per kind.
 *
 * Only for rules that read the pod (`spec`, `meta`): a rule that reads the whole `object` means
 * the workload's own fields, which wrapping does not carry over; give such a rule its workload
 * examples by hand.
 */
export function withWorkloads(examples: readonly Example[]): Example[] {
  const denied = new Set(examples.filter((e) => e.verdict === 'deny').map((e) => e.object.kind));
  const names = new Set(examples.map((e) => e.name));
  const out = [...examples];
  for (const kind of WORKLOAD_KINDS) {
    if (denied.has(kind)) continue;
    const candidates = examples.filter((e) => e.verdict === 'deny' && e.object.kind === 'Pod' && e.object.apiVersion === 'v1' && fitsTemplate(e, kind));
    // A pod the apiserver accepts if there is one; else the workload is as invalid as its pod, and says so.
    const source = candidates.find((e) => e.invalidOnCluster !== true) ?? candidates[0];
    // No Pod deny example to wrap: the rule's example check names the kinds left without one.
    if (source === undefined) continue;
    const name = `${kind.toLowerCase()}-${source.name}`;
    if (names.has(name)) throw new Error(`example ${name}: withWorkloads would add an example of that name (the ${source.name} example as a ${kind}); rename the example`);
    names.add(name);
    const object = workload(kind, { ...source.object, metadata: { ...source.object.metadata, name } });
    const note = `the ${source.name} example as the pod template of a ${kind}${source.invalidOnCluster === true ? `; as invalid on a cluster as that pod: ${source.note ?? ''}` : ''}`;
    const message = source.message === undefined ? {} : { message: source.message };
    const invalid = source.invalidOnCluster === true ? { invalidOnCluster: true } : {};
    out.push({ name, verdict: 'deny', object, note, ...message, ...invalid });
  }
  return out;
}
