import { resolve } from 'node:path';
import {
  cidrContains,
  cidrKey,
  compareCidrs,
  effectiveMtls,
  l7EnforcerOf,
  layersForPhase,
  parseCidr,
  portOf,
  workloadId,
  type Cidr,
  type CidrDestination,
  type Environment,
  type FqdnDestination,
  type HttpRule,
  type Layer,
  type MtlsMode,
  type Port,
  type Protocol,
  type Workload,
} from '@ztp/model';

/**
 * The intermediate representation: the validated environment flattened into the facts every
 * emitter needs, sorted so that emitters that iterate it produce deterministic output.
 */
export interface IR {
  readonly env: Environment;
  /** `file:line` of the environment declaration, relative to the repository. */
  readonly envOrigin: string;
  /** The repository root, for making source locations relative. */
  readonly root: string;
  readonly layers: ReadonlySet<Layer>;
  /** Managed namespaces, sorted by name. */
  readonly namespaces: readonly IRNamespace[];
  /** Workloads, sorted by `namespace/name`. */
  readonly workloads: readonly IRWorkload[];
  /** One entry per (flow, caller), in declaration order. */
  readonly allows: readonly IRAllow[];
  /** One entry per (egress, destination), in declaration order. */
  readonly egress: readonly IREgress[];
  /** The allows into each workload, and from each workload or namespace caller, in declaration order. */
  readonly allowsTo: ReadonlyMap<IRWorkload, readonly IRAllow[]>;
  readonly allowsFrom: ReadonlyMap<IRWorkload | string, readonly IRAllow[]>;
  /** The external egress of each workload or namespace, in declaration order. */
  readonly egressFrom: ReadonlyMap<IRWorkload | string, readonly IREgress[]>;
}

/** `list` grouped by `key` (entries without a key are left out), keeping the order of `list`. */
function groupBy<K, T>(list: readonly T[], key: (t: T) => K | undefined): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const t of list) {
    const k = key(t);
    if (k === undefined) continue;
    const group = out.get(k);
    if (group === undefined) out.set(k, [t]);
    else group.push(t);
  }
  return out;
}

export interface IRNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface IRWorkload {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** Istio principal: `<trust-domain>/ns/<ns>/sa/<sa>`. */
  readonly principal: string;
  /** SPIFFE ID: `spiffe://<trust-domain>/ns/<ns>/sa/<sa>`. */
  readonly spiffeId: string;
  /** Ports sorted by name. */
  readonly ports: readonly Port[];
  readonly source: Workload;
  /** `file:line` of the declaration, relative to the repository. */
  readonly origin: string;
}

/** Who a rule admits. */
export type IRPeer =
  | { readonly kind: 'workload'; readonly workload: IRWorkload }
  | { readonly kind: 'namespace'; readonly namespace: string; readonly managed: boolean }
  | {
      readonly kind: 'cidr';
      readonly cidr: string;
      /**
       * Ranges inside `cidr` the network layer does not admit (the NetworkPolicy ipBlock's
       * `except`): with cni 'kubernetes', the environment's cluster ranges inside it (an ipBlock
       * matches pod IPs there). Sorted; empty under Cilium, whose CIDR rules never match pods.
       */
      readonly except: readonly string[];
      /**
       * Ranges inside `cidr` the mesh layer does not admit (the Istio rule's `notIpBlocks`): the
       * environment's cluster ranges inside it, under every CNI, since Istio's `ipBlocks` match a
       * pod caller's own IP whatever the CNI. Equal to `except` with cni 'kubernetes'; under
       * Cilium, empty unless `clusterCidrs` is declared. Sorted.
       */
      readonly meshExcept: readonly string[];
    };

/** A permitted connection from one caller to one workload on some of its ports. */
export interface IRAllow {
  readonly source: IRPeer;
  readonly dest: IRWorkload;
  /** Destination ports, sorted by protocol then number. */
  readonly ports: readonly Port[];
  /** HTTP restriction, when declared. */
  readonly http: readonly HttpRule[] | undefined;
  /** Who enforces `http`; undefined for L4-only flows. */
  readonly l7: 'cilium' | 'istio' | undefined;
  /** Effective mTLS mode per destination port (undefined without a mesh). */
  readonly mtls: ReadonlyMap<string, MtlsMode | undefined>;
  readonly description: string | undefined;
  readonly origin: string;
}

/** A permitted connection to outside the cluster. */
export interface IREgress {
  readonly from: { readonly kind: 'workload'; readonly workload: IRWorkload } | { readonly kind: 'namespace'; readonly namespace: string };
  /** With cni 'kubernetes', a CIDR's `except` also holds the cluster ranges inside it (see {@link ipBlockExcept}). */
  readonly to: CidrDestination | FqdnDestination;
  readonly ports: readonly { readonly port: number; readonly protocol: Protocol }[];
  readonly description: string | undefined;
  readonly origin: string;
}

/** `file:line` relative to `root`. */
export function originOf(at: { file: string; line: number }, root: string): string {
  const file = at.file.startsWith(root + '/') ? at.file.slice(root.length + 1) : at.file;
  return at.line > 0 ? `${file}:${at.line}` : file;
}

function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** Sorts ports by protocol, then number. */
export function sortPorts<T extends { port: number; protocol: Protocol }>(ports: readonly T[]): T[] {
  return [...ports].sort((a, b) => (a.protocol === b.protocol ? a.port - b.port : a.protocol < b.protocol ? -1 : 1));
}

/**
 * The `except` of an ipBlock for `cidr` that must match no address of the cluster: `except` plus
 * every range of `clusterCidrs` strictly inside `cidr` (a cluster range that contains `cidr` is
 * refused by validation). Ranges inside another range of the list are dropped, and the rest sorted
 * by address, so the result is deterministic and never holds `cidr` itself (the API server wants
 * each except strictly inside the cidr).
 */
