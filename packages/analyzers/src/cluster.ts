/**
 * A cluster described as plain data: namespaces with labels, workloads with their pods (labels,
 * container ports, IP, host network) and NetworkPolicy objects as written. Generated and
 * synthesized cases are built in this form; `clusterObjects` renders it as the Kubernetes
 * manifests netpol-analyzer and @ztp/reachability read, and the cyclonus adapter reads it directly.
 */
import type { Protocol } from '@ztp/reachability';

/** The label the API server sets on every namespace to its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A namespace and the labels written on it (the name label is added by `namespaceLabels`). */
export interface NamespaceSpec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A container port. */
export interface PortSpec {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** One pod of a workload. */
export interface PodSpec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly PortSpec[];
  /** The pod's IPv4 address, when known (`status.podIP`). */
  readonly ip?: string;
  readonly hostNetwork?: boolean;
}

/** A workload: a bare pod, or a controller whose pods share a template. */
export interface WorkloadSpec {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly pods: readonly PodSpec[];
}

/** A cluster: namespaces, workloads and NetworkPolicy objects (plus any other objects to render as they are). */
export interface ClusterSpec {
  readonly namespaces: readonly NamespaceSpec[];
  readonly workloads: readonly WorkloadSpec[];
  /** networking.k8s.io/v1 NetworkPolicy objects, exactly as written. */
  readonly policies: readonly Record<string, unknown>[];
  /** Further objects (Services, Ingresses...) rendered as they are; cyclonus never sees them. */
  readonly extraObjects?: readonly Record<string, unknown>[];
}

/** `ns/name[Kind]`, the name both analyzers and @ztp/reachability give a workload. */
export function workloadId(w: Pick<WorkloadSpec, 'namespace' | 'name' | 'kind'>): string {
  return `${w.namespace}/${w.name}[${w.kind}]`;
}

/** A namespace's labels as the API server stores them: as written, with the name label set to the name. */
export function namespaceLabels(ns: NamespaceSpec): Record<string, string> {
  return { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name };
}

function containers(pod: PodSpec): Record<string, unknown>[] {
  return [
    {
      name: 'app',
      image: 'registry.example/app:1',
      ...(pod.ports.length > 0
        ? { ports: pod.ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.port, protocol: p.protocol })) }
        : {}),
    },
  ];
}

function podObject(w: WorkloadSpec, pod: PodSpec): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: w.namespace, labels: { ...pod.labels } },
    spec: { ...(pod.hostNetwork === true ? { hostNetwork: true } : {}), containers: containers(pod) },
    ...(pod.ip !== undefined ? { status: { podIP: pod.ip, podIPs: [{ ip: pod.ip }] } } : {}),
  };
}

function controllerObject(w: WorkloadSpec): Record<string, unknown> {
  const pod = w.pods[0]!;
  if (w.pods.length !== 1 || pod.ip !== undefined) throw new Error(`${workloadId(w)}: a ${w.kind} is rendered from one pod template without an IP`);
  return {
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: { name: w.name, namespace: w.namespace },
    spec: {
      selector: { matchLabels: { ...pod.labels } },
      template: {
        metadata: { labels: { ...pod.labels } },
        spec: { ...(pod.hostNetwork === true ? { hostNetwork: true } : {}), containers: containers(pod) },
      },
    },
  };
}

/**
 * The cluster as Kubernetes manifests: Namespaces (labels as written), one Pod per pod of a
 * `Pod` workload, one controller object per `Deployment`/`StatefulSet`/`DaemonSet` workload,
 * the NetworkPolicies and the extra objects.
 */
export function clusterObjects(cluster: ClusterSpec): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = cluster.namespaces.map((ns) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns.name, ...(Object.keys(ns.labels).length > 0 ? { labels: { ...ns.labels } } : {}) },
  }));
  for (const w of cluster.workloads) {
    if (w.kind === 'Pod') {
      if (w.pods.length !== 1 || w.pods[0]!.name !== w.name) throw new Error(`${workloadId(w)}: a Pod workload is exactly one pod of the same name`);
      objects.push(podObject(w, w.pods[0]!));
    } else if (w.kind === 'Deployment' || w.kind === 'StatefulSet' || w.kind === 'DaemonSet') {
      objects.push(controllerObject(w));
    } else {
      throw new Error(`${workloadId(w)}: cannot render workload kind ${w.kind}`);
    }
  }
  objects.push(...cluster.policies.map((p) => structuredClone(p)), ...(cluster.extraObjects ?? []).map((o) => structuredClone(o)));
  return objects;
}

/** Every namespace a workload or policy lives in that has no NamespaceSpec. */
export function undeclaredNamespaces(cluster: ClusterSpec): string[] {
  const declared = new Set(cluster.namespaces.map((n) => n.name));
  const used = new Set<string>([
    ...cluster.workloads.map((w) => w.namespace),
    ...cluster.policies.map((p) => ((p['metadata'] as { namespace?: string } | undefined)?.namespace ?? 'default')),
  ]);
  return [...used].filter((n) => !declared.has(n)).sort();
}
