import { buildResources, DEFAULT_UNCAPTURED_PORTS, judge, mtlsInForce, parseCidr, type Judgement, type ObjectRef, type Resources } from '@ztp/reachability';
import { readBundle, type BundleFiles, type BundleManifest } from './bundle-manifest.ts';
import { distinctRequests, egressProbeAddresses, externalCallerAddresses, flowsToPort, intendedAllowed, fqdnProbeAddresses, intendedEgressToFqdn, intendedEgressToIp, matchingFlows, probeRequests, type Caller, type Layer, type ProbeRequest } from './expectations.ts';
import { undeclaredConnections } from './exact.ts';
import { namedRanges, representativeAddresses } from './address-partition.ts';
import { portBoundaries, representativePorts } from './port-partition.ts';
import { fqdnWitnesses, requestWitnesses, witnessesFor } from './policy-literals.ts';
import { mayChangeTraffic } from './traffic-neutral.ts';
import { synthesize, undeclaredPodPorts, type PodPeer } from './synthesize.ts';
import { oneSide, type Side } from './one-side.ts';
import { certificateChecks } from './certificates.ts';
import { guardProblems } from './guards.ts';

/** One connection the proof checked. */
export interface Check {
  /** Which part of the bundle was judged. */
  readonly layer: Layer;
  /** `caller => destination:port/protocol [METHOD path]`. */
  readonly id: string;
  /** `allowed` or `denied`; for an `[mTLS]` check, the mode the port declares. */
  readonly expected: 'allowed' | 'denied' | 'STRICT' | 'PERMISSIVE' | 'DISABLE';
  /**
   * `allowed`, or how the bundle refuses it (`dropped`, `http-403`, `mtls-refused`, `connection-reset`), or `undecided`;
   * for an `[mTLS]` check, the mode the bundle's PeerAuthentications give the port, `no mTLS` or `undecided`.
   */
  readonly observed: string;
  readonly ok: boolean;
  /** The declared flows or egress that make it allowed (their source lines), if any. */
  readonly declaredBy: readonly string[];
  /** The objects that decided, layer by layer. */
  readonly decidedBy: readonly string[];
}

/** The proof of one bundle. */
export interface VerifyReport {
  readonly environment: string;
  readonly ok: boolean;
  readonly checks: readonly Check[];
  readonly failures: readonly Check[];
  /** What this proof cannot show, by name. */
  readonly notCovered: readonly string[];
}

const PUBLIC_PROBE_FQDN = 'ztp-undeclared.example.net';
/** The port istiod serves sidecars on (the mesh baseline's egress allowance). */
const ISTIOD_XDS_PORT = 15012;
/** Istio ambient: the HBONE port meshed traffic arrives on, and the address kubelet probes come from. */
const HBONE_PORT = 15008;
const AMBIENT_PROBE_IP = '169.254.7.127';
/** Ports an Istio sidecar does not capture (the HBONE tunnel port, its own listeners and status port), as the engine reads them: no mTLS or authorization there. */
const SIDECAR_OWN_PORTS = DEFAULT_UNCAPTURED_PORTS;
/** Cilium entities some peer of the proof stands for (pods of every kind, external addresses of both families). */
const PROBED_ENTITIES = new Set(['all', 'world', 'world-ipv4', 'world-ipv6', 'cluster']);
/** See VerifyOptions.portClassBudget. */
const PORT_CLASS_BUDGET = 1_000_000;

function describeRef(d: ObjectRef): string {
  return `${d.kind} ${d.namespace ? d.namespace + '/' : ''}${d.name}${'rule' in d && d.rule ? ` ${d.rule}` : ''}`;
}

function describeJudgement(j: Judgement): string[] {
  return j.stages.filter((s) => s.result !== 'not applicable').map((s) => `${s.layer}: ${s.result}${s.decidedBy.length ? ` by ${s.decidedBy.map(describeRef).join(', ')}` : ''} (${s.reason})`);
}

/** What a check judges: a layer, or one side of the network layer with the other side open. */
type View = Layer | 'ingress side' | 'egress side';

function callerName(c: Caller): string {
  return c.kind === 'external' ? c.ip : c.ref;
}

/** Options of `verifyBundle`. */
export interface VerifyOptions {
  /**
   * The most judgements of every port class from every caller (they grow with pods x pods x port
   * classes); beyond, Cilium and Istio policies are judged at each destination's declared ports and
   * one other, and `notCovered` says so.
   * @default 1,000,000
   */
  readonly portClassBudget?: number;
}

