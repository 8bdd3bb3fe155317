/**
 * What to read from the cluster for a set of bundles, and reading it once (the `--watch` mode
 * reads the same targets through informers instead: watch.ts).
 */
import { groupOf, type BundleSpec } from './bundle.ts';
import { kindKey } from './judge.ts';
import { CONSTRAINTS_GROUP, POLICY_KINDS } from './kinds.ts';
import { ClusterError } from './errors.ts';
import { type ClusterClient, type KubeResource, type LiveObject } from './kube.ts';
import { REPORT_KINDS } from './policy-reports.ts';

/** One resource to read: across all namespaces, or in each of `namespaces`. */
export interface ReadTarget {
  readonly resource: KubeResource;
  readonly namespaces?: readonly string[] | undefined;
}

/** Which served resources answer which question. */
export interface ReadPlan {
  /** Every resource to read, once each. */
  readonly targets: readonly ReadTarget[];
  /** Per `apiVersion|kind` of a bundle object: its resource, or undefined when not served. */
  readonly bundleKinds: ReadonlyMap<string, KubeResource | undefined>;
  /** The policy kinds the cluster serves (Gatekeeper's constraint kinds among them). */
  readonly policyResources: readonly KubeResource[];
  readonly namespaceResource: KubeResource;
  readonly podResource: KubeResource;
  readonly networkPolicyResource: KubeResource | undefined;
  /** The PolicyReport API, when Kyverno (or another reporter) serves one. */
  readonly reports: { readonly api: string; readonly resource: KubeResource } | undefined;
}

/** The objects read, per `apiVersion|kind` of each target. */
export type Snapshot = ReadonlyMap<string, readonly LiveObject[]>;

/** API discovery for one plan: each group asked once. */
class Discovery {
  readonly #client: ClusterClient;
  readonly #groups = new Map<string, Promise<KubeResource[]>>();
  constructor(client: ClusterClient) {
    this.#client = client;
  }
  group(group: string): Promise<KubeResource[]> {
    let found = this.#groups.get(group);
    if (found === undefined) this.#groups.set(group, (found = this.#client.groupResources(group)));
    return found;
  }
  /** The resource of `apiVersion`/`kind` exactly, or undefined when the cluster does not serve it. */
  async resource(apiVersion: string, kind: string): Promise<KubeResource | undefined> {
    return (await this.group(groupOf(apiVersion))).find((r) => r.apiVersion === apiVersion && r.kind === kind);
  }
  /** The resource of `group`/`kind` in the first served version (preferred first), or undefined. */
  async preferred(group: string, kind: string): Promise<KubeResource | undefined> {
    return (await this.group(group)).find((r) => r.kind === kind);
  }
}

/** Finds the resources the checks of `specs` need, through API discovery. */
export async function planReads(client: ClusterClient, specs: readonly BundleSpec[]): Promise<ReadPlan> {
  const discovery = new Discovery(client);
  const targets = new Map<string, ReadTarget>();
  const add = (resource: KubeResource, namespaces?: readonly string[]) => {
    const key = kindKey(resource.apiVersion, resource.kind);
    if (!targets.has(key)) targets.set(key, { resource, namespaces });
  };

  const namespaceResource = await discovery.resource('v1', 'Namespace');
  const podResource = await discovery.resource('v1', 'Pod');
  if (namespaceResource === undefined || podResource === undefined) throw new ClusterError(`context '${client.context}' at ${client.server} serves no core v1 Namespace or Pod; is it a Kubernetes apiserver?`);
  add(namespaceResource);

  const bundleKinds = new Map<string, KubeResource | undefined>();
  for (const spec of specs) {
    for (const m of spec.objects) {
      const key = kindKey(m.object.apiVersion, m.object.kind);
      if (bundleKinds.has(key)) continue;
      const resource = await discovery.resource(m.object.apiVersion, m.object.kind);
      bundleKinds.set(key, resource);
      if (resource !== undefined) add(resource);
    }
  }

  const policyResources: KubeResource[] = [];
  const inBundle = (group: string, kind: string) => [...bundleKinds.values()].find((r) => r !== undefined && r.group === group && r.kind === kind);
  for (const { group, kind } of POLICY_KINDS) {
    const resource = inBundle(group, kind) ?? (await discovery.preferred(group, kind));
    if (resource === undefined) continue;
    policyResources.push(resource);
    add(resource);
  }
  const seenConstraintKinds = new Set<string>();
  for (const resource of await discovery.group(CONSTRAINTS_GROUP)) {
    if (seenConstraintKinds.has(resource.kind)) continue;
    seenConstraintKinds.add(resource.kind);
    const chosen = inBundle(CONSTRAINTS_GROUP, resource.kind) ?? resource;
    policyResources.push(chosen);
    add(chosen);
  }

  const networkPolicyResource = policyResources.find((r) => r.group === 'networking.k8s.io' && r.kind === 'NetworkPolicy');

  let reports: ReadPlan['reports'];
  for (const { group, kind } of REPORT_KINDS) {
    const resource = await discovery.preferred(group, kind);
    if (resource === undefined) continue;
    reports = { api: `${resource.apiVersion} ${resource.kind}`, resource };
    break;
  }
  const managed = [...new Set(specs.flatMap((s) => s.namespaces))].sort();
  if (reports !== undefined) add(reports.resource, managed);
  add(podResource, managed);

  return { targets: [...targets.values()], bundleKinds, policyResources, namespaceResource, podResource, networkPolicyResource, reports };
}

/** Reads every target of the plan once. */
export async function readSnapshot(client: ClusterClient, plan: ReadPlan): Promise<Snapshot> {
  const snapshot = new Map<string, LiveObject[]>();
  for (const target of plan.targets) {
    const objects: LiveObject[] = [];
    if (target.namespaces === undefined) objects.push(...(await client.list(target.resource)).items);
    else for (const ns of target.namespaces) objects.push(...(await client.list(target.resource, ns)).items);
    snapshot.set(kindKey(target.resource.apiVersion, target.resource.kind), objects);
  }
  return snapshot;
}

/** The objects of `resource` in a snapshot (none when it was not read). */
export function objectsOf(snapshot: Snapshot, resource: KubeResource | undefined): readonly LiveObject[] {
  return resource === undefined ? [] : (snapshot.get(kindKey(resource.apiVersion, resource.kind)) ?? []);
}
