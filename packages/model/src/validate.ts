import { AUDIT_LEVELS, type AuditRule } from './audit.ts';
import { cidrContains, cidrKey, cidrProblem, parseCidr, type Cidr } from './cidr.ts';
import type { Environment } from './environment.ts';
import { InputError, problemAt, type Problem } from './errors.ts';
import { egressId } from './egress.ts';
import { flowId, sourceId, type Flow, type FlowSource, type HttpRule } from './flow.ts';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue, checkPortName, checkPortNumber } from './names.ts';
import { databaseRoleOf, parseDuration, secretStoreName, type Secret } from './secret.ts';
import { publicWildcardProblem } from './fqdn.ts';
import { unknownKeys } from './unknown-keys.ts';
import type { SourceLocation } from './source.ts';
import { portOf, svidSecretName, workloadId, type MtlsMode, type Port, type Workload } from './workload.ts';

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);
const APP_PROTOCOLS = new Set(['http', 'grpc', 'tcp']);
const MTLS_MODES = new Set(['STRICT', 'PERMISSIVE', 'DISABLE']);
/**
 * Ports Istio's proxies take in every pod of the mesh (istio.io, "Ports used by Istio"): the
 * sidecar's admin, outbound, debug, inbound, HBONE, merged metrics, health, DNS and Envoy stats
 * ports; ambient's ztunnel listens in the pod's network namespace on its outbound, inbound, HBONE
 * and DNS ports. A workload cannot serve them, and the sidecar captures none of 15020, 15021 and
 * 15090, so no mTLS or authorization would apply there.
 */
