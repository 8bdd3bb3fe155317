import type { BundleManifest } from './bundle-manifest.ts';
import { egressProbeAddresses, externalCallerAddresses, podAddresses } from './expectations.ts';
import { ANY_NAMESPACE, impostorNamespaces, podsNamed, principalServiceAccounts } from './impostors.ts';
import { namedPortWitnesses } from './policy-literals.ts';
import { meetsSubject, podsSelected } from './subjects.ts';

/** A pod-level peer the verifier places in the cluster, and what it stands for. */
export interface PodPeer {
  readonly kind: 'workload' | 'rogue' | 'probe' | 'outsider' | 'dns' | 'istiod' | 'impostor';
  /** `ns/name[Deployment]`, as the reachability engine names it. */
  readonly ref: string;
  readonly namespace: string;
  /** For `workload`: the manifest id `ns/name` (its pod, or one with more labels: see subjects.ts). */
  readonly workload?: string;
  /** Its labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** For `impostor`: whom it copies (a workload's id, `cluster DNS`, `istiod`), or nobody (a pod of no declared labels). */
  readonly imitates?: string;
  /** Whether ztp manages its namespace (its egress is then governed by the bundle). */
  readonly managed: boolean;
  /** The pod's IP, when the verifier gave it one (see {@link SynthesizeOptions.addresses}). */
  readonly ip?: string;
}

/** How {@link synthesize} places its pods. */
export interface SynthesizeOptions {
  /**
   * Give every pod an IP address from the manifest's `clusterCidrs` (nothing changes when it
   * declares none): each pod is then a Pod owned by its Deployment, with `status.podIP`, so that
   * a NetworkPolicy ipBlock or an Istio `ipBlocks` that covers pod IPs matches it, as on the real
   * dataplane. Without addresses the objects are Deployments (pod templates, no IP): what a
   * cluster run (`e2e`) creates, where the cluster assigns the addresses.
   * @default false
   */
  readonly addresses?: boolean;
  /**
   * The bundle's objects: impostors are also placed in the namespaces its policies name by label,
   * name or pattern (see impostors.ts). Without them, only in the outsider's namespace and beside
   * the cluster DNS and istiod.
   * @default []
   */
  readonly policies?: readonly Record<string, unknown>[];
}

/** Namespace every unknown caller is placed in: nothing may admit it. */
export const OUTSIDER_NAMESPACE = 'ztp-verify-outsider';

type PodPorts = { name: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[];

/**
 * The container ports of the pods that stand for undeclared ones (the rogues, probes, the
 * outsider and the impostors of no declared labels): one for each port name the policies' rules
 * name (see namedPortWitnesses), since a rule by name reaches any pod with a port of that name. At
 * the number a workload gives that name (the first by id), else at a number of its own counted
 * down from 65535; one port per number and protocol.
 */
export function undeclaredPodPorts(m: BundleManifest, policies: readonly Record<string, unknown>[]): PodPorts {
  const declared = new Map<string, number>();
  for (const w of [...m.workloads].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) for (const p of w.ports) if (!declared.has(`${p.protocol}/${p.name}`)) declared.set(`${p.protocol}/${p.name}`, p.port);
  const used = new Set<string>();
  let next = 65535;
  const out: PodPorts = [];
  for (const { name, protocol } of namedPortWitnesses(policies)) {
    let port = declared.get(`${protocol}/${name}`);
    if (port === undefined || used.has(`${protocol}/${port}`)) {
      while (used.has(`${protocol}/${next}`) || m.workloads.some((w) => w.ports.some((p) => p.port === next))) next--;
      port = next;
    }
    used.add(`${protocol}/${port}`);
    out.push({ name, port, protocol });
  }
  return out;
}

/** A pod's spec: one container with the ports; with `sidecar`, an Istio sidecar already injected (istio-init and istio-proxy), for a pod in the mesh whose namespace is not labelled for injection. */
function podSpec(serviceAccount: string, ports: PodPorts, sidecar = false) {
  const app = { name: 'app', image: 'probe', ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) };
  return sidecar
    ? { serviceAccountName: serviceAccount, initContainers: [{ name: 'istio-init', image: 'probe' }], containers: [app, { name: 'istio-proxy', image: 'probe' }] }
    : { serviceAccountName: serviceAccount, containers: [app] };
}

/**
 * One running pod of a Deployment, with its IP: the reachability engine names it after its
 * controlling owner (`ns/name[Deployment]`), as it names the Deployment itself.
 */
function pod(namespace: string, name: string, labels: Record<string, string>, serviceAccount: string, ports: PodPorts, ip: string, sidecar = false) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: `ztp-verify-${namespace}-${name}`, controller: true }] },
    spec: podSpec(serviceAccount, ports, sidecar),
    status: { podIP: ip, podIPs: [{ ip }] },
  };
}

