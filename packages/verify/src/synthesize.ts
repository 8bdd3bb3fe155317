import type { BundleManifest } from './bundle-manifest.ts';

/** A pod-level peer the verifier places in the cluster, and what it stands for. */
export interface PodPeer {
  readonly kind: 'workload' | 'rogue' | 'probe' | 'outsider' | 'dns' | 'istiod';
  /** `ns/name[Deployment]`, as the reachability engine names it. */
  readonly ref: string;
  readonly namespace: string;
  /** For `workload`: the manifest id `ns/name`. */
  readonly workload?: string;
  /** Whether ztp manages its namespace (its egress is then governed by the bundle). */
  readonly managed: boolean;
}

/** Namespace every unknown caller is placed in: nothing may admit it. */
export const OUTSIDER_NAMESPACE = 'ztp-verify-outsider';

function deployment(namespace: string, name: string, labels: Record<string, string>, serviceAccount: string, ports: { name: string; port: number; protocol: string }[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { serviceAccountName: serviceAccount, containers: [{ name: 'app', image: 'probe', ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) }] },
      },
    },
  };
}

const ref = (namespace: string, name: string) => `${namespace}/${name}[Deployment]`;

/**
 * The pods a bundle is proven against: one per declared workload (its labels, service account and
 * named ports), one undeclared "rogue" pod in every managed namespace, one probe in every
 * unmanaged namespace a flow admits, an outsider in a namespace nothing admits, the cluster DNS
 * and istiod. Callers in unmanaged namespaces are taken to be in the mesh when the environment
 * has one (otherwise STRICT mTLS would refuse them before authorization is even asked).
 */
export function synthesize(m: BundleManifest): { objects: Record<string, unknown>[]; peers: PodPeer[] } {
  const objects: Record<string, unknown>[] = [];
  const peers: PodPeer[] = [];
  const meshed = m.mesh.mode === 'istio-sidecar' && m.layers.includes('mesh');
  const managed = new Set(m.namespaces);
  const meshLabels: Record<string, string> = meshed ? { 'istio-injection': 'enabled' } : {};

  for (const w of m.workloads) {
    objects.push(deployment(w.namespace, w.name, { ...w.labels }, w.serviceAccount, w.ports.map((p) => ({ ...p }))));
    peers.push({ kind: 'workload', ref: ref(w.namespace, w.name), namespace: w.namespace, workload: w.id, managed: true });
  }
  for (const ns of m.namespaces) {
    objects.push(deployment(ns, 'ztp-rogue', { 'app.kubernetes.io/name': 'ztp-rogue', 'ztp.dev/verify': 'rogue' }, 'ztp-rogue', []));
    peers.push({ kind: 'rogue', ref: ref(ns, 'ztp-rogue'), namespace: ns, managed: true });
  }
  const unmanaged = new Set<string>();
  for (const f of m.intent.flows) if ('namespace' in f.from && !managed.has(f.from.namespace)) unmanaged.add(f.from.namespace);
  for (const ns of [...unmanaged].sort()) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...meshLabels } } });
    objects.push(deployment(ns, 'ztp-probe', { 'ztp.dev/verify': 'probe' }, 'ztp-probe', []));
    peers.push({ kind: 'probe', ref: ref(ns, 'ztp-probe'), namespace: ns, managed: false });
  }
  objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OUTSIDER_NAMESPACE, labels: { ...meshLabels } } });
  objects.push(deployment(OUTSIDER_NAMESPACE, 'ztp-outsider', { 'ztp.dev/verify': 'outsider' }, 'ztp-outsider', []));
  peers.push({ kind: 'outsider', ref: ref(OUTSIDER_NAMESPACE, 'ztp-outsider'), namespace: OUTSIDER_NAMESPACE, managed: false });

  const dns = m.intent.dns;
  objects.push(
    deployment(dns.namespace, 'ztp-cluster-dns', { ...dns.podLabels }, 'ztp-cluster-dns', [
      { name: 'dns', port: dns.port, protocol: 'UDP' },
      { name: 'dns-tcp', port: dns.port, protocol: 'TCP' },
    ]),
  );
  peers.push({ kind: 'dns', ref: ref(dns.namespace, 'ztp-cluster-dns'), namespace: dns.namespace, managed: false });
  if (meshed && 'istiod' in m.mesh) {
    objects.push(deployment(m.mesh.istiod.namespace, 'ztp-istiod', { ...m.mesh.istiod.labels }, 'istiod', [{ name: 'xds', port: 15012, protocol: 'TCP' }]));
    peers.push({ kind: 'istiod', ref: ref(m.mesh.istiod.namespace, 'ztp-istiod'), namespace: m.mesh.istiod.namespace, managed: false });
  }
  return { objects, peers };
}