const ISTIO_PORTS: Readonly<Record<'istio-sidecar' | 'istio-ambient', ReadonlySet<number>>> = {
  'istio-sidecar': new Set([15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090]),
  'istio-ambient': new Set([15001, 15006, 15008, 15053]),
};
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
/** Namespaces Istio's sidecar injector never injects (its ignored namespaces), whatever their labels. */
const UNINJECTED_NAMESPACES = new Set(['kube-system', 'kube-public']);
/** Namespaces that run the cluster itself: default deny there would break it. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'default']);
/** A path is exact, or a prefix ending in `/*`; only URL path characters. */
const HTTP_PATH = /^\/[A-Za-z0-9\-._~!$&'()+,;=:@%/]*(\/\*)?$/;
const FQDN = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
/**
 * Workload names that would give a workload's objects the names of ztp's own namespace-wide ones
 * (same kind, same namespace), so the bundle could not be built.
 */
const RESERVED_WORKLOAD_NAMES: ReadonlyMap<string, string> = new Map([
  ['allow-nothing', 'AuthorizationPolicy ztp-allow-nothing'],
  ['namespace', 'NetworkPolicy ztp-namespace-egress and CiliumNetworkPolicy ztp-namespace-fqdn'],
]);

/**
 * API permissions that let a workload act as another service account of its namespace: run code
 * under it (pods, or the controllers that create them, name their service account freely; exec,
 * attach and ephemeral containers enter pods that run under it) or mint its tokens. Through that
 * account it would get another workload's mesh identity, certificate, Vault role and secrets.
 */
const ACTS_AS_OTHERS: readonly { readonly group: string; readonly resources: readonly string[]; readonly verbs: readonly string[]; readonly how: string }[] = [
  { group: '', resources: ['pods', 'replicationcontrollers'], verbs: ['create', 'update', 'patch'], how: 'create pods that run as any service account' },
  { group: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['create', 'update', 'patch'], how: 'create workloads whose pods run as any service account' },
  { group: 'batch', resources: ['jobs', 'cronjobs'], verbs: ['create', 'update', 'patch'], how: 'create jobs whose pods run as any service account' },
  { group: '', resources: ['pods/exec', 'pods/attach'], verbs: ['create', 'get'], how: 'run commands in any pod' },
  { group: '', resources: ['pods/ephemeralcontainers'], verbs: ['update', 'patch'], how: 'add containers to any pod' },
  { group: '', resources: ['serviceaccounts/token'], verbs: ['create'], how: "mint any service account's tokens" },
  // External Secrets logs in to Vault as the service account a store or generator names, and an
  // ExternalSecret may name any store of its namespace or merge into any Secret
  // (a PushSecret copies any Secret of its namespace out to a store)
  { group: 'external-secrets.io', resources: ['externalsecrets', 'secretstores', 'pushsecrets'], verbs: ['create', 'update', 'patch'], how: "point an ExternalSecret at another workload's store, make a store that logs in to Vault as any service account, or push another workload's Secret out" },
  // every generator kind authenticates as a service account it names ('*': any resource of the group)
  { group: 'generators.external-secrets.io', resources: ['*'], verbs: ['create', 'update', 'patch'], how: 'make a generator that logs in as any service account' },
  // cert-manager's default approver signs what a Certificate or CertificateRequest asks for
  { group: 'cert-manager.io', resources: ['certificates', 'certificaterequests'], verbs: ['create', 'update', 'patch'], how: "request a certificate for any workload's SPIFFE identity" },
];

/**
 * API permissions that would undo what ztp proves, whoever else shares the namespace: reach pods'
 * ports through the API server (past every network and mesh policy), change or remove the
 * policies, or grant itself more.
 */
const UNDOES_PROOFS: readonly { readonly group: string; readonly resources: readonly string[]; readonly verbs: readonly string[]; readonly how: string }[] = [
  { group: '', resources: ['pods/portforward', 'pods/proxy', 'services/proxy'], verbs: [...VERBS], how: "reach pods' ports through the API server, past every network and mesh policy" },
  { group: 'networking.k8s.io', resources: ['networkpolicies'], verbs: ['create', 'update', 'patch', 'delete'], how: 'change or remove the NetworkPolicies ztp proves' },
  { group: 'cilium.io', resources: ['ciliumnetworkpolicies'], verbs: ['create', 'update', 'patch', 'delete'], how: 'change or remove the Cilium policies ztp proves' },
  { group: 'security.istio.io', resources: ['authorizationpolicies', 'peerauthentications', 'requestauthentications'], verbs: ['create', 'update', 'patch', 'delete'], how: 'change or remove the Istio policies ztp proves' },
  { group: 'networking.istio.io', resources: ['envoyfilters', 'sidecars'], verbs: ['create', 'update', 'patch', 'delete'], how: "rewrite the sidecars' configuration, past the Istio policies ztp proves" },
  { group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings'], verbs: ['create', 'update', 'patch', 'delete'], how: 'grant itself (or anyone) more than its apiAccess' },
];

/** How `perm` undoes what ztp proves, or undefined. */
function undoesProofs(perm: Workload['apiAccess'][number]): string | undefined {
  const g = UNDOES_PROOFS.find((x) => perm.apiGroups.includes(x.group) && perm.verbs.some((v) => x.verbs.includes(v)) && perm.resources.some((r) => x.resources.includes(r)));
  return g?.how;
}

/** How `perm` lets workload `w` act as another service account of its namespace, or undefined. */
function actsAsOthers(w: Workload, perm: Workload['apiAccess'][number]): string | undefined {
  for (const g of ACTS_AS_OTHERS) {
    if (!perm.apiGroups.includes(g.group) || !perm.verbs.some((v) => g.verbs.includes(v))) continue;
    const resources = perm.resources.filter((r) => g.resources.includes('*') || g.resources.includes(r));
    // tokens can be limited to its own service account by name; pods and their controllers cannot
    const own = (r: string) => r === 'serviceaccounts/token' && perm.resourceNames !== undefined && perm.resourceNames.length > 0 && perm.resourceNames.every((n) => n === w.serviceAccount);
    if (resources.some((r) => !own(r))) return g.how;
  }
  return undefined;
}

/** The mTLS mode in force on a workload's port: its own override, else the mesh's. */
export function effectiveMtls(env: Environment, port: Port): MtlsMode | undefined {
  if (env.mesh.mode === 'none') return undefined;
  return port.mtls ?? env.mesh.mtls;
}

/**
 * Who enforces a flow's HTTP rules in this environment, or why nobody can. Never silently
 * "nobody": a flow whose HTTP rules cannot be enforced would be allowed wider than declared.
 *
 * Istio enforces HTTP rules per caller only where mTLS gives it the caller's identity: on a port
 * whose effective mTLS is DISABLE its rules cannot name the caller, so one caller's rules would
 * admit every caller of the port. There Cilium (which names the caller in the same rule) is the
 * only per-caller enforcer, so `auto` picks it, and `istio` is refused. Under istio-ambient,
 * meshed traffic travels inside HBONE tunnels that Cilium cannot read, so `cilium` is refused.
 */
export function l7EnforcerOf(env: Environment, f: Flow): { enforcer: 'cilium' | 'istio' } | { error: string } {
  const modes = f.ports.flatMap((name) => {
    const port = portOf(f.to, name);
    return port === undefined ? [] : [{ name, port, mode: effectiveMtls(env, port) }];
  });
  const describe = (ps: typeof modes) => ps.map((p) => `"${p.name}" (${p.port.port})`).join(', ');
  const plaintext = modes.filter((p) => p.mode === 'DISABLE');
  const encrypted = modes.filter((p) => p.mode === 'STRICT' || p.mode === 'PERMISSIVE');
  if (plaintext.length > 0 && encrypted.length > 0) {
    return { error: `HTTP rules on ports with mTLS (${describe(encrypted)}) and without (${describe(plaintext)}) in one flow: Istio can tell callers apart only with mTLS, and Cilium cannot read encrypted traffic, so no enforcer can apply these rules to all of them; split the flow into one for the mTLS ports and one (with l7: 'cilium') for the ports whose mtls is 'DISABLE'` };
  }
  let wanted: 'cilium' | 'istio';
  if (f.l7 !== 'auto') wanted = f.l7;
  else if (env.mesh.mode === 'none') wanted = 'cilium';
  else if (env.mesh.mode === 'istio-sidecar' && plaintext.length > 0) {
    if (env.cni !== 'cilium') {
      return { error: `HTTP rules on port ${describe(plaintext)}, whose mTLS is DISABLE, cannot be enforced per caller: without mTLS Istio does not know who calls, so each caller's rules would admit every caller of the port, and Cilium L7 needs cni 'cilium' (this environment has '${env.cni}'); set that port's mtls to 'STRICT' or 'PERMISSIVE', or use the Cilium CNI, or drop the HTTP rules` };
    }
    wanted = 'cilium';
  } else wanted = 'istio';
  if (wanted === 'istio') {
    if (env.mesh.mode === 'none') return { error: `HTTP rules with l7: 'istio' need a mesh, and this environment has none; use l7: 'cilium' with the Cilium CNI` };
    if (env.mesh.mode === 'istio-ambient') return { error: `HTTP rules under istio-ambient need a waypoint proxy, which ztp does not emit; ztunnel would turn this ALLOW into a DENY. Drop the HTTP rules or use the istio-sidecar mesh` };
    if (plaintext.length > 0) {
      return { error: `Istio cannot enforce HTTP rules on port ${describe(plaintext)} because its mTLS is DISABLE: without a peer identity its rules cannot name the caller, so this flow's requests would be allowed to every caller of the port; use l7: 'cilium' (with cni 'cilium'), or set that port's mtls to 'STRICT' or 'PERMISSIVE'` };
    }
    if (env.phase < 2) return { error: `HTTP rules are enforced by Istio, whose layer starts in rollout phase 2, and this environment is in phase ${env.phase}; raise the phase, or drop the HTTP rules until then (otherwise the port would be open to every method and path)` };
    return { enforcer: 'istio' };
  }
  if (env.mesh.mode === 'istio-ambient') {
    return { error: `a Cilium HTTP rule cannot apply under istio-ambient: ztunnel carries meshed traffic inside HBONE tunnels (mTLS to port 15008), so Cilium never sees the requests; drop the HTTP rules (ztp emits no waypoint for ambient), or use the istio-sidecar mesh` };
  }
  if (env.cni !== 'cilium') return { error: `HTTP rules need the Cilium CNI or an Istio sidecar mesh; this environment has cni '${env.cni}' and mesh '${env.mesh.mode}', so the port would be open to every method and path` };
  const first = encrypted[0];
  if (first !== undefined) {
    return { error: `a Cilium HTTP rule cannot apply on port "${first.name}" (${first.port.port}) because Istio mTLS is ${first.mode} there and Cilium cannot read encrypted traffic; use l7: 'istio', or set that port's mtls to 'DISABLE'` };
  }
  return { enforcer: 'cilium' };
}

/** The object a problem is about: its name, or a function that names it (when naming costs work most inputs never need). */
type ObjectName = string | (() => string);

class Collector {
  readonly problems: Problem[] = [];
  add(at: SourceLocation, object: ObjectName, message: string | undefined): void {
    if (message !== undefined) this.problems.push(problemAt(at, typeof object === 'string' ? object : object(), message));
  }
}

function checkLabels(c: Collector, at: SourceLocation, object: string, labels: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(labels)) {
    c.add(at, object, checkLabelKey(k));
    c.add(at, object, typeof v === 'string' ? checkLabelValue(v) : `label "${k}" must have a string value`);
  }
}

/**
 * Label keys a CNI sets on every pod itself, whatever the pod says: Cilium strips pod labels under
 * `io.cilium.k8s.` and sets `io.kubernetes.pod.namespace` and `io.cilium.k8s.policy.*` from the
 * pod's namespace and service account (its identity labels, which every selector is matched
 * against). As a selector such a key picks every pod of a namespace, or pods by service account.
 */
function reservedSelectorKey(key: string): boolean {
  return key === 'io.kubernetes.pod.namespace' || key.startsWith('io.cilium.k8s.');
}

/** `checkLabels` for labels that become a pod selector: also refuses the keys CNIs set themselves. */
function checkSelectorLabels(c: Collector, at: SourceLocation, object: string, labels: Readonly<Record<string, string>>, what: string): void {
  checkLabels(c, at, object, labels);
  for (const k of Object.keys(labels)) {
    if (reservedSelectorKey(k)) c.add(at, object, `${what}: label "${k}" is set by Cilium on every pod from its namespace or service account, not by the pod, so as a selector it would pick every pod of the namespace (or every pod of a service account); select by the pod's own labels`);
  }
}

function isSubset(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return Object.entries(a).every(([k, v]) => b[k] === v);
}

/** The declared cluster ranges that parse (the others are reported by validateSettings). */
function clusterRanges(env: Environment): { text: string; cidr: Cidr }[] {
  return (env.clusterCidrs ?? []).flatMap((text) => {
    const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
    return cidr === undefined ? [] : [{ text, cidr }];
  });
}

const CLUSTER_CIDRS_EXAMPLE = `clusterCidrs: ['10.244.0.0/16', '10.96.0.0/12']`;

/**
 * The problems of the CIDR callers or destinations (`fromCidr`, `toCidr`) of one flow or egress:
 * with cni 'kubernetes' an ipBlock also matches pod IPs, so the cluster's own ranges must be
 * declared (ztp excepts them); and a CIDR inside a cluster range could only ever match the
 * cluster's own addresses.
 */
function checkCidrPeers(env: Environment, c: Collector, at: SourceLocation, obj: ObjectName, cidrs: readonly string[], role: 'callers' | 'destination'): void {
  if (cidrs.length === 0) return;
  const ranges = clusterRanges(env);
  if (env.cni === 'kubernetes' && (env.clusterCidrs ?? []).length === 0) {
    const reach = role === 'callers' ? 'would also admit in-cluster pods whose IPs lie in it' : 'would also let the callers reach in-cluster pods whose IPs lie in it';
    c.add(
      at,
      obj,
      `with cni 'kubernetes' a NetworkPolicy ipBlock also matches pod IPs (only Cilium keeps CIDR rules off pods), so ${cidrs.join(', ')} ${reach}, such as every pod of a namespace ztp does not manage; declare the cluster's pod and service ranges on the environment (e.g. ${CLUSTER_CIDRS_EXAMPLE}) so ztp excepts them`,
    );
  }
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr === undefined) continue; // reported by the caller
    if (env.cni === 'kubernetes' && ranges.length > 0 && !ranges.some((r) => r.cidr.family === cidr.family)) {
      // ztp can except only the ranges it is told of: a dual-stack cluster's IPv6 pods would match
      c.add(at, obj, `${text} is an IPv${cidr.family} range, and clusterCidrs has none: with cni 'kubernetes' an ipBlock also matches pod IPs, so ztp must except the cluster's IPv${cidr.family} pod and service ranges; add them to clusterCidrs, or drop ${text} if the cluster has no IPv${cidr.family} addresses`);
    }
    const range = ranges.find((r) => cidrContains(r.cidr, cidr));
    if (range === undefined) continue;
    const why =
      env.cni === 'cilium'
        ? `Cilium's CIDR rules never match pods, so it would match nothing`
        : `it could match only the cluster's own pods and services, never an address outside the cluster`;
    const instead = role === 'callers' ? `name in-cluster callers with a workload or fromNamespace()` : `reach in-cluster workloads with a flow instead`;
    c.add(at, obj, `${text} lies inside the cluster range ${range.text} (clusterCidrs): ${why}; ${instead}, or correct clusterCidrs`);
  }
}