function deployment(namespace: string, name: string, labels: Record<string, string>, serviceAccount: string, ports: PodPorts, sidecar = false) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: podSpec(serviceAccount, ports, sidecar),
      },
    },
  };
}

const ref = (namespace: string, name: string) => `${namespace}/${name}[Deployment]`;

/**
 * The pods a bundle is proven against: one per declared workload (its labels, service account and
 * named ports), one undeclared "rogue" pod in every managed namespace (it and the other pods that
 * stand for undeclared ones have a port of each name the policies name: see undeclaredPodPorts), one probe in every
 * unmanaged namespace a flow admits, an outsider in a namespace nothing admits, the cluster DNS
 * and istiod; then, in a managed namespace, an undeclared pod for each service account a policy
 * names there that no workload runs as; then the impostors (see impostors.ts): copies of every
 * workload (labels, service account, ports), of the cluster DNS and of istiod in the outsider's
 * namespace and in each namespace the policies name that holds none of the pods above; a pod of no
 * declared labels in the cluster DNS's and istiod's namespaces when ztp does not manage them; in
 * the other namespaces, a pod for each service account a policy names there (in the mesh) and a
 * pod meeting each peer selector that names the namespace and pod labels; last, in the managed
 * namespaces, an undeclared pod meeting each selector of the policies' subjects and peers that no
 * pod above meets (see subjects.ts). Nothing may admit an
 * impostor, nor let a managed pod reach one: a selector that lost its namespace or its pod labels
 * is found through them. Callers in unmanaged namespaces are taken to be in the mesh when the environment
 * has one (otherwise STRICT mTLS would refuse them before authorization is even asked).
 * With `options.addresses` and `clusterCidrs` in the manifest, every pod gets a distinct IP
 * (see {@link SynthesizeOptions}), in the order above.
 */