/**
 * Proves a compiled bundle against its own declared intent, with ztp's reachability engine (the
 * NetworkPolicy, Cilium and Istio layers): every declared flow allowed (and, where it has HTTP
 * rules, only the requests they admit, even the requests other callers of the same port may
 * send), every declared egress allowed, DNS reachable, and every
 * other pair of callers and ports denied: other workloads, an undeclared pod in each managed
 * namespace, callers in other namespaces, external addresses (one of each part of the address
 * space the policies' ranges leave: see address-partition.ts), every other port (one of each class
 * of ports the policies' port numbers tell apart, at each protocol: see port-partition.ts). With a
 * mesh, the network layer and the mesh layer are also each proven on their own; each side of the
 * network layer is too (servers' ingress from every caller with egress open, the managed pods'
 * egress with ingress open: see one-side.ts). When the
 * environment declares `clusterCidrs`, the pods have addresses in the cluster's range, so an
 * ipBlock (NetworkPolicy) or `ipBlocks` (Istio) that covers pod IPs admits them here as it does on
 * the dataplane, and the proof fails unless the cluster ranges are excepted. The NetworkPolicies
 * are also checked exactly (see {@link undeclaredConnections}): every connection they allow, at
 * every protocol and port and between every pair of those pods and address ranges, must be
 * declared; Cilium and Istio policies are judged at every port as above, from the callers above.
 */