function validateSettings(env: Environment, c: Collector): void {
  const at = env.at;
  const obj = `environment ${env.name}`;
  c.add(at, obj, checkDnsLabel(env.name));
  c.add(at, obj, env.cluster === env.name ? undefined : checkDnsLabel(env.cluster));
  c.add(at, obj, checkDnsSubdomain(env.trustDomain) && `trust domain ${checkDnsSubdomain(env.trustDomain)}`);
  if (env.cni !== 'cilium' && env.cni !== 'kubernetes') c.add(at, obj, `cni must be 'cilium' or 'kubernetes', not '${String(env.cni)}'`);
  const seenRanges = new Set<string>();
  for (const text of env.clusterCidrs ?? []) {
    const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
    if (cidr === undefined) {
      c.add(at, obj, `clusterCidrs: ${cidrProblem(String(text), '10.244.0.0/16 for the pods, 10.96.0.0/12 for the services')}`);
      continue;
    }
    const key = cidrKey(cidr);
    if (seenRanges.has(key)) c.add(at, obj, `clusterCidrs lists ${text} twice`);
    seenRanges.add(key);
  }
  if (!['istio-sidecar', 'istio-ambient', 'none'].includes(env.mesh?.mode)) c.add(at, obj, `mesh.mode must be 'istio-sidecar', 'istio-ambient' or 'none'; build it with istioMesh() or noMesh() from @ztp/policy-mesh`);
  else if (!MTLS_MODES.has(env.mesh.mtls)) c.add(at, obj, `mesh.mtls must be STRICT, PERMISSIVE or DISABLE, not '${String(env.mesh.mtls)}'`);
  else if (env.mesh.mode === 'istio-ambient' && env.mesh.mtls === 'DISABLE') {
    // Istio's PeerAuthentication reference: ztunnel and HBONE always use mTLS, "DISABLE mode is not
    // supported" in ambient. ztp would drop the callers' identities from its AuthorizationPolicies
    // while HBONE still lets every peer reach every authorized port: a wrong allow.
    c.add(at, obj, `mesh.mtls 'DISABLE' is not supported by Istio ambient (PeerAuthentication reference: ztunnel and HBONE always use mTLS, so "DISABLE mode is not supported"), and ztp would then drop the callers' identities from its authorization; use mtls 'STRICT' (or 'PERMISSIVE' while migrating), or the istio-sidecar mesh`);
  }
  if (env.mesh?.mode !== 'none' && env.mesh?.istiodNamespace !== undefined) c.add(at, obj, checkDnsLabel(env.mesh.istiodNamespace));
  if (env.mesh?.mode !== 'none' && env.mesh !== undefined) {
    const labels = env.mesh.istiodLabels ?? {};
    if (Object.keys(labels).length === 0) c.add(at, obj, `mesh.istiodLabels must not be empty: an empty selector would open port 15012 from every managed pod to every pod of ${env.mesh.istiodNamespace} (gateways included); name istiod's labels (e.g. { app: 'istiod' })`);
    checkSelectorLabels(c, at, obj, labels, 'mesh.istiodLabels');
  }
  if (env.enforcement !== 'audit' && env.enforcement !== 'enforce') c.add(at, obj, `enforcement must be 'audit' or 'enforce', not '${String(env.enforcement)}'`);
  if (![1, 2, 3, 4].includes(env.phase)) c.add(at, obj, `phase must be 1, 2, 3 or 4, not ${String(env.phase)}`);
  if (!env.dns) c.add(at, obj, `dns is required; use kubeDns() from @ztp/policy-network-baseline`);
  else {
    c.add(at, obj, checkDnsLabel(env.dns.namespace));
    c.add(at, obj, checkPortNumber(env.dns.port));
    if (Object.keys(env.dns.podLabels).length === 0) c.add(at, obj, `dns.podLabels must not be empty: an empty selector would open port ${env.dns.port} to every pod`);
    checkSelectorLabels(c, at, obj, env.dns.podLabels, 'dns.podLabels');
  }
  if (env.mesh?.mode === 'none' && env.phase >= 2 && env.certificates === undefined) {
    c.add(at, obj, `without a mesh, phase ${env.phase} issues each workload a SPIFFE certificate: set certificates (issuer, duration, renewBefore)`);
  }
  if (env.certificates) {
    const d = parseDuration(env.certificates.duration);
    const r = parseDuration(env.certificates.renewBefore);
    if (d === undefined) c.add(at, obj, `certificates.duration "${env.certificates.duration}" is not a duration like 1h or 90m`);
    else if (d < 3600) c.add(at, obj, `certificates.duration ${env.certificates.duration} is below cert-manager's minimum of 1h`);
    if (r === undefined) c.add(at, obj, `certificates.renewBefore "${env.certificates.renewBefore}" is not a duration like 30m`);
    else if (r < 300) c.add(at, obj, `certificates.renewBefore ${env.certificates.renewBefore} is below cert-manager's minimum of 5m`);
    if (d !== undefined && r !== undefined && r >= d) c.add(at, obj, `certificates.renewBefore (${env.certificates.renewBefore}) must be shorter than certificates.duration (${env.certificates.duration})`);
    c.add(at, obj, checkDnsSubdomain(env.certificates.issuer.name));
  }
}

function validateNamespaces(env: Environment, c: Collector): Set<string> {
  const managed = new Set<string>();
  for (const ns of env.namespaces) {
    const obj = `namespace ${ns.name}`;
    c.add(env.at, obj, checkDnsLabel(ns.name));
    if (managed.has(ns.name)) c.add(env.at, obj, `is listed twice in namespaces`);
    if (SYSTEM_NAMESPACES.has(ns.name) || ns.name === env.dns?.namespace || (env.mesh?.mode !== 'none' && ns.name === env.mesh?.istiodNamespace)) {
      c.add(env.at, obj, `ztp does not manage "${ns.name}": default deny there would cut the cluster's own services (DNS, mesh control plane); put workloads in namespaces of their own`);
    }
    checkLabels(c, env.at, obj, ns.labels);
    managed.add(ns.name);
  }
  return managed;
}

