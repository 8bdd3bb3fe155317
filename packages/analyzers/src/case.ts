/**
 * One input of the cross-check: a set of manifests, as each engine gets it. @ztp/reachability
 * reads `resources`; netpol-analyzer reads `dir` when the case is a folder of manifests, else
 * `objects` written to files; cyclonus reads `cluster` (its policies and pods).
 */
import { buildResources, loadManifests, readManifestDocuments } from '@ztp/reachability';
import type { Resources } from '@ztp/reachability';
import { clusterObjects, undeclaredNamespaces } from './cluster.ts';
import type { ClusterSpec } from './cluster.ts';

/** A case of the cross-check. */
export interface CrossCheckCase {
  readonly name: string;
  /** Every Kubernetes object of the case, as written. */
  readonly objects: readonly Record<string, unknown>[];
  /** The folder the objects were read from, when they were (netpol-analyzer then reads it as it is). */
  readonly dir?: string;
  /** What @ztp/reachability makes of the objects. */
  readonly resources: Resources;
  /** The cluster as cyclonus is told about it. */
  readonly cluster: ClusterSpec;
}

/** Every namespace the case's objects live in (for batching cases that must not share one). */
export function caseNamespaces(c: CrossCheckCase): Set<string> {
  return new Set([
    ...c.resources.namespaces.map((n) => n.name),
    ...c.resources.workloads.map((w) => w.namespace),
    ...c.resources.networkPolicies.map((p) => p.namespace),
  ]);
}

/** A case from a cluster description: the objects are rendered from it. */
export function caseFromCluster(name: string, cluster: ClusterSpec): CrossCheckCase {
  const undeclared = undeclaredNamespaces(cluster);
  if (undeclared.length > 0) throw new Error(`${name}: namespaces ${undeclared.join(', ')} are used but not declared`);
  const objects = clusterObjects(cluster);
  return { name, objects, resources: buildResources(objects), cluster };
}

/**
 * A case from a folder of manifests. cyclonus's cluster is derived from @ztp/reachability's
 * reading of the workloads (the folder itself goes to netpol-analyzer, which reads it
 * independently) and the NetworkPolicy objects as written.
 */
export function caseFromDirectory(name: string, dir: string): CrossCheckCase {
  const objects = readManifestDocuments([dir])
    .map((d) => d.object)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object' && !Array.isArray(o));
  const expanded = objects.flatMap((o) => (typeof o['kind'] === 'string' && o['kind'].endsWith('List') && Array.isArray(o['items']) ? (o['items'] as Record<string, unknown>[]) : [o]));
  const resources = loadManifests(dir);
  return { name, objects: expanded, dir, resources, cluster: clusterFromResources(resources, expanded) };
}

/** A cluster description of what @ztp/reachability read, with the NetworkPolicy objects among `objects`. */
export function clusterFromResources(resources: Resources, objects: readonly Record<string, unknown>[]): ClusterSpec {
  return {
    namespaces: resources.namespaces.map((n) => ({ name: n.name, labels: n.labels })),
    workloads: resources.workloads.map((w) => ({
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      pods: w.pods.map((p) => ({
        name: p.name,
        labels: p.labels,
        ports: p.ports,
        ...(p.ips.find((ip) => !ip.includes(':')) !== undefined ? { ip: p.ips.find((ip) => !ip.includes(':'))! } : {}),
        hostNetwork: p.hostNetwork,
      })),
    })),
    policies: objects.filter((o) => o['kind'] === 'NetworkPolicy' && typeof o['apiVersion'] === 'string' && o['apiVersion'].startsWith('networking.k8s.io/')),
  };
}
