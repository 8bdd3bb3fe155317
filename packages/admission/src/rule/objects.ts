/**
 * Small constructors for example objects: a pod, and the same pod wrapped in each pod-bearing
 * workload, so a rule's examples can show that it applies to templates too.
 */
import type { K8sObject } from '../contract.ts';

/** The pod-bearing workload kinds, beside Pod. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';

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