function validateWorkloads(env: Environment, managed: Set<string>, c: Collector): Map<string, Workload> {
  const byId = new Map<string, Workload>();
  for (const w of env.workloads) {
    const id = workloadId(w);
    const obj = `workload ${id}`;
    c.add(w.at, obj, checkDnsLabel(w.name));
    const reserved = RESERVED_WORKLOAD_NAMES.get(w.name);
    if (reserved !== undefined) c.add(w.at, obj, `the name "${w.name}" is reserved: this workload's policies would take the names of ztp's own namespace-wide ${reserved}, so the bundle could not be built; rename the workload`);
    if (!managed.has(w.namespace)) c.add(w.at, obj, `namespace "${w.namespace}" is not one of the environment's namespaces (${[...managed].join(', ') || 'none'}); add it to namespaces`);
    if (byId.has(id)) c.add(w.at, obj, `is declared twice; workload names must be unique within a namespace`);
    byId.set(id, w);
    c.add(w.at, obj, checkDnsSubdomain(w.serviceAccount) && `service account ${checkDnsSubdomain(w.serviceAccount)}`);
    if (w.serviceAccount === 'default') {
      c.add(w.at, obj, `service account "default" is the one every pod of the namespace runs as when it names none, so every undeclared pod would get this workload's identity, API access and secrets; give the workload a service account of its own (serviceAccount, which defaults to the workload's name)`);
    }
    if (Object.keys(w.labels).length === 0) c.add(w.at, obj, `labels must not be empty: an empty selector would select every pod of the namespace`);
    checkSelectorLabels(c, w.at, obj, w.labels, 'labels');
    const seen = new Map<string, string>();
    for (const p of Object.values<Port>(w.ports)) {
      c.add(w.at, obj, checkPortName(p.name));
      c.add(w.at, obj, checkPortNumber(p.port) && `port "${p.name}": ${checkPortNumber(p.port)}`);
      if (!PROTOCOLS.has(p.protocol)) c.add(w.at, obj, `port "${p.name}": protocol must be TCP, UDP or SCTP, not '${p.protocol}'`);
      if (!APP_PROTOCOLS.has(p.appProtocol)) c.add(w.at, obj, `port "${p.name}": appProtocol must be http, grpc or tcp, not '${p.appProtocol}'`);
      if (p.appProtocol !== 'tcp' && p.protocol !== 'TCP') c.add(w.at, obj, `port "${p.name}": appProtocol ${p.appProtocol} needs protocol TCP`);
      if (p.mtls !== undefined && !MTLS_MODES.has(p.mtls)) c.add(w.at, obj, `port "${p.name}": mtls must be STRICT, PERMISSIVE or DISABLE`);
      // PeerAuthentication's portLevelMtls is keyed by port number alone, and Istio captures TCP only
      if (p.mtls !== undefined && p.protocol !== 'TCP') c.add(w.at, obj, `port "${p.name}": mtls applies to TCP ports only (Istio does not capture ${p.protocol}, and its per-port mTLS is keyed by number, so it would also change a TCP port ${p.port}); remove it`);
      if (p.mtls !== undefined && env.mesh?.mode === 'none') c.add(w.at, obj, `port "${p.name}": mtls is set but the environment has no mesh`);
      if (p.mtls !== undefined && env.mesh?.mode === 'istio-ambient') c.add(w.at, obj, `port "${p.name}": per-port mtls is not supported by Istio ambient (ztunnel applies one mode per workload); remove it`);
      const meshMode = env.mesh?.mode;
      // TCP ports only (the proxies capture TCP), but for the DNS proxy's 15053, which serves UDP too
      if ((meshMode === 'istio-sidecar' || meshMode === 'istio-ambient') && ISTIO_PORTS[meshMode].has(p.port) && (p.protocol === 'TCP' || p.port === 15053)) {
        c.add(w.at, obj, `port "${p.name}": ${p.port} is one of the ports Istio's ${meshMode === 'istio-sidecar' ? 'sidecar' : 'ztunnel'} takes in every pod of the mesh (${[...ISTIO_PORTS[meshMode]].join(', ')}); serve the workload on another port`);
      }
      const key = `${p.protocol}/${p.port}`;
      const other = seen.get(key);
      if (other !== undefined) c.add(w.at, obj, `ports "${other}" and "${p.name}" are both ${key}`);
      seen.set(key, p.name);
    }
    for (const img of w.images) if (typeof img !== 'string' || img.trim() === '' || /\s/.test(img)) c.add(w.at, obj, `image ${JSON.stringify(img)} is not an image reference`);
    for (const perm of w.apiAccess) {
      const all = [...perm.apiGroups, ...perm.resources, ...perm.verbs, ...(perm.resourceNames ?? [])];
      if (all.some((s) => s.includes('*'))) c.add(w.at, obj, `apiAccess may not use '*' (least privilege): name the groups, resources and verbs`);
      if (perm.resources.length === 0 || perm.verbs.length === 0) c.add(w.at, obj, `apiAccess entries need at least one resource and one verb`);
      for (const v of perm.verbs) if (!VERBS.has(v)) c.add(w.at, obj, `apiAccess verb '${v}' is not one of ${[...VERBS].join(', ')}`);
      const undoes = undoesProofs(perm);
      if (undoes !== undefined) c.add(w.at, obj, `apiAccess to ${perm.resources.join(', ')} (${perm.verbs.join(', ')}) lets it ${undoes}; ztp grants no workload that: leave it to the platform's own tooling`);
      // RBAC reads an empty resourceNames as "every object" (ResourceNameMatches), the opposite of what it says.
      if (perm.resourceNames !== undefined && perm.resourceNames.length === 0) {
        c.add(w.at, obj, `apiAccess resourceNames: [] names nothing, but Kubernetes RBAC would read it as every object of ${perm.resources.join(', ') || 'the resources'}; omit resourceNames to allow every object, or list the names`);
      }
    }
  }
  // Least privilege per workload: no workload may take another's identity through the API.
  // Only the few workloads with such access look at their namespace (no pass over every pair).
  for (const w of byId.values()) {
    const grants = w.apiAccess.flatMap((perm) => {
      const how = actsAsOthers(w, perm);
      return how === undefined ? [] : [{ perm, how }];
    });
    if (grants.length === 0) continue;
    const others = [...byId.values()].filter((o) => o !== w && o.namespace === w.namespace && o.serviceAccount !== w.serviceAccount);
    if (others.length === 0) continue;
    for (const { perm, how } of grants) {
      const token = perm.resources.includes('serviceaccounts/token') ? `, or (for serviceaccounts/token) list only its own service account "${w.serviceAccount}" in resourceNames` : '';
      c.add(w.at, `workload ${workloadId(w)}`, `apiAccess to ${perm.resources.join(', ')} (${perm.verbs.join(', ')}) lets it ${how} in namespace ${w.namespace}, so it could act as ${others.map(workloadId).join(', ')} and take their identities, certificates, Vault roles and secrets; put this workload in a namespace of its own${token}`);
    }
  }
  // Selectors and identities must be unambiguous within a namespace, or a rule for one workload
  // would also apply to another: a wrong allow.
  // Only pairs that could clash are compared: in the same namespace, sharing a's rarest label or
  // its service account (every workload b whose labels a's select has all of a's labels). In the
  // order of comparing every pair, so the problems read the same.
  const list = [...byId.values()];
  const index = new Map<string, number[]>();
  const post = (key: string, i: number) => {
    const l = index.get(key);
    if (l === undefined) index.set(key, [i]);
    else l.push(i);
  };
  list.forEach((w, i) => {
    post(JSON.stringify(['ns', w.namespace]), i);
    for (const [k, v] of Object.entries(w.labels)) post(JSON.stringify(['label', w.namespace, k, v]), i);
    post(JSON.stringify(['sa', w.namespace, w.serviceAccount]), i);
  });
  const none: number[] = [];
  for (const a of list) {
    // no labels (or a value that is not a string, reported above): every workload of the namespace
    let rarest: number[] | undefined;
    const entries = Object.entries(a.labels);
    if (entries.length === 0 || entries.some(([, v]) => typeof v !== 'string')) rarest = index.get(JSON.stringify(['ns', a.namespace]));
    else
      for (const [k, v] of entries) {
        const l = index.get(JSON.stringify(['label', a.namespace, k, v])) ?? none;
        if (rarest === undefined || l.length < rarest.length) rarest = l;
      }
    const candidates = new Set([...(rarest ?? none), ...(index.get(JSON.stringify(['sa', a.namespace, a.serviceAccount])) ?? none)]);
    for (const j of [...candidates].sort((x, y) => x - y)) {
      const b = list[j]!;
      if (a === b || a.namespace !== b.namespace) continue;
      if (isSubset(a.labels, b.labels)) {
        c.add(a.at, `workload ${workloadId(a)}`, `its labels ${JSON.stringify(a.labels)} also select the pods of ${workloadId(b)}, so its policies would apply to both; add a label that tells them apart`);
      }
      if (a.serviceAccount === b.serviceAccount && workloadId(a) < workloadId(b)) {
        c.add(b.at, `workload ${workloadId(b)}`, `shares service account "${a.serviceAccount}" with ${workloadId(a)}: both would have the same identity, so a caller allowed to one is allowed to the other; give each workload its own service account`);
      }
    }
  }
  return byId;
}