export function synthesize(m: BundleManifest, options: SynthesizeOptions = {}): { objects: Record<string, unknown>[]; peers: PodPeer[] } {
  const objects: Record<string, unknown>[] = [];
  const peers: PodPeer[] = [];
  const meshed = m.mesh.mode === 'istio-sidecar' && m.layers.includes('mesh');
  const managed = new Set(m.namespaces);
  const meshLabels: Record<string, string> = meshed ? { 'istio-injection': 'enabled' } : {};
  const addresses = options.addresses && (m.clusterCidrs ?? []).length > 0 ? podAddresses(m.clusterCidrs ?? [], new Set([...externalCallerAddresses(m), ...egressProbeAddresses(m)])) : undefined;
  // The pod standing for a Deployment: with an address when there is one left, else its template.
  /** The labels and service accounts of the pods placed in each namespace. */
  const placedPods = new Map<string, { labels: Record<string, string>; serviceAccount: string }[]>();
  const undeclared = undeclaredPodPorts(m, options.policies ?? []);
  const place = (namespace: string, name: string, labels: Record<string, string>, serviceAccount: string, ports: PodPorts, sidecar = false): { labels: Record<string, string>; ip?: string } => {
    placedPods.set(namespace, [...(placedPods.get(namespace) ?? []), { labels, serviceAccount }]);
    const next = addresses?.next();
    const ip = next !== undefined && next.done !== true ? next.value : undefined;
    objects.push(ip === undefined ? deployment(namespace, name, labels, serviceAccount, ports, sidecar) : pod(namespace, name, labels, serviceAccount, ports, ip, sidecar));
    return ip === undefined ? { labels } : { labels, ip };
  };

  for (const w of m.workloads) {
    const at = place(w.namespace, w.name, { ...w.labels }, w.serviceAccount, w.ports.map((p) => ({ ...p })));
    peers.push({ kind: 'workload', ref: ref(w.namespace, w.name), namespace: w.namespace, workload: w.id, managed: true, ...at });
  }
  for (const ns of m.namespaces) {
    const at = place(ns, 'ztp-rogue', { 'app.kubernetes.io/name': 'ztp-rogue', 'ztp.dev/verify': 'rogue' }, 'ztp-rogue', undeclared);
    peers.push({ kind: 'rogue', ref: ref(ns, 'ztp-rogue'), namespace: ns, managed: true, ...at });
  }
  // undeclared pods running as the service accounts the AuthorizationPolicies name that no
  // workload of their namespace runs as (placed last, below)
  const accountsNamed = principalServiceAccounts(options.policies ?? []);
  const rogueAccounts = m.namespaces.flatMap((ns) =>
    [...(accountsNamed.get(ns) ?? [])].filter((sa) => sa !== 'ztp-rogue' && !m.workloads.some((w) => w.namespace === ns && w.serviceAccount === sa)).sort().map((sa) => ({ ns, sa })),
  );
  const unmanaged = new Set<string>();
  for (const f of m.intent.flows) if ('namespace' in f.from && !managed.has(f.from.namespace)) unmanaged.add(f.from.namespace);
  for (const ns of [...unmanaged].sort()) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...meshLabels } } });
    const at = place(ns, 'ztp-probe', { 'ztp.dev/verify': 'probe' }, 'ztp-probe', undeclared);
    peers.push({ kind: 'probe', ref: ref(ns, 'ztp-probe'), namespace: ns, managed: false, ...at });
  }
  objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OUTSIDER_NAMESPACE, labels: { ...meshLabels } } });
  const outsider = place(OUTSIDER_NAMESPACE, 'ztp-outsider', { 'ztp.dev/verify': 'outsider' }, 'ztp-outsider', undeclared);
  peers.push({ kind: 'outsider', ref: ref(OUTSIDER_NAMESPACE, 'ztp-outsider'), namespace: OUTSIDER_NAMESPACE, managed: false, ...outsider });

  const dns = m.intent.dns;
  const dnsAt = place(dns.namespace, 'ztp-cluster-dns', { ...dns.podLabels }, 'ztp-cluster-dns', [
    { name: 'dns', port: dns.port, protocol: 'UDP' },
    { name: 'dns-tcp', port: dns.port, protocol: 'TCP' },
  ]);
  peers.push({ kind: 'dns', ref: ref(dns.namespace, 'ztp-cluster-dns'), namespace: dns.namespace, managed: false, ...dnsAt });
  if (meshed && 'istiod' in m.mesh) {
    const at = place(m.mesh.istiod.namespace, 'ztp-istiod', { ...m.mesh.istiod.labels }, 'istiod', [{ name: 'xds', port: 15012, protocol: 'TCP' }]);
    peers.push({ kind: 'istiod', ref: ref(m.mesh.istiod.namespace, 'ztp-istiod'), namespace: m.mesh.istiod.namespace, managed: false, ...at });
  }

  // the impostors (placed last: the pods above keep their addresses)
  const istiodNamespace = meshed && 'istiod' in m.mesh ? m.mesh.istiod.namespace : undefined;
  const placed = new Set([...managed, ...unmanaged, OUTSIDER_NAMESPACE, dns.namespace, ...(istiodNamespace !== undefined ? [istiodNamespace] : [])]);
  type Impostor = { name: string; imitates?: string; labels: Record<string, string>; serviceAccount: string; ports: PodPorts; sidecar?: boolean };
  const copies: Impostor[] = [
    ...m.workloads.map((w) => ({ name: `ztp-impostor-${w.namespace}-${w.name}`, imitates: w.id, labels: { ...w.labels }, serviceAccount: w.serviceAccount, ports: w.ports.map((p) => ({ ...p })) })),
    { name: 'ztp-impostor-cluster-dns', imitates: 'cluster DNS', labels: { ...dns.podLabels }, serviceAccount: 'ztp-cluster-dns', ports: [{ name: 'dns', port: dns.port, protocol: 'UDP' }, { name: 'dns-tcp', port: dns.port, protocol: 'TCP' }] },
    ...(istiodNamespace !== undefined && 'istiod' in m.mesh ? [{ name: 'ztp-impostor-istiod', imitates: 'istiod', labels: { ...m.mesh.istiod.labels }, serviceAccount: 'istiod', ports: [{ name: 'xds', port: 15012, protocol: 'TCP' as const }] }] : []),
  ];
  // names unique per namespace (`a-b` + `c` and `a` + `b-c` would both be `a-b-c`)
  const names = new Map<string, Set<string>>();
  const unique = (namespace: string, base: string) => {
    let used = names.get(namespace);
    if (used === undefined) names.set(namespace, (used = new Set()));
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    return name;
  };
  const impostor = (namespace: string, c: Impostor) => {
    const name = unique(namespace, c.name);
    const at = place(namespace, name, c.labels, c.serviceAccount, c.ports, c.sidecar);
    peers.push({ kind: 'impostor', ref: ref(namespace, name), namespace, managed: false, ...(c.imitates !== undefined ? { imitates: c.imitates } : {}), ...at });
  };
  for (const c of copies) impostor(OUTSIDER_NAMESPACE, c);
  const impostorNs = impostorNamespaces(options.policies ?? [], placed);
  for (const ns of impostorNs) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: { ...ns.labels, ...meshLabels } } });
    for (const c of copies) impostor(ns.name, c);
  }
  rogueAccounts.forEach(({ ns, sa }, i) => {
    const name = `ztp-rogue-${i + 1}`;
    const at = place(ns, name, { 'app.kubernetes.io/name': name, 'ztp.dev/verify': 'rogue' }, sa, undeclared);
    peers.push({ kind: 'rogue', ref: ref(ns, name), namespace: ns, managed: true, ...at });
  });
  // a pod of the cluster DNS's and istiod's namespaces that is neither: reaching it takes a rule that lost its pod selector
  for (const ns of new Set([dns.namespace, ...(istiodNamespace !== undefined ? [istiodNamespace] : [])])) {
    if (managed.has(ns)) continue;
    // istiod's namespace may exist nowhere else (a cluster run has no Istio); the DNS's always does
    const declared = (options.policies ?? []).some((o) => o.kind === 'Namespace' && (o.metadata as { name?: string } | undefined)?.name === ns);
    if (ns !== dns.namespace && !declared && !unmanaged.has(ns)) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: {} } });
    impostor(ns, { name: 'ztp-impostor', labels: { 'ztp.dev/verify': 'impostor' }, serviceAccount: 'ztp-impostor', ports: undeclared });
  }
  // in every other namespace the AuthorizationPolicies name accounts of, a pod running as each: in
  // the mesh (a sidecar of its own where the namespace is not labelled for injection)
  const existing = new Set([...placed, ...impostorNs.map((n) => n.name)]);
  const injected = (ns: string) => ns !== dns.namespace && ns !== istiodNamespace;
  for (const [named, accounts] of [...accountsNamed].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const ns = named === ANY_NAMESPACE ? OUTSIDER_NAMESPACE : named;
    if (managed.has(ns) || !existing.has(ns)) continue;
    for (const sa of [...accounts].sort()) impostor(ns, { name: `ztp-impostor-sa-${sa}`, labels: { 'ztp.dev/verify': 'impostor' }, serviceAccount: sa, ports: undeclared, sidecar: meshed && !injected(ns) });
  }
  // a pod meeting each peer selector that names a namespace ztp does not manage and pod labels
  // (unless a pod placed there meets it already: the cluster DNS for the DNS egress)
  for (const { namespace, labels } of podsNamed(options.policies ?? [])) {
    if (managed.has(namespace) || !existing.has(namespace)) continue;
    if ((placedPods.get(namespace) ?? []).some((p) => Object.entries(labels).every(([k, v]) => p.labels[k] === v))) continue;
    impostor(namespace, { name: 'ztp-impostor-selected', labels: { ...labels }, serviceAccount: 'ztp-impostor', ports: undeclared, sidecar: meshed && !injected(namespace) });
  }
  // an undeclared pod meeting each selector of the policies (whom they apply to, whom they admit)
  // that no pod placed in its managed namespace meets (see subjects.ts); one with a declared
  // workload's labels is that workload's
  const namespaceLabels = (name: string) => {
    const o = (options.policies ?? []).find((x) => x.kind === 'Namespace' && (x.metadata as { name?: string } | undefined)?.name === name);
    const labels = (o?.metadata as { labels?: unknown } | undefined)?.labels;
    return labels !== null && typeof labels === 'object' ? (labels as Record<string, string>) : {};
  };
  for (const subject of podsSelected(options.policies ?? [], istiodNamespace, m.namespaces.map((name) => ({ name, labels: namespaceLabels(name) })))) {
    const ns = subject.namespace;
    if ((placedPods.get(ns) ?? []).some((p) => meetsSubject(subject, p.labels, p.serviceAccount))) continue;
    // with a declared workload's labels and more, it is a pod of that workload (its policies select
    // it too): placed as one, and judged as the workload is (with two such workloads, whose it is
    // cannot be told: left out)
    const owners = m.workloads.filter((w) => w.namespace === ns && Object.entries(w.labels).every(([k, v]) => subject.labels[k] === v));
    if (owners.length > 0) {
      const w = owners[0]!;
      const labels = { ...w.labels, ...subject.labels };
      if (owners.length > 1 || !meetsSubject(subject, labels, w.serviceAccount)) continue;
      const name = unique(ns, `${w.name}-ztp-variant`);
      const at = place(ns, name, labels, w.serviceAccount, w.ports.map((p) => ({ ...p })));
      peers.push({ kind: 'workload', ref: ref(ns, name), namespace: ns, workload: w.id, managed: true, ...at });
      continue;
    }
    // a pod running as a declared workload's account is that workload to Istio (its principal): not an undeclared one
    if (subject.serviceAccount !== undefined && m.workloads.some((w) => w.namespace === ns && w.serviceAccount === subject.serviceAccount)) continue;
    const name = unique(ns, 'ztp-rogue-selected');
    const at = place(ns, name, { ...subject.labels }, subject.serviceAccount ?? 'ztp-rogue', undeclared);
    peers.push({ kind: 'rogue', ref: ref(ns, name), namespace: ns, managed: true, ...at });
  }
  return { objects, peers };
}