export function ipBlockExcept(cidr: string, except: readonly string[], clusterCidrs: readonly string[]): string[] {
  const outer = parseCidr(cidr);
  if (outer === undefined) throw new Error(`internal: unvalidated CIDR ${cidr}`);
  const strictlyInside = (c: Cidr) => cidrContains(outer, c) && c.prefix > outer.prefix;
  const ranges = new Map<string, { text: string; cidr: Cidr }>();
  const add = (text: string, user: boolean) => {
    const c = parseCidr(text);
    if (c === undefined) throw new Error(`internal: unvalidated CIDR ${text}`);
    if (!user && !strictlyInside(c)) return;
    const key = cidrKey(c);
    if (!ranges.has(key)) ranges.set(key, { text, cidr: c });
  };
  for (const x of except) add(x, true);
  for (const x of clusterCidrs) add(x, false);
  const list = [...ranges.values()];
  return list
    .filter((r) => !list.some((o) => o !== r && cidrContains(o.cidr, r.cidr)))
    .sort((a, b) => compareCidrs(a.cidr, b.cidr))
    .map((r) => r.text);
}

/**
 * Builds the IR of an environment that has passed `validateEnvironment`. `root` is the
 * repository root, used to make source locations relative (and so the bundle reproducible on any
 * clone); a relative root is taken from the working directory.
 */
export function toIR(env: Environment, repositoryRoot: string): IR {
  // '.' or 'repo/' would otherwise match no absolute source path and leave them all absolute
  const root = resolve(repositoryRoot);
  const td = env.trustDomain;
  const managed = new Set(env.namespaces.map((n) => n.name));
  // Only with cni 'kubernetes' does an ipBlock match pods; Cilium's CIDR rules never do. Istio's
  // ipBlocks match a pod caller's IP under every CNI (see IRPeer's meshExcept).
  const cidrExcept = (cidr: string, except: readonly string[]): string[] => (env.cni === 'kubernetes' ? ipBlockExcept(cidr, except, env.clusterCidrs) : [...except]);
  const workloads = env.workloads
    .map((w): IRWorkload => ({
      id: workloadId(w),
      namespace: w.namespace,
      name: w.name,
      labels: w.labels,
      serviceAccount: w.serviceAccount,
      principal: `${td}/ns/${w.namespace}/sa/${w.serviceAccount}`,
      spiffeId: `spiffe://${td}/ns/${w.namespace}/sa/${w.serviceAccount}`,
      ports: Object.values<Port>(w.ports).sort(byKey((p) => p.name)),
      source: w,
      origin: originOf(w.at, root),
    }))
    .sort(byKey((w) => w.id));
  // validated: flows and egress name the environment's own workload objects
  const bySource = new Map(workloads.map((w) => [w.source, w]));
  const ir = (w: Workload): IRWorkload => {
    const found = bySource.get(w);
    if (!found) throw new Error(`internal: workload ${workloadId(w)} missing from IR`);
    return found;
  };

  const allows: IRAllow[] = [];
  for (const f of env.flows) {
    const dest = ir(f.to);
    const ports = sortPorts(
      f.ports.map((name) => {
        const port = portOf(dest.source, name);
        if (port === undefined) throw new Error(`internal: flow to ${dest.id} names port "${name}", which it does not have`);
        return port;
      }),
    );
    let l7: IRAllow['l7'];
    if (f.http !== undefined) {
      const e = l7EnforcerOf(env, f);
      if ('error' in e) throw new Error(`internal: unvalidated flow: ${e.error}`);
      l7 = e.enforcer;
    }
    const mtls = new Map(ports.map((p) => [p.name, effectiveMtls(env, p)]));
    for (const s of f.from) {
      const source: IRPeer =
        s.type === 'workload'
          ? { kind: 'workload', workload: ir(s) }
          : s.type === 'namespace'
            ? { kind: 'namespace', namespace: s.namespace, managed: managed.has(s.namespace) }
            : { kind: 'cidr', cidr: s.cidr, except: cidrExcept(s.cidr, []), meshExcept: ipBlockExcept(s.cidr, [], env.clusterCidrs) };
      allows.push({ source, dest, ports, http: f.http, l7, mtls, description: f.description, origin: originOf(f.at, root) });
    }
  }

  const egress: IREgress[] = [];
  for (const e of env.egress) {
    const from: IREgress['from'] = e.from.type === 'workload' ? { kind: 'workload', workload: ir(e.from) } : { kind: 'namespace', namespace: e.from.namespace };
    for (const d of e.to) {
      const to: IREgress['to'] = d.type === 'cidr' ? { ...d, except: cidrExcept(d.cidr, d.except) } : d;
      egress.push({ from, to, ports: sortPorts(e.ports), description: e.description, origin: originOf(e.at, root) });
    }
  }

  return {
    env,
    envOrigin: originOf(env.at, root),
    root,
    layers: layersForPhase(env.phase),
    namespaces: [...env.namespaces].sort(byKey((n) => n.name)),
    workloads,
    allows,
    egress,
    allowsTo: groupBy(allows, (a) => a.dest),
    allowsFrom: groupBy<IRWorkload | string, IRAllow>(allows, (a) => (a.source.kind === 'workload' ? a.source.workload : a.source.kind === 'namespace' ? a.source.namespace : undefined)),
    egressFrom: groupBy<IRWorkload | string, IREgress>(egress, (e) => (e.from.kind === 'workload' ? e.from.workload : e.from.namespace)),
  };
}