function checkHttpRules(c: Collector, at: SourceLocation, obj: ObjectName, rules: readonly HttpRule[]): void {
  if (rules.length === 0) c.add(at, obj, `http: [] allows no request at all; remove http for an L4-only flow, or list the allowed requests`);
  for (const r of rules) {
    if (r === null || typeof r !== 'object') {
      c.add(at, obj, `HTTP rule ${JSON.stringify(r)} is not an object like { methods: ['GET'], paths: ['/api/*'] }`);
      continue;
    }
    // (a misspelt key is reported by the flow's own unknown keys, and is the cause then)
    if (r.methods === undefined && r.paths === undefined && unknownKeys(r, ['methods', 'paths']).length === 0) {
      c.add(at, obj, `an HTTP rule with neither methods nor paths allows every request; remove http for an L4-only flow, or name the methods or paths`);
    }
    if (r.methods !== undefined) {
      if (r.methods.length === 0) c.add(at, obj, `http methods: [] matches nothing; omit methods to allow any method`);
      for (const m of r.methods) if (!METHODS.has(m)) c.add(at, obj, `HTTP method '${m}' is not one of ${[...METHODS].join(', ')}`);
    }
    if (r.paths !== undefined) {
      if (r.paths.length === 0) c.add(at, obj, `http paths: [] matches nothing; omit paths to allow any path`);
      for (const p of r.paths) if (!HTTP_PATH.test(p)) c.add(at, obj, `HTTP path "${p}" must start with '/' and be exact, or a prefix ending in '/*' (e.g. /api/*)`);
    }
  }
}

/**
 * A flow's caller or an egress destination with properties its builder does not make (a cast or
 * plain JavaScript): dropping them silently could allow more than they say (a namespace caller
 * with pod labels would admit every pod of the namespace).
 */
function unknownSourceKeys(c: Collector, at: SourceLocation, obj: ObjectName, value: object, known: readonly string[], builder: string): void {
  for (const k of unknownKeys(value, known)) c.add(at, obj, `${builder} has no property '${k}', and ztp would ignore it; build it with ${builder}`);
}

function validateFlows(env: Environment, byId: Map<string, Workload>, c: Collector): void {
  // the environment's workloads, one per id (what byId holds): a flow must name these very objects
  const known = new Set(byId.values());
  // (caller, destination, port) declared without and with HTTP rules; callers that are workloads
  // are keyed by the object (known ones are unique by id), others by their id
  const l4 = new Map<unknown, Map<Workload, Set<string>>>();
  const l7 = new Map<unknown, Map<Workload, Set<string>>>();
  // a CIDR by its range, however it is written (::/0 and 0::/0)
  const keyOf = (s: FlowSource): unknown => {
    if (s.type === 'workload') return s;
    const cidr = s.type === 'cidr' ? parseCidr(s.cidr) : undefined;
    return cidr !== undefined ? `cidr ${cidrKey(cidr)}` : sourceId(s);
  };
  const declared = (seen: typeof l4, s: FlowSource, to: Workload, p: string) => seen.get(keyOf(s))?.get(to)?.has(p) === true;
  const declare = (seen: typeof l4, s: FlowSource, to: Workload, p: string) => {
    const key = keyOf(s);
    let byTo = seen.get(key);
    if (byTo === undefined) seen.set(key, (byTo = new Map()));
    let ports = byTo.get(to);
    if (ports === undefined) byTo.set(to, (ports = new Set()));
    ports.add(p);
  };
  for (const f of env.flows) {
    let name: string | undefined;
    const obj = () => (name ??= flowId(f));
    const to = f.to;
    if (!known.has(to)) {
      c.add(f.at, obj, `destination ${workloadId(f.to)} is not one of the environment's workloads; add it to workloads`);
      continue;
    }
    if (f.from.length === 0) c.add(f.at, obj, `from is empty; name at least one caller`);
    for (const s of f.from) {
      if (s.type === 'workload') {
        if (!known.has(s)) c.add(f.at, obj, `caller ${workloadId(s)} is not one of the environment's workloads; add it to workloads, or use fromNamespace() for pods ztp does not manage`);
      } else if (s.type === 'namespace') {
        c.add(f.at, obj, checkDnsLabel(s.namespace));
        unknownSourceKeys(c, f.at, obj, s, ['type', 'namespace'], 'fromNamespace()');
      } else if (s.type === 'cidr') {
        c.add(f.at, obj, cidrProblem(s.cidr));
        unknownSourceKeys(c, f.at, obj, s, ['type', 'cidr'], 'fromCidr()');
      } else {
        c.add(f.at, obj, `unknown caller ${JSON.stringify(s)}; use a workload, fromNamespace() or fromCidr()`);
      }
    }
    if (f.ports.length === 0) c.add(f.at, obj, `ports is empty; name at least one port of ${workloadId(to)}`);
    for (const p of f.ports) {
      if (portOf(to, p) === undefined) c.add(f.at, obj, `port "${p}" is not a port of ${workloadId(to)} (its ports: ${Object.keys(to.ports).join(', ') || 'none'})`);
    }
    if (new Set(f.ports).size !== f.ports.length) c.add(f.at, obj, `lists a port twice`);
    if (!['auto', 'cilium', 'istio'].includes(f.l7)) c.add(f.at, obj, `l7 must be 'auto', 'cilium' or 'istio'`);
    if (f.http !== undefined) {
      checkHttpRules(c, f.at, obj, f.http);
      for (const p of f.ports) {
        const port = portOf(to, p);
        if (port && port.appProtocol === 'tcp') c.add(f.at, obj, `HTTP rules on port "${p}", which is not an HTTP port; set appProtocol 'http' or 'grpc' on it, or drop the HTTP rules`);
      }
      if (f.ports.every((p) => portOf(to, p) !== undefined)) {
        const e = l7EnforcerOf(env, f);
        if ('error' in e) c.add(f.at, obj, e.error);
      }
    }
    checkCidrPeers(env, c, f.at, obj, f.from.flatMap((s) => (s.type === 'cidr' ? [s.cidr] : [])), 'callers');
    const meshOn = env.mesh?.mode !== 'none' && env.phase >= 2;
    for (const s of f.from) {
      if (s.type !== 'cidr' || !meshOn) continue;
      for (const p of f.ports) {
        const port = portOf(to, p);
        const mode = port && effectiveMtls(env, port);
        if (mode === 'STRICT') {
          c.add(f.at, obj, `callers from ${s.cidr} are outside the mesh, and mTLS is STRICT on port "${p}", so they could never connect; route them through an ingress gateway (fromNamespace) or set that port's mtls`);
        }
        // (cni 'kubernetes' asks for clusterCidrs already, for the NetworkPolicy ipBlock)
        if (mode === 'PERMISSIVE' && env.cni !== 'kubernetes') {
          const family = parseCidr(s.cidr)?.family;
          const ranges = clusterRanges(env);
          if (ranges.length === 0) {
            c.add(f.at, obj, `an Istio AuthorizationPolicy ipBlock matches the calling pod's own IP, whatever the CNI, so on port "${p}" (PERMISSIVE) ${s.cidr} would admit at the mesh layer every meshed pod whose IP lies in it; declare the cluster's pod and service ranges on the environment (e.g. ${CLUSTER_CIDRS_EXAMPLE}) so ztp excepts them (notIpBlocks)`);
          } else if (family !== undefined && !ranges.some((r) => r.cidr.family === family)) {
            c.add(f.at, obj, `${s.cidr} is an IPv${family} range, and clusterCidrs has none: an Istio AuthorizationPolicy ipBlock matches the calling pod's own IP, so on port "${p}" (PERMISSIVE) a dual-stack cluster's meshed pods would be admitted by their IPv${family} addresses; add the cluster's IPv${family} pod and service ranges to clusterCidrs, or drop ${s.cidr} if the cluster has no IPv${family} addresses`);
          }
        }
      }
    }
    for (const s of f.from) {
      if (s.type !== 'namespace' || !UNINJECTED_NAMESPACES.has(s.namespace) || !meshOn || env.mesh.mode !== 'istio-sidecar') continue;
      for (const p of f.ports) {
        const port = portOf(to, p);
        const mode = port && effectiveMtls(env, port);
        if (mode === 'STRICT' || mode === 'PERMISSIVE') {
          const why = mode === 'STRICT' ? 'mTLS is STRICT there, so they could never connect' : "Istio's authorization admits a namespace's callers by that identity, so it would refuse them";
          c.add(f.at, obj, `callers in ${s.namespace} never get an Istio sidecar (the injector skips kube-system and kube-public), so they have no mTLS identity on port "${p}": ${why}; set that port's mtls to 'DISABLE' (the network policies then restrict it to ${s.namespace}), or call from a namespace in the mesh`);
        }
      }
    }
    for (const s of f.from) {
      for (const p of f.ports) {
        declare(f.http === undefined ? l4 : l7, s, to, p);
        if (declared(l4, s, to, p) && declared(l7, s, to, p)) c.add(f.at, obj, `${sourceId(s)} -> ${workloadId(to)}:${p} is declared both with and without HTTP rules; the L4 flow would make the HTTP rules meaningless, so keep one of them`);
        // a workload's HTTP rules under an L4 flow from its whole namespace restrict nothing
        if (f.http !== undefined && s.type === 'workload' && declared(l4, { type: 'namespace', namespace: s.namespace }, to, p)) c.add(f.at, obj, namespaceVoids(s, to, p));
        if (f.http === undefined && s.type === 'namespace') {
          for (const [caller, byTo] of l7) {
            if (typeof caller === 'object' && (caller as Workload).namespace === s.namespace && byTo.get(to)?.has(p) === true) c.add(f.at, obj, namespaceVoids(caller as Workload, to, p));
          }
        }
      }
    }
  }
}