export function verifyBundle(bundle: BundleFiles, verifyOptions: VerifyOptions = {}): VerifyReport {
  const budget = verifyOptions.portClassBudget ?? PORT_CLASS_BUDGET;
  const { manifest: m, objects } = readBundle(bundle);
  const synthetic = synthesize(m, { addresses: true, policies: objects });
  const meshOn = m.mesh.mode !== 'none' && m.layers.includes('mesh');
  // The network layer keeps PeerAuthentication: whether traffic is encrypted decides whether
  // Cilium can read it. Only Istio authorization is the mesh layer's own decision.
  const isMesh = (o: Record<string, unknown>) => String(o.apiVersion).startsWith('security.istio.io/') && o.kind === 'AuthorizationPolicy';
  const isNetwork = (o: Record<string, unknown>) => o.kind === 'NetworkPolicy' || o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy';
  const resourcesOf: Record<Layer, Resources> = {
    all: buildResources([...objects, ...synthetic.objects], {}),
    network: buildResources([...objects.filter((o) => !isMesh(o)), ...synthetic.objects], {}),
    mesh: buildResources([...objects.filter((o) => !isNetwork(o)), ...synthetic.objects], {}),
  };
  // each side of the network layer on its own, the other side open (see one-side.ts)
  const networkObjects = objects.filter((o) => !isMesh(o));
  const sideResources: Record<Side, Resources> = {
    ingress: buildResources([...oneSide(networkObjects, 'ingress'), ...synthetic.objects], {}),
    egress: buildResources([...oneSide(networkObjects, 'egress'), ...synthetic.objects], {}),
  };
  const checks: Check[] = [];
  // the compiler makes istiod's namespace the mesh's root namespace (its mesh-wide PeerAuthentication is there)
  const rootNamespace = 'istiod' in m.mesh ? m.mesh.istiod.namespace : undefined;
  // Cilium's ANY and port-less rules include SCTP where the agent enables it: judged as if it does
  // the cluster DNS the proof places: Cilium's toFQDNs work only where a DNS rule covers the lookups to it
  const dnsServer = synthetic.peers.find((p) => p.kind === 'dns');
  const options = {
    trustDomain: m.trustDomain,
    dataplane: m.cni === 'cilium' ? ('cilium' as const) : ('kubernetes' as const),
    ciliumSctp: true,
    ...(rootNamespace !== undefined ? { istioRootNamespace: rootNamespace } : {}),
    ...(dnsServer !== undefined ? { dnsServer: { peer: dnsServer.ref, port: m.intent.dns.port } } : {}),
  };
  const mtlsOf = new Map(m.workloads.flatMap((w) => w.ports.map((p) => [`${w.id}|${p.protocol}/${p.port}`, p.mtls] as const)));
  const run = (view: View, caller: Caller, dst: string | { fqdn: string; ip?: string }, dstName: string, protocol: 'TCP' | 'UDP' | 'SCTP', port: number, expected: boolean, declaredBy: string[], request?: ProbeRequest) => {
    const src = caller.kind === 'external' ? caller.ip : caller.ref;
    const side = view === 'ingress side' ? 'ingress' : view === 'egress side' ? 'egress' : undefined;
    const layer: Layer = side !== undefined ? 'network' : (view as Layer);
    // the network layer on its own: STRICT mTLS does not hide what the network policies let through
    const j = judge(side !== undefined ? sideResources[side] : resourcesOf[layer], { src, dst, protocol, port, ...(request ? { http: { method: request.method, path: request.path } } : {}) }, layer === 'network' ? { ...options, mtlsRefusal: false } : options);
    const observed = j.outcome;
    checks.push({
      layer,
      id: `${side !== undefined ? `[network layer, ${view} only] ` : layer === 'all' ? '' : `[${layer} layer] `}${callerName(caller)} => ${dstName}:${port}/${protocol}${request ? ` ${request.method} ${request.path}` : ''}`,
      expected: expected ? 'allowed' : 'denied',
      observed,
      ok: observed === 'undecided' ? false : (observed === 'allowed') === expected,
      declaredBy,
      decidedBy: describeJudgement(j),
    });
  };

  const pods = synthetic.peers;
  // An address of each declared caller range (outside its except and the cluster's ranges), one of
  // each range excepted from it (the cluster's own, with cni 'kubernetes'), and one outside every
  // declared range. No pod has one of them (synthesize keeps them free). Below, within the budget,
  // one address of every part the policies' ranges leave joins them.
  const declaredCallerIps = externalCallerAddresses(m);

  // Every caller to every workload port, and to one port of every other class: end to end,
  // then each layer on its own. The mesh layer is not asked about ports without mTLS (it cannot
  // know the caller there; the network layer alone restricts them) nor about non-TCP ports.
  // A caller limited to HTTP requests, or with no flow at all, is also sent the requests of every
  // other caller's HTTP rules on that port: a rule that lost (or never had) its caller would admit
  // them, and only the caller's own declared flows may.
  const layers: Layer[] = meshOn ? ['all', 'network', 'mesh'] : ['all'];
  // and each side of the network layer on its own: the server's ingress from every caller, the
  // caller's egress from the pods ztp manages (nothing else has ztp's egress rules)
  const views: View[] = [...layers, 'ingress side', 'egress side'];
  const managedCaller = (c: Caller) => (c.kind === 'workload' || c.kind === 'rogue') && c.managed;
  // The sidecar does not capture its own ports (Istio applies neither mTLS nor authorization
  // there, and the engine models that): the mesh layer is not asked about them, the network layer
  // alone restricts them (proven, as everywhere).
  const meshCannotRestrict = (port: number) => m.mesh.mode === 'istio-sidecar' && SIDECAR_OWN_PORTS.includes(port);
  // Every port and address is judged, not a sample: the policies decide a port only by the numbers
  // they name (and the pods' ports), and an address only by the ranges they name, so one port of
  // each class those numbers leave, at each protocol, and one address of each part those ranges
  // leave stand for all of their class (see port-partition.ts, address-partition.ts). Judging every
  // class grows with pods x (pods + addresses) x ports; past `portClassBudget` judgements each
  // destination is judged at its declared ports and one other, from the declared ranges' addresses
  // and one outside them, and the report says so.
  const boundaries = portBoundaries(objects);
  for (const w of m.workloads) for (const p of w.ports) boundaries.add(p.port);
  // the ports the pods standing for undeclared ones have, one per port name the policies name
  const undeclaredPorts = undeclaredPodPorts(m, objects);
  for (const p of undeclaredPorts) boundaries.add(p.port);
  for (const e of m.intent.egress) for (const p of e.ports) boundaries.add(p.port);
  for (const n of [m.intent.dns.port, 443, ISTIOD_XDS_PORT, HBONE_PORT, ...SIDECAR_OWN_PORTS]) boundaries.add(n);
  const classPorts = (['TCP', 'UDP', 'SCTP'] as const).flatMap((protocol) => representativePorts(boundaries).map((port) => ({ port, protocol })));
  const podIps = new Set(pods.flatMap((p) => (p.ip === undefined ? [] : [p.ip])));
  // ambient's kubelet probes come from this address, and the baseline admits them (see exact.ts)
  if (m.mesh.mode === 'istio-ambient' && m.layers.includes('mesh')) podIps.add(AMBIENT_PROBE_IP);
  const clusterRanges = (m.clusterCidrs ?? []).flatMap((c) => parseCidr(c) ?? []);
  const classIps = representativeAddresses(namedRanges(objects), clusterRanges, podIps);
  const managedPods = pods.filter((p): p is PodPeer => (p.kind === 'workload' || p.kind === 'rogue') && p.managed);
  const unmanagedPods = pods.filter((p) => !p.managed);
  const egressIpsDeclared = egressProbeAddresses(m);
  const destinations = pods.filter((p) => p.kind === 'workload' || p.kind === 'rogue').length;
  // An impostor must be refused by each layer on its own; then it is refused end to end too, so
  // with a mesh its end-to-end checks are left out (the layers' own are all judged).
  const impostors = pods.filter((p) => p.kind === 'impostor').length;
  const skipsAll = (c: Caller) => meshOn && c.kind === 'impostor';
  const judgements =
    classPorts.length *
    (destinations * (layers.length * (pods.length - impostors + new Set([...declaredCallerIps, ...classIps]).size) + (meshOn ? layers.length - 1 : layers.length) * impostors) +
      managedPods.length * (unmanagedPods.length + new Set([...egressIpsDeclared, ...classIps]).size) +
      // each side of the network layer on its own: ingress from every caller, egress from the managed pods
      destinations * (pods.length + new Set([...declaredCallerIps, ...classIps]).size + managedPods.length));
  const everyPort = judgements <= budget;
  // The cluster DNS and istiod call too: nothing in their namespaces may reach a workload undeclared.
  const callers: Caller[] = [...pods, ...[...new Set([...declaredCallerIps, ...(everyPort ? classIps : [])])].map((ip): Caller => ({ kind: 'external', ip }))];
  const egressIps = [...new Set([...egressIpsDeclared, ...(everyPort ? classIps : [])])];
  /** `declared` (in their order), then every class port not among them (or, past the budget, one undeclared TCP port). */
  const portsFor = (declared: readonly { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[]) => {
    const extra = everyPort ? classPorts : [{ port: Math.max(1024, ...declared.map((p) => p.port)) + 1, protocol: 'TCP' as const }];
    const seen = new Set<string>();
    const out: { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[] = [];
    for (const p of [...declared, ...extra]) {
      const key = `${p.protocol}/${p.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ port: p.port, protocol: p.protocol });
    }
    return out;
  };

  const witnessed = requestWitnesses(objects);
  // the requests of the policies that may apply to each workload (asked for every caller and port)
  const witnessCache = new Map<string, ReturnType<typeof witnessesFor>>();
  const witnessesOf = (pod: PodPeer) => {
    let found = witnessCache.get(pod.ref);
    if (found === undefined) witnessCache.set(pod.ref, (found = witnessesFor(witnessed.policies, pod.namespace, pod.labels, rootNamespace)));
    return found;
  };
  const tcp = (ports: Iterable<number>) => [...ports].map((port) => ({ port, protocol: 'TCP' as const }));
  // every pod of a declared workload: its own, and one with more labels where a policy selects those (see subjects.ts)
  const workloadPods = pods.flatMap((p) => {
    const w = p.kind === 'workload' ? m.workloads.find((x) => x.id === p.workload) : undefined;
    return w === undefined ? [] : [{ w, pod: p }];
  });
  for (const view of views) for (const { w, pod } of workloadPods) {
    const dst = pod.ref;
    // the sides are judged like the network layer (Cilium's HTTP rules are on the ingress side)
    const layer: Layer = view === 'ingress side' || view === 'egress side' ? 'network' : view;
    // the ports the witnesses' own rules name are asked too, whatever the budget
    const ports = portsFor([...w.ports, ...tcp(witnessesOf(pod).ports)]);
    for (const c of callers) {
      if (c.kind === 'workload' && c.workload === w.id) continue; // a pod to itself (or another of its workload's) is not a network path
      if (view === 'all' && skipsAll(c)) continue;
      if (view === 'egress side' && !managedCaller(c)) continue;
      for (const p of ports) {
        if (layer === 'mesh' && (p.protocol !== 'TCP' || mtlsOf.get(`${w.id}|${p.protocol}/${p.port}`) === 'DISABLE' || meshCannotRestrict(p.port))) continue;
        const flows = matchingFlows(m, c, w.id, p.protocol, p.port);
        const declaredBy = flows.map((f) => f.source);
        // the egress side admits every request of a caller it lets through
        if (view === 'egress side') {
          run(view, c, dst, dst, p.protocol, p.port, flows.length > 0, declaredBy);
          continue;
        }
        const others = p.protocol === 'TCP' ? flowsToPort(m, w.id, p.protocol, p.port).filter((f) => f.http !== undefined && !flows.includes(f)) : [];
        const probe = (requests: readonly ProbeRequest[]) => {
          for (const q of requests) run(view, c, dst, dst, p.protocol, p.port, intendedAllowed(m, c, w.id, p.protocol, p.port, q, layer), declaredBy, q);
        };
        // at a declared TCP port, and at a port their own rules name, the requests the bundle's own
        // HTTP rules admit too: a rule for a path or method nobody declared is tried (the intent
        // says whether it may pass)
        const witnessing = p.protocol === 'TCP' && (w.ports.some((d) => d.protocol === 'TCP' && d.port === p.port) || witnessesOf(pod).ports.has(p.port) || witnessesOf(pod).anyPort);
        const witnesses = witnessing ? witnessesOf(pod).requests : [];
        if (flows.length > 0 && flows.every((f) => f.http !== undefined) && p.protocol === 'TCP') {
          // its own requests first, then the other callers', then the witnesses
          probe(distinctRequests([...probeRequests([...flows, ...others]), ...witnesses]));
        } else {
          run(view, c, dst, dst, p.protocol, p.port, intendedAllowed(m, c, w.id, p.protocol, p.port, undefined, layer), declaredBy);
          if (flows.length === 0) probe(distinctRequests([...probeRequests(others), ...witnesses]));
        }
      }
    }
  }

  // The mTLS mode each workload port declares is the one the bundle's PeerAuthentications give it.
  // The checks above cannot tell every mode apart: where the authorization (or the network) also
  // refuses a caller, plain text accepted under PERMISSIVE, or mTLS dropped under DISABLE, changes
  // no verdict. With sidecars only: ambient's ztunnel is not modelled (see notCovered).
  if (m.mesh.mode === 'istio-sidecar' && meshOn) {
    for (const w of m.workloads) {
      const dst = `${w.namespace}/${w.name}[Deployment]`;
      for (const p of w.ports) {
        if (p.protocol !== 'TCP' || p.mtls === undefined || meshCannotRestrict(p.port)) continue;
        const f = mtlsInForce(resourcesOf.all, dst, p.port, rootNamespace);
        const observed = f.kind === 'mode' ? f.mode : f.kind === 'none' ? 'no mTLS' : 'undecided';
        const by = f.kind === 'mode' ? (f.decidedBy.length > 0 ? `by ${f.decidedBy.map(describeRef).join(', ')}` : '(no PeerAuthentication applies: Istio\'s default)') : `(${f.reason})`;
        checks.push({ layer: 'mesh', id: `[mTLS] ${dst}:${p.port}/TCP (port "${p.name}")`, expected: p.mtls, observed, ok: observed === p.mtls, declaredBy: [], decidedBy: [`Istio mTLS: ${observed} ${by}`] });
      }
    }
  }

  // The guards shipped outside the admission layer (who may reference which Secret) enforce as the
  // admission layer's own policies do (see guards.ts)
  const guards = guardProblems(bundle);
  for (const p of guards.problems) checks.push({ layer: 'all', id: `[admission] ${p}`, expected: 'denied', observed: 'allowed', ok: false, declaredBy: [], decidedBy: [] });
  if (guards.checked.length > 0 && guards.problems.length === 0) {
    checks.push({ layer: 'all', id: `[admission] ${guards.checked.join(', ')} fail closed, see every Pod and debug container, and enforce as the environment does in exactly its namespaces`, expected: 'denied', observed: 'denied', ok: true, declaredBy: [], decidedBy: [] });
  }

  // Without a mesh, the SPIFFE certificates are the identities: each workload's asks for its own
  // SPIFFE ID only (a wider one is an identity, or a CA, cert-manager signs: see certificates.ts)
  for (const c of certificateChecks(m, objects)) {
    checks.push({ layer: 'mesh', id: c.id, expected: 'denied', observed: c.ok ? 'denied' : 'allowed', ok: c.ok, declaredBy: [], decidedBy: c.problem === undefined ? [] : [c.problem] });
  }

  // The undeclared pod of each managed namespace as a destination: nothing may reach it, at any
  // port (the NetworkPolicies are also checked exactly below; this is for Cilium and Istio).
  // At its TCP ports of a declared number or name, and at those the witnesses' rules name, it is
  // also sent every request the HTTP rules of its namespace's policies admit (whatever their
  // selectors say: any request to it must be refused).
  for (const view of views) for (const rogue of pods.filter((p) => p.kind === 'rogue')) {
    const witnesses = witnessesFor(witnessed.policies, rogue.namespace, undefined, rootNamespace);
    const declared = [...m.workloads.flatMap((w) => (w.namespace === rogue.namespace ? w.ports : [])), ...undeclaredPorts, ...tcp(witnesses.ports)];
    const witnessing = new Set(declared.filter((p) => p.protocol === 'TCP').map((p) => p.port));
    const ports = portsFor(declared);
    for (const c of callers) {
      if (c.kind === 'rogue' && c.ref === rogue.ref) continue;
      if (view === 'all' && skipsAll(c)) continue;
      if (view === 'egress side' && !managedCaller(c)) continue;
      for (const p of ports) {
        if (view === 'mesh' && (p.protocol !== 'TCP' || meshCannotRestrict(p.port))) continue;
        run(view, c, rogue.ref, rogue.ref, p.protocol, p.port, false, []);
        if (view !== 'egress side' && p.protocol === 'TCP' && (witnessing.has(p.port) || witnesses.anyPort)) for (const q of witnesses.requests) run(view, c, rogue.ref, rogue.ref, p.protocol, p.port, false, [], q);
      }
    }
  }

  // Egress of managed pods: the cluster DNS, istiod for sidecars, declared external egress, and
  // addresses and names nobody declared.
  const egressPorts = new Set<string>(['TCP/443']);
  for (const e of m.intent.egress) for (const p of e.ports) egressPorts.add(`${p.protocol}/${p.port}`);
  if (everyPort) for (const p of classPorts) egressPorts.add(`${p.protocol}/${p.port}`);
  // Under Cilium, DNS names: the declared ones, and for `*.suffix` (one label) a name one label
  // deeper too, which it does not cover; a name each of the policies' own FQDN rules admits (a
  // name nobody declared is tried); and one nobody declared. A name resolves to an address, and
  // the dataplane allows by address: each is probed as resolving to an address of its own (a name
  // sharing a declared name's address is reachable whatever its name; notCovered says so),
  // outside the declared ranges where possible.
  const fqdnProbes: { name: string; ip: string }[] = [];
  if (m.cni === 'cilium') {
    const names = new Set<string>([PUBLIC_PROBE_FQDN]);
    for (const e of m.intent.egress) if ('fqdn' in e.to) for (const n of e.to.fqdn.startsWith('*.') ? [`ztp-probe${e.to.fqdn.slice(1)}`, `ztp-probe.ztp-deeper${e.to.fqdn.slice(1)}`] : [e.to.fqdn]) names.add(n);
    for (const n of fqdnWitnesses(objects)) names.add(n);
    const addresses = fqdnProbeAddresses(m, names.size);
    for (const [i, name] of [...names].entries()) fqdnProbes.push({ name, ip: addresses[i]! });
  }
  const dnsPod = pods.find((p) => p.kind === 'dns');
  const istiod = pods.find((p) => p.kind === 'istiod');
  for (const c of managedPods) {
    if (dnsPod) for (const protocol of ['UDP', 'TCP'] as const) run('all', c, dnsPod.ref, dnsPod.ref, protocol, m.intent.dns.port, true, ['cluster DNS (network baseline)']);
    if (istiod) run('all', c, istiod.ref, istiod.ref, 'TCP', ISTIOD_XDS_PORT, true, ['istiod (mesh baseline)']);
    // the pods ztp does not manage (the cluster DNS and istiod at every other port, the probes and
    // the outsider): a Cilium egress rule to another namespace or to the cluster entity must not
    // reach them (the NetworkPolicies are listed exactly below)
    for (const d of unmanagedPods) {
      for (const p of portsFor(d.kind === 'dns' || d.kind === 'istiod' || (d.kind === 'impostor' && d.imitates !== undefined) ? [] : undeclaredPorts)) {
        const baseline = (d.kind === 'dns' && p.port === m.intent.dns.port && p.protocol !== 'SCTP') || (d.kind === 'istiod' && p.protocol === 'TCP' && p.port === ISTIOD_XDS_PORT);
        if (!baseline) run('all', c, d.ref, d.ref, p.protocol, p.port, false, []);
      }
    }
    for (const ip of egressIps) {
      for (const pp of egressPorts) {
        const [protocol, port] = pp.split('/') as ['TCP' | 'UDP' | 'SCTP', string];
        const expected = intendedEgressToIp(m, c, ip, protocol, Number(port));
        run('all', c, ip, ip, protocol, Number(port), expected, expected ? ['declared egress'] : []);
      }
    }
    for (const { name, ip } of fqdnProbes) {
      for (const pp of egressPorts) {
        const [protocol, port] = pp.split('/') as ['TCP' | 'UDP' | 'SCTP', string];
        const expected = intendedEgressToFqdn(m, c, name, ip, protocol, Number(port));
        run('all', c, { fqdn: name, ip }, `${name}@${ip}`, protocol, Number(port), expected, expected ? ['declared egress'] : []);
      }
    }
  }

  // Every connection the NetworkPolicies allow, at every port and protocol and between every pair
  // of pods and address ranges, must be declared (the checks above take one pod of each kind).
  // Under Cilium the pods carry no address: its CIDR rules never match pods.
  const exactPods = m.cni === 'cilium' ? synthesize(m, { policies: objects }) : synthetic;
  const exactResources = buildResources([...objects.filter((o) => o.kind === 'NetworkPolicy' || o.kind === 'Namespace'), ...exactPods.objects], {});
  const undeclared = undeclaredConnections(m, exactResources, exactPods.peers);
  for (const u of undeclared) {
    checks.push({ layer: 'network', id: `[NetworkPolicy, every port] ${u.id}`, expected: 'denied', observed: 'allowed', ok: false, declaredBy: [], decidedBy: ['NetworkPolicy: allowed (every connection the NetworkPolicies allow, listed exactly)'] });
  }
  if (undeclared.length === 0) {
    checks.push({ layer: 'network', id: '[NetworkPolicy, every port] every connection the NetworkPolicies allow is declared (every protocol, port and pair of pods and address ranges)', expected: 'denied', observed: 'denied', ok: true, declaredBy: [], decidedBy: [] });
  }

  // What the engine could not read must not pass for closed: unread kinds that may grant traffic,
  // and rules it reads as allowing nothing because it does not support them.
  for (const i of resourcesOf.all.ignored) {
    // the engine places objects without a namespace (cluster-scoped ones too) in `default`
    const o = objects.find((x) => x.kind === i.kind && x.apiVersion === i.apiVersion && (x.metadata as { name?: string } | undefined)?.name === i.name && ((x.metadata as { namespace?: string } | undefined)?.namespace ?? 'default') === (i.namespace ?? 'default'));
    const why = o === undefined ? 'it may allow traffic' : mayChangeTraffic(o, rootNamespace);
    if (why === undefined) continue;
    checks.push({ layer: 'all', id: `${i.kind} ${i.namespace ? `${i.namespace}/` : ''}${i.name ?? ''} is not analysed (${i.reason}), and ${why}`, expected: 'denied', observed: 'undecided', ok: false, declaredBy: [], decidedBy: [] });
  }
  for (const u of witnessed.unwitnessed) {
    checks.push({ layer: 'network', id: `${u} admits requests the proof cannot name (only literals, ., .*, [^/]*, optional parts, groups and alternatives are read), and may allow undeclared ones`, expected: 'denied', observed: 'undecided', ok: false, declaredBy: [], decidedBy: [] });
  }
  for (const u of unprobedEntities(objects)) {
    checks.push({ layer: 'network', id: `${u.where} allows the Cilium entity "${u.entity}", which no peer of the proof stands for, and may allow traffic`, expected: 'denied', observed: 'undecided', ok: false, declaredBy: [], decidedBy: [] });
  }
  for (const w of resourcesOf.all.warnings) {
    if (/allows nothing here/.test(w)) checks.push({ layer: 'all', id: `not analysed, and may allow traffic: ${w}`, expected: 'denied', observed: 'undecided', ok: false, declaredBy: [], decidedBy: [] });
  }

  const failures = checks.filter((c) => !c.ok);
  const notCovered = [
    'traffic from a workload pod to itself',
    ...(everyPort ? [] : [`Cilium and Istio policies at every port and address: ${judgements} judgements would be needed (more than ${budget}), so they were judged at each destination's declared ports and one other, from an address of each declared range and one outside them, and egress at TCP 443 and the declared egress ports (the NetworkPolicies at every port and address)`]),
    ...(m.mesh.mode === 'istio-sidecar' && meshOn ? [`the mesh layer at the ports the sidecars do not capture (${SIDECAR_OWN_PORTS.join(', ')}): Istio applies neither mTLS nor authorization there, so only the network layer restricts them (proven)`] : []),
    ...(pods.some((p) => p.ip === undefined)
      ? [`ipBlocks (NetworkPolicy) and Istio ipBlocks against pod IPs: ${(m.clusterCidrs ?? []).length === 0 ? 'the environment declares no clusterCidrs, so' : 'the clusterCidrs hold too few IPv4 addresses (or none), so some of'} the verifier's pods have no address`]
      : []),
    ...(m.mesh.mode === 'istio-ambient' ? ['Istio ambient (ztunnel) authorization and mTLS modes: the engine reports them undecided'] : []),
    ...(m.cni === 'cilium' && m.intent.egress.some((e) => 'fqdn' in e.to)
      ? [
          'other names and services at the addresses a declared FQDN egress resolves to (a shared CDN or load balancer): Cilium allows by the addresses its DNS proxy saw for the declared names, whatever name a connection is for, so they are reachable from the workloads allowed that egress; each name was probed at an address of its own',
        ]
      : []),
    ...(m.cni === 'cilium' && m.intent.flows.some((f) => f.l7 === 'cilium')
      ? ["paths as Cilium's proxy sees them: the proof assumes the agent normalises them (http-normalize-path, on by default); with it off, /api/../admin would match a rule for /api/*"]
      : []),
    ...(m.mesh.mode !== 'none' && meshOn && m.intent.flows.some((f) => f.l7 === 'istio')
      ? ["paths as the sidecar sees them and as the application reads them: Istio's default path normalization (BASE) resolves dot segments and %2E but leaves %2F, so /api/..%2Fadmin matches a rule for /api/* and an application that decodes %2F serves /admin (CVE-2021-31920); set meshConfig pathNormalization to MERGE_SLASHES or DECODE_AND_MERGE_SLASHES, or make the application refuse encoded slashes"]
      : []),
    `traffic from the nodes and host-network pods to the pods on the same node: NetworkPolicy cannot block a pod's own node (NetworkPolicy documentation, "What you can't do with network policies")${m.cni === 'cilium' ? ', and Cilium allows it by default (allow-localhost)' : ''}; not probed`,
    ...(m.cni === 'kubernetes' && [...m.intent.flows.map((f) => f.from), ...m.intent.egress.map((e) => e.to)].some((p) => 'cidr' in p)
      ? ["node addresses: traffic from host-network pods and other nodes, and NodePort or LoadBalancer traffic a node forwards with its own address, arrives from a node's IP, which an ipBlock covering it admits (only the clusterCidrs ranges are excepted); list the nodes' range in clusterCidrs too; not probed"]
      : []),
    'Services, Ingress and Gateway routing (policies are proven pod to pod)',
  ];
  return { environment: m.environment, ok: failures.length === 0, checks, failures, notCovered };
}

/**
 * The entities Cilium allow rules name that no peer of the proof stands for (the nodes, the
 * apiserver, the ingress proxy, health and unmanaged endpoints): what they admit is not judged.
 * Deny rules only take away, so they are left out.
 */
function unprobedEntities(objects: readonly Record<string, unknown>[]): { where: string; entity: string }[] {
  const out: { where: string; entity: string }[] = [];
  for (const o of objects) {
    if (o.kind !== 'CiliumNetworkPolicy' && o.kind !== 'CiliumClusterwideNetworkPolicy') continue;
    const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
    const where = `${String(o.kind)} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? ''}`;
    const specs = [o.spec, ...(Array.isArray(o.specs) ? o.specs : [])].filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object');
    for (const spec of specs) {
      for (const [section, member] of [['ingress', 'fromEntities'], ['egress', 'toEntities']] as const) {
        const rules = Array.isArray(spec[section]) ? (spec[section] as unknown[]) : [];
        for (const r of rules) {
          const entities = r !== null && typeof r === 'object' ? (r as Record<string, unknown>)[member] : undefined;
          if (!Array.isArray(entities)) continue;
          for (const e of entities) if (typeof e === 'string' && !PROBED_ENTITIES.has(e)) out.push({ where, entity: e });
        }
      }
    }
  }
  return out;
}
