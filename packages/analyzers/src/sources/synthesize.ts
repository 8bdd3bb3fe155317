/**
 * A compiled bundle as a cluster the analyzers can analyze. A bundle holds policies but no pods,
 * so pods are added: one Deployment per workload of `manifest.json` (its namespace, labels and
 * named container ports), one pod per peer its NetworkPolicies name outside the bundle (a
 * namespace selected by name, with the selected pod labels and the rule's numeric ports), a
 * "rogue" pod no rule names in every bundle namespace, and an outsider in a namespace of its
 * own. Namespaces are the bundle's Namespace objects (labels as written) plus the peers'.
 * Only NetworkPolicies are kept: the analyzers read no Cilium or Istio objects. Pure.
 */
import { parseAllDocuments } from 'yaml';
import type { ClusterSpec, NamespaceSpec, PortSpec, WorkloadSpec } from '../cluster.ts';
import { NAMESPACE_NAME_LABEL } from '../cluster.ts';

/** The parts of `manifest.json` used here. */
interface BundleManifest {
  readonly environment: string;
  readonly namespaces: readonly string[];
  readonly workloads: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol: string }[];
  }[];
}

/** Namespace of the outsider pod, which no bundle policy names. */
export const OUTSIDER_NAMESPACE = 'ztp-outsider';

interface Selector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly unknown[];
}

interface Peer {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
}

interface Rule {
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
  readonly ports?: readonly { readonly port?: unknown; readonly protocol?: string }[];
}

/** Every object of the bundle's object files (YAML). */
export function bundleObjects(files: ReadonlyMap<string, string>): Record<string, unknown>[] {
  const manifest = files.get('manifest.json');
  if (manifest === undefined) throw new Error('bundle has no manifest.json');
  const listed = (JSON.parse(manifest) as { objects: { file: string }[] }).objects.map((o) => o.file);
  return listed.flatMap((file) => {
    const text = files.get(file);
    if (text === undefined) throw new Error(`bundle lists ${file} but has no such file`);
    return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
  });
}

function protocolOf(p: string | undefined): PortSpec['protocol'] {
  if (p === undefined || p === 'TCP') return 'TCP';
  if (p === 'UDP' || p === 'SCTP') return p;
  throw new Error(`unknown protocol ${p}`);
}

/** The bundle (its files by path) as a cluster for the analyzers. */
export function bundleCluster(files: ReadonlyMap<string, string>): ClusterSpec {
  const manifest = JSON.parse(files.get('manifest.json') ?? 'null') as BundleManifest | null;
  if (manifest === null) throw new Error('bundle has no manifest.json');
  const objects = bundleObjects(files);
  const policies = objects.filter((o) => o['kind'] === 'NetworkPolicy' && String(o['apiVersion']).startsWith('networking.k8s.io/'));
  const namespaces = new Map<string, NamespaceSpec>();
  for (const o of objects) {
    if (o['kind'] !== 'Namespace') continue;
    const metadata = o['metadata'] as { name: string; labels?: Record<string, string> };
    namespaces.set(metadata.name, { name: metadata.name, labels: { ...(metadata.labels ?? {}) } });
  }
  for (const ns of manifest.namespaces) if (!namespaces.has(ns)) namespaces.set(ns, { name: ns, labels: {} });
  const workloads: WorkloadSpec[] = manifest.workloads.map((w) => ({
    kind: 'Deployment',
    namespace: w.namespace,
    name: w.name,
    pods: [{ name: w.name, labels: { ...w.labels }, ports: w.ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), port: p.port, protocol: protocolOf(p.protocol) })) }],
  }));

  // peers named by the policies outside the bundle's namespaces
  const peers = new Map<string, WorkloadSpec>();
  const addPeer = (namespace: string, labels: Record<string, string>, ports: PortSpec[]) => {
    const key = `${namespace}|${JSON.stringify(Object.entries(labels).sort())}`;
    const existing = peers.get(key);
    if (existing !== undefined) {
      const pod = existing.pods[0]!;
      const merged = [...pod.ports, ...ports.filter((p) => !pod.ports.some((q) => q.port === p.port && q.protocol === p.protocol))];
      peers.set(key, { ...existing, pods: [{ ...pod, ports: merged }] });
      return;
    }
    if (!namespaces.has(namespace)) namespaces.set(namespace, { name: namespace, labels: {} });
    const name = `peer-${peers.size + 1}`;
    peers.set(key, { kind: 'Deployment', namespace, name, pods: [{ name, labels, ports }] });
  };
  for (const policy of policies) {
    const spec = (policy['spec'] ?? {}) as { ingress?: Rule[]; egress?: Rule[] };
    for (const [rule, sides] of [...(spec.ingress ?? []).map((r) => [r, r.from] as const), ...(spec.egress ?? []).map((r) => [r, r.to] as const)]) {
      const ports: PortSpec[] = (rule.ports ?? []).flatMap((p) => (typeof p.port === 'number' ? [{ port: p.port, protocol: protocolOf(p.protocol) }] : []));
      for (const peer of sides ?? []) {
        const namespace = peer.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL];
        if (namespace === undefined || manifest.namespaces.includes(namespace)) continue;
        addPeer(namespace, { ...(peer.podSelector?.matchLabels ?? { 'ztp.dev/peer': 'any-pod' }) }, ports);
      }
    }
  }
  const rogues: WorkloadSpec[] = manifest.namespaces.map((ns) => ({
    kind: 'Deployment',
    namespace: ns,
    name: 'ztp-rogue',
    pods: [{ name: 'ztp-rogue', labels: { 'app.kubernetes.io/name': 'ztp-rogue' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  }));
  namespaces.set(OUTSIDER_NAMESPACE, { name: OUTSIDER_NAMESPACE, labels: {} });
  const outsider: WorkloadSpec = { kind: 'Deployment', namespace: OUTSIDER_NAMESPACE, name: 'outsider', pods: [{ name: 'outsider', labels: { app: 'outsider' }, ports: [] }] };
  return {
    namespaces: [...namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    workloads: [...workloads, ...peers.values(), ...rogues, outsider],
    policies,
  };
}