/** The problem of HTTP rules from `w` that an L4 flow from `w`'s whole namespace makes void. */
function namespaceVoids(w: Workload, to: Workload, port: string): string {
  return `${workloadId(w)} -> ${workloadId(to)}:${port} has HTTP rules, but the flow from namespace ${w.namespace} to the same port allows every request from every pod of ${w.namespace}, ${workloadId(w)} included, so those HTTP rules restrict nothing; give the namespace flow HTTP rules of its own, or drop one of the two`;
}

function validateEgress(env: Environment, managed: Set<string>, byId: Map<string, Workload>, c: Collector): void {
  for (const e of env.egress) {
    const obj = egressId(e);
    if (e.from.type === 'workload') {
      if (byId.get(workloadId(e.from)) !== e.from) c.add(e.at, obj, `caller ${workloadId(e.from)} is not one of the environment's workloads`);
    } else if (e.from.type === 'namespace') {
      // a namespace caller with pod labels (or any other key) would allow every pod of the namespace
      unknownSourceKeys(c, e.at, obj, e.from, ['type', 'namespace'], 'fromNamespace()');
      if (!managed.has(e.from.namespace)) c.add(e.at, obj, `namespace "${e.from.namespace}" is not managed by this environment; egress is declared for managed namespaces only`);
    }
    if (e.to.length === 0) c.add(e.at, obj, `to is empty`);
    for (const d of e.to) {
      if (d.type === 'cidr') {
        unknownSourceKeys(c, e.at, obj, d, ['type', 'cidr', 'except'], 'toCidr()');
        const outer = parseCidr(d.cidr);
        c.add(e.at, obj, cidrProblem(d.cidr));
        if (!Array.isArray(d.except)) {
          c.add(e.at, obj, `the destination ${d.cidr} has no except list; build it with toCidr()`);
          continue;
        }
        for (const x of d.except) {
          const inner = parseCidr(x);
          if (inner === undefined) c.add(e.at, obj, `except ${cidrProblem(x)}`);
          else if (outer && !(cidrContains(outer, inner) && inner.prefix > outer.prefix)) c.add(e.at, obj, `except "${x}" is not strictly inside ${d.cidr}`);
        }
      } else if (d.type === 'fqdn') {
        unknownSourceKeys(c, e.at, obj, d, ['type', 'fqdn'], 'toFqdn()');
        if (!FQDN.test(d.fqdn) || d.fqdn.length > 253) c.add(e.at, obj, `"${d.fqdn}" is not a DNS name (a leading '*.' is allowed)`);
        // an address written as a name: toFQDNs would match a DNS answer for that name, not the address
        else if (/^\d+$/.test(d.fqdn.slice(d.fqdn.lastIndexOf('.') + 1))) c.add(e.at, obj, `"${d.fqdn}" is an IP address, not a DNS name; use toCidr('${d.fqdn}/32')`);
        else {
          const problem = publicWildcardProblem(d.fqdn);
          if (problem !== undefined) c.add(e.at, obj, problem);
        }
        if (env.cni !== 'cilium') c.add(e.at, obj, `egress to a DNS name needs the Cilium CNI (toFQDNs); use toCidr() with cni '${env.cni}'`);
      } else {
        c.add(e.at, obj, `unknown destination; use toCidr() or toFqdn()`);
      }
    }
    checkCidrPeers(env, c, e.at, obj, e.to.flatMap((d) => (d.type === 'cidr' ? [d.cidr] : [])), 'destination');
    if (e.ports.length === 0) c.add(e.at, obj, `ports is empty; name at least one port`);
    for (const p of e.ports) {
      c.add(e.at, obj, checkPortNumber(p.port));
      if (!PROTOCOLS.has(p.protocol)) c.add(e.at, obj, `protocol must be TCP, UDP or SCTP`);
    }
  }
}

const VAULT_CAPABILITIES = new Set(['read', 'create', 'update', 'list']);
/** Vault's name rule for roles and connections (framework.GenericNameRegex). */
const VAULT_NAME = /^\w([\w.-]*\w)?$/;
/** A Vault mount path: one or more segments, no globs. */
const VAULT_MOUNT = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;

function validateDatabaseRole(s: Secret, obj: string, c: Collector): void {
  const d = s.database;
  if (d === undefined) return;
  for (const k of d.unknown) c.add(s.at, obj, `database has no property '${k}' (misspelt?); use connection, creationStatements, revocationStatements or maxTtl`);
  if (s.kind !== 'dynamic') c.add(s.at, obj, `database is for dynamic secrets; a static KV secret has no engine role`);
  if (databaseRoleOf(s.path) === undefined) c.add(s.at, obj, `a database credential's path must be <mount>/creds/<role> (e.g. database/creds/api-server), not "${s.path}"`);
  if (typeof d.connection !== 'string' || !VAULT_NAME.test(d.connection)) c.add(s.at, obj, `database.connection "${String(d.connection)}" must be a Vault connection name (letters, digits, '_', '-', '.')`);
  if (d.creationStatements.length === 0 || d.creationStatements.some((x) => typeof x !== 'string' || x.trim() === '')) c.add(s.at, obj, `database.creationStatements must hold at least one SQL statement, none empty`);
  else if (!d.creationStatements.some((x) => x.includes('{{name}}') || x.includes('{{username}}'))) c.add(s.at, obj, `database.creationStatements must create the user Vault names ({{name}}); otherwise every credential would be the same account`);
  if (d.revocationStatements.some((x) => typeof x !== 'string' || x.trim() === '')) c.add(s.at, obj, `database.revocationStatements may not hold empty statements`);
  if (s.capabilities.length !== 1 || s.capabilities[0] !== 'read') c.add(s.at, obj, `a database credential is only read; capabilities must be ['read']`);
  if (d.maxTtl !== undefined) {
    const max = parseDuration(d.maxTtl);
    const ttl = s.ttl === undefined ? undefined : parseDuration(s.ttl);
    if (max === undefined) c.add(s.at, obj, `database.maxTtl "${d.maxTtl}" is not a duration like 1h or 15m`);
    else if (ttl !== undefined && max < ttl) c.add(s.at, obj, `database.maxTtl ${d.maxTtl} is shorter than the ttl ${s.ttl}`);
  }
}

function validateSecrets(env: Environment, byId: Map<string, Workload>, c: Collector): void {
  const names = new Set<string>();
  const roles = new Map<string, string>();
  // The certificate Secrets of every workload (written without a mesh), by namespace/name. Reserved
  // in every environment, so a switch to no mesh cannot hand one workload's key to another.
  const svidOwners = new Map([...byId.values()].map((w) => [`${w.namespace}/${svidSecretName(w)}`, w]));
  // each static secret's SecretStore, by namespace/name: the (workload, mount) it is for
  const stores = new Map<string, { workload: Workload; mount: string }>();
  const grantedPaths = new Map<string, { workload: Workload; name: string }>();
  for (const s of env.secrets) {
    const obj = `secret ${s.workload ? workloadId(s.workload) : '?'}/${s.name}`;
    if (!s.workload || byId.get(workloadId(s.workload)) !== s.workload) {
      c.add(s.at, obj, `workload is not one of the environment's workloads`);
      continue;
    }
    c.add(s.at, obj, checkDnsSubdomain(s.name));
    const key = `${s.workload.namespace}/${s.name}`;
    if (names.has(key)) c.add(s.at, obj, `a secret named "${s.name}" is already declared in namespace ${s.workload.namespace}`);
    names.add(key);
    const holder = svidOwners.get(key);
    if (holder !== undefined) {
      c.add(s.at, obj, `"${s.name}" is reserved for the Secret that holds the SPIFFE certificate and private key of workload ${workloadId(holder)} (cert-manager writes it when the environment has no mesh); declared here, it would let ${workloadId(s.workload)} mount that key; choose another name`);
    }
    const path = typeof s.path === 'string' ? s.path : '';
    if (!/^[A-Za-z0-9][A-Za-z0-9_\-./]*$/.test(path) || path.includes('//') || path.includes('..') || path.endsWith('/')) {
      c.add(s.at, obj, `Vault path "${s.path}" must be relative (no leading '/'), without '..', '//', a trailing '/' or glob characters`);
    }
    for (const cap of s.capabilities) if (!VAULT_CAPABILITIES.has(cap)) c.add(s.at, obj, `capability "${cap}" is not one of read, create, update, list`);
    if (s.capabilities.length === 0) c.add(s.at, obj, `capabilities is empty; the workload could not use the secret`);
    if (new Set(s.capabilities).size !== s.capabilities.length) c.add(s.at, obj, `capabilities lists a capability twice`);
    if (s.kind === 'dynamic') {
      const ttl = s.ttl === undefined ? undefined : parseDuration(s.ttl);
      if (ttl === undefined) c.add(s.at, obj, `dynamic secrets need a ttl like 1h or 15m`);
      else if (ttl < 120) c.add(s.at, obj, `ttl ${s.ttl} is too short to refresh before it runs out; use at least 2m`);
    } else if (s.kind === 'static') {
      if (s.ttl !== undefined) c.add(s.at, obj, `ttl is for dynamic secrets; static KV secrets do not expire`);
      const [mount, second] = path.split('/');
      if (second === undefined) c.add(s.at, obj, `static path "${s.path}" must be <KV mount>/<key>, e.g. secret/frontend/session`);
      else if (second === 'data' || second === 'metadata') {
        c.add(s.at, obj, `static path "${s.path}" is a KV v2 API path; write the plain KV path (${mount}/${path.split('/').slice(2).join('/')}) and ztp adds ${second}/ where Vault needs it`);
      }
      if (s.capabilities.length !== 1 || s.capabilities[0] !== 'read') c.add(s.at, obj, `static secrets are only read; capabilities must be ['read']`);
      if (mount !== undefined && second !== undefined) {
        const store = secretStoreName(s.workload.name, mount);
        const other = stores.get(`${s.workload.namespace}/${store}`);
        if (other !== undefined && (other.workload !== s.workload || other.mount !== mount)) {
          c.add(s.at, obj, `its SecretStore would be named "${store}", as is the one for mount "${other.mount}" of ${workloadId(other.workload)}, so one of them would read from the other's mount; rename the KV mount or the workload`);
        } else stores.set(`${s.workload.namespace}/${store}`, { workload: s.workload, mount });
      }
    } else {
      c.add(s.at, obj, `kind must be 'dynamic' or 'static'`);
    }
    validateDatabaseRole(s, obj, c);
    const role = s.database !== undefined ? databaseRoleOf(path) : undefined;
    let roleTaken = false;
    if (role !== undefined) {
      const id = `${role.mount}/roles/${role.role}`;
      const first = roles.get(id);
      roleTaken = first !== undefined;
      if (first !== undefined) c.add(s.at, obj, `database role ${id} is already declared by secret ${first}; declare each engine role once`);
      else roles.set(id, `${workloadId(s.workload)}/${s.name}`);
    }
    // each Vault path is one workload's: the path its Vault policy grants (KV v2 reads <mount>/data/<key>)
    const [mount, ...rest] = path.split('/');
    const granted = s.kind === 'static' ? `${mount}/data/${rest.join('/')}` : path;
    const grantee = grantedPaths.get(granted);
    // (a database role declared twice is said above, as the role)
    if (!roleTaken && grantee !== undefined && grantee.workload !== s.workload) {
      c.add(s.at, obj, `Vault path ${granted} is already granted to ${workloadId(grantee.workload)} (secret ${grantee.name}); a path read by two workloads is a shared credential no policy can scope to one of them: give each workload a path of its own`);
    } else if (grantee === undefined) grantedPaths.set(granted, { workload: s.workload, name: s.name });
  }
  for (const w of byId.values()) {
    const own = new Set(env.secrets.filter((s) => s.workload === w).map((s) => s.name));
    for (const perm of w.apiAccess) {
      if (!perm.resources.includes('secrets')) continue;
      const names = perm.resourceNames ?? [];
      if (names.length === 0 || names.some((n) => !own.has(n))) {
        c.add(w.at, `workload ${workloadId(w)}`, `apiAccess to secrets must name, in resourceNames, only secrets declared for this workload (${[...own].join(', ') || 'none'})`);
      }
    }
  }
  if (env.secrets.length > 0) {
    const obj = `environment ${env.name}`;
    if (env.vault === undefined) c.add(env.at, obj, `secrets are declared but vault ({ server }) is not set`);
    else {
      for (const k of unknownKeys(env.vault, ['server', 'kubernetesAuthMount', 'audience'])) c.add(env.at, obj, `vault has no property '${k}' (misspelt?); use server, kubernetesAuthMount or audience`);
      if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(env.vault.server)) c.add(env.at, obj, `vault.server "${env.vault.server}" must be a URL like https://vault.vault.svc:8200`);
      const mount = env.vault.kubernetesAuthMount;
      if (mount !== undefined && !VAULT_MOUNT.test(mount)) c.add(env.at, obj, `vault.kubernetesAuthMount "${mount}" must be a Vault mount path like kubernetes or clusters/prod (no leading or trailing '/')`);
      const aud = env.vault.audience;
      if (aud !== undefined && (typeof aud !== 'string' || !/^\S+$/.test(aud))) c.add(env.at, obj, `vault.audience must be a non-empty string without spaces`);
      // a token minted for the Kubernetes API (the default audience of every projected token) must not log in to Vault
      else if (typeof aud === 'string' && /^(?:https?:\/\/)?kubernetes\.default(?:\.svc(?:\.[a-z0-9.-]+)?)?\/?$/.test(aud)) {
        c.add(env.at, obj, `vault.audience "${aud}" is the Kubernetes API server's own audience: every token a pod is given for the API would then log in to Vault; use an audience of Vault's own, such as the default "vault"`);
      }
    }
  }
}

function validateRuntime(env: Environment, managed: Set<string>, c: Collector): void {
  const seen = new Set<string>();
  for (const r of env.runtime) {
    const obj = `runtime ${r.namespace}`;
    if (!managed.has(r.namespace)) c.add(r.at, obj, `namespace "${r.namespace}" is not managed by this environment`);
    if (seen.has(r.namespace)) c.add(r.at, obj, `is declared twice; list all its ports in one runtime()`);
    seen.add(r.namespace);
    if (r.outboundPorts.length === 0) c.add(r.at, obj, `outboundPorts is empty; every outbound connection would alert`);
    for (const p of r.outboundPorts) c.add(r.at, obj, checkPortNumber(p));
    // Falco refuses a rules file with another priority: every alert of the environment would be lost
    if (!FALCO_PRIORITIES.includes(r.priority)) c.add(r.at, obj, `priority ${JSON.stringify(r.priority)} is not a Falco priority (${FALCO_PRIORITIES.join(', ')}); Falco would refuse the rules file`);
  }
}

const FALCO_PRIORITIES: readonly string[] = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'DEBUG'];

const AUDIT_RULE_KEYS = new Set(['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs']);

function validateAudit(env: Environment, c: Collector): void {
  const audit = env.audit as Record<string, unknown> | undefined;
  if (audit === undefined || audit === null) return;
  for (const k of Object.keys(audit)) if (k !== 'rules') c.add(env.at, 'audit', `has no property '${k}'; audit settings have only 'rules'`);
  const rules = audit['rules'];
  if (rules === undefined) return;
  if (!Array.isArray(rules)) return c.add(env.at, 'audit', 'rules must be a list of audit.k8s.io/v1 policy rules');
  rules.forEach((rule: Record<string, unknown>, i: number) => {
    const obj = `audit rule ${i + 1}`;
    if (rule === null || typeof rule !== 'object') return c.add(env.at, obj, 'must be an object like { level: "RequestResponse", resources: [{ group: "apps", resources: ["deployments"] }] }');
    if (!AUDIT_LEVELS.includes(rule['level'] as AuditRule['level'])) c.add(env.at, obj, `level must be one of ${AUDIT_LEVELS.join(', ')}, not ${JSON.stringify(rule['level'])}`);
    for (const k of Object.keys(rule)) if (!AUDIT_RULE_KEYS.has(k)) c.add(env.at, obj, `has no property '${k}'; a rule has ${[...AUDIT_RULE_KEYS].join(', ')} (ztp's own rules decide omitStages)`);
    if (rule['resources'] !== undefined && rule['nonResourceURLs'] !== undefined) c.add(env.at, obj, 'sets both resources and nonResourceURLs; a rule matches one or the other');
    for (const k of ['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs']) {
      const v = rule[k];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === ''))) c.add(env.at, obj, `${k} must be a list of non-empty strings`);
    }
  });
}

/**
 * Checks everything the types cannot: names, references, uniqueness, and the combinations that
 * would compile into a bundle that allows more than declared. Throws an {@link InputError} with
 * every problem found, each naming its file, line and object.
 */
export function validateEnvironment(env: Environment): void {
  // the shapes first (JavaScript or a cast can put anything anywhere): the checks below read them
  const shapes = shapeProblems(env);
  if (shapes.length > 0) throw new InputError(shapes);
  const c = new Collector();
  const unknown = (at: SourceLocation, object: string, keys: readonly string[] | undefined) => {
    for (const k of keys ?? []) c.add(at, object, `has no property '${k}' (misspelt?); remove it or use one of the documented properties`);
  };
  unknown(env.at, `environment ${env.name}`, env.unknown);
  // (every entry is what its builder makes: shapeProblems above)
  for (const w of env.workloads) unknown(w.at, `workload ${workloadId(w)}`, w.unknown);
  for (const f of env.flows) unknown(f.at, flowId(f), f.unknown);
  for (const e of env.egress) unknown(e.at, egressId(e), e.unknown);
  for (const s of env.secrets) unknown(s.at, `secret ${s.name}`, s.unknown);
  for (const r of env.runtime) unknown(r.at, `runtime ${r.namespace}`, r.unknown);
  validateSettings(env, c);
  validateAudit(env, c);
  const managed = validateNamespaces(env, c);
  const byId = validateWorkloads(env, managed, c);
  validateFlows(env, byId, c);
  validateEgress(env, managed, byId, c);
  validateSecrets(env, byId, c);
  validateRuntime(env, managed, c);
  const ids = new Set<string>();
  for (const m of env.admission) {
    if (ids.has(m.id)) c.add(env.at, `admission module ${m.id}`, `is listed twice`);
    ids.add(m.id);
  }
  if (c.problems.length > 0) throw new InputError(c.problems);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAt = (v: unknown): v is SourceLocation => isObj(v) && typeof v.file === 'string' && typeof v.line === 'number';
const BUILDERS: Readonly<Record<string, string>> = { workloads: 'workload', flows: 'flow', egress: 'egress', secrets: 'secret', runtime: 'runtime' };

/** A value as a message shows it: JSON where it has one (cut at 80 characters), its text otherwise. */
function shown(v: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined; // a cycle, a bigint
  }
  text ??= String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The problems of an environment whose objects are not what the builders make (null entries, a
 * caller that is no caller, a list that is not a list): each names the list and the entry, and the
 * environment's file and line. The other checks rely on these shapes.
 */
function shapeProblems(env: Environment): Problem[] {
  const c = new Collector();
  const envAt: SourceLocation = isAt(env.at) ? env.at : { file: '(unknown file)', line: 0 };
  const envObj = `environment ${String(env.name)}`;
  if (typeof env.name !== 'string') c.add(envAt, envObj, 'has no name; build it with defineEnvironment({ name, ... })');
  for (const list of ['namespaces', 'workloads', 'flows', 'egress', 'secrets', 'runtime', 'admission', 'clusterCidrs'] as const) {
    if (!Array.isArray(env[list])) c.add(envAt, envObj, `${list} must be a list; build the environment with defineEnvironment()`);
  }
  if (c.problems.length > 0) return c.problems;
  for (const [list, builder] of Object.entries(BUILDERS)) {
    (env[list as keyof Environment] as readonly unknown[]).forEach((entry, i) => {
      if (!isObj(entry) || entry.type !== builder || !isAt(entry.at)) c.add(envAt, envObj, `${list}[${i}] is ${shown(entry)}, not made by ${builder}(); build it with ${builder}()`);
    });
  }
  if (c.problems.length > 0) return c.problems;
  const isWorkload = (v: unknown) => isObj(v) && v.type === 'workload' && typeof v.name === 'string' && typeof v.namespace === 'string';
  for (const w of env.workloads) if (!isWorkload(w)) c.add(w.at, 'workload', `name and namespace must be strings; build it with workload({ namespace, name, ... })`);
  for (const [i, f] of env.flows.entries()) {
    const obj = `flows[${i}]`;
    if (!isWorkload(f.to)) c.add(f.at, obj, `to is ${shown(f.to)}, not a workload of the environment`);
    if (!Array.isArray(f.from)) c.add(f.at, obj, 'from must be a caller or a list of callers');
    else for (const s of f.from) if (!isObj(s) || !['workload', 'namespace', 'cidr'].includes(String(s.type))) c.add(f.at, obj, `caller ${shown(s)} is not a workload, fromNamespace() or fromCidr()`);
    if (f.http !== undefined) {
      if (!Array.isArray(f.http)) c.add(f.at, obj, 'http must be a list of rules like { methods: [...], paths: [...] }');
      else for (const r of f.http) if (!isObj(r) || (r.methods !== undefined && !Array.isArray(r.methods)) || (r.paths !== undefined && !Array.isArray(r.paths))) c.add(f.at, obj, `HTTP rule ${shown(r)} must be like { methods: ['GET'], paths: ['/api/*'] }`);
    }
  }
  for (const [i, e] of env.egress.entries()) {
    if (!isObj(e.from) || !['workload', 'namespace'].includes(String(e.from.type))) c.add(e.at, `egress[${i}]`, `from is ${shown(e.from)}, not a workload or fromNamespace()`);
    if (!Array.isArray(e.to) || e.to.some((d) => !isObj(d))) c.add(e.at, `egress[${i}]`, 'to must be toCidr() or toFqdn(), or a list of them');
  }
  return c.problems;
}

/**
 * Checks what only the set of environments shows: two environments on the same cluster may not
 * manage the same namespace (their default denies and allows would fight), nor share a name.
 */
export function validateEnvironments(envs: readonly Environment[]): void {
  const c = new Collector();
  const names = new Map<string, Environment>();
  const owners = new Map<string, Environment>();
  const meshOwners = new Map<string, Environment>();
  for (const env of envs) {
    if (env.mesh?.mode !== 'none' && env.phase >= 2) {
      const other = meshOwners.get(env.cluster);
      if (other) c.add(env.at, `environment ${env.name}`, `shares cluster "${env.cluster}" with environment ${other.name}, and both set the mesh-wide mTLS mode (PeerAuthentication ${env.mesh.istiodNamespace}/default); give them separate clusters, or let one environment own the mesh`);
      meshOwners.set(env.cluster, env);
    }
    const prev = names.get(env.name);
    if (prev) c.add(env.at, `environment ${env.name}`, `has the same name as the environment in ${prev.at.file}`);
    names.set(env.name, env);
    for (const ns of env.namespaces) {
      const key = `${env.cluster}/${ns.name}`;
      const owner = owners.get(key);
      if (owner && owner !== env) {
        c.add(env.at, `namespace ${ns.name}`, `is also managed by environment ${owner.name} on the same cluster "${env.cluster}"; give each environment its own namespaces or its own cluster`);
      }
      owners.set(key, env);
    }
  }
  if (c.problems.length > 0) throw new InputError(c.problems);
}
