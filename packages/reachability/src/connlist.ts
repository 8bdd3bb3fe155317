/**
 * The connectivity list: every (source, destination) pair of workloads and external ranges
 * with the connections allowed between them, computed on equivalence signatures so that each
 * distinct combination of (matching rules, isolating policies, named ports) is evaluated once.
 * Workload pairs are not all tried: only the candidates the policies' rules can allow
 * (candidates.ts), so the cost follows the size of the answer, not the square of the workloads.
 */
import { Candidates } from './candidates.ts';
import { compile, egressConns, ingressConns, podEndpoints, sameFamilyPath } from './engine.ts';
import type { Endpoint, Engine, HostNetworkMode } from './engine.ts';
import { externalFamilies, externalRanges } from './externals.ts';
import type { FamilyChoice } from './externals.ts';
import { formatIpRange } from './ip.ts';
import type { IpRange } from './ip.ts';
import type { Resources, Workload } from './model.ts';
import { ConnSet } from './ports.ts';

/** One side of a connlist entry. */
export type ConnlistPeer =
  | { readonly type: 'workload'; readonly name: string; readonly workload: Workload }
  | { readonly type: 'external'; readonly name: string; readonly range: IpRange };

/** One allowed (source, destination) pair. */
export interface ConnlistEntry {
  readonly src: ConnlistPeer;
  readonly dst: ConnlistPeer;
  /** Connections allowed between every pod of `src` and every pod of `dst`. */
  readonly conns: ConnSet;
  /**
   * Present only when pods of one workload are treated differently (different labels or
   * IPs): connections allowed between some pod pairs but not all.
   */
  readonly partial?: ConnSet;
}

/** Options of `connlist`. */
export interface ConnlistOptions {
  /** External ranges to list: `auto` (default) is IPv4, plus IPv6 when IPv6 appears anywhere. */
  readonly ipFamilies?: FamilyChoice;
  /** How host-network pods are treated (upstream leaves it open); default `intersection`. */
  readonly hostNetwork?: HostNetworkMode;
}

/** The `[External]` name of an address range. */
export function externalName(range: IpRange): string {
  return `${formatIpRange(range)}[External]`;
}

class Interner {
  private readonly ids = new Map<string, number>();
  readonly representatives: Endpoint[] = [];

  id(key: string, rep: Endpoint): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.representatives.length;
      this.ids.set(key, id);
      this.representatives.push(rep);
    }
    return id;
  }
}

interface Variant {
  readonly inSrc: number;
  readonly inDst: number;
  readonly egSrc: number;
  readonly egDst: number;
  readonly endpoint: Endpoint;
  readonly key: string;
}

/** Computes signatures of endpoints and memoises direction results on them. */
class SignatureEvaluator {
  private readonly inSrc = new Interner();
  private readonly inDst = new Interner();
  private readonly egSrc = new Interner();
  private readonly egDst = new Interner();
  /** Direction results by source signature, then destination signature. */
  private readonly ingressMemo: Map<number, ConnSet>[] = [];
  private readonly egressMemo: Map<number, ConnSet>[] = [];
  private readonly classInRules: string[];
  private readonly classEgRules: string[];
  private readonly ipInRules;
  private readonly ipEgRules;
  private readonly engine: Engine;

  constructor(engine: Engine) {
    this.engine = engine;
    // per class, the ids of the rules whose selector peers match it (ascending), from each rule's classes
    const classRules = (rules: Engine['ingressRules']): string[] => {
      const lists: number[][] = engine.classes.map(() => []);
      for (const r of rules) if (!r.allPeers) r.classMatch.forEach((id) => lists[id]!.push(r.id));
      return lists.map((l) => l.join(','));
    };
    this.classInRules = classRules(engine.ingressRules);
    this.classEgRules = classRules(engine.egressRules);
    this.ipInRules = engine.ingressRules.filter((r) => !r.allPeers && !r.ipSet.isEmpty());
    this.ipEgRules = engine.egressRules.filter((r) => !r.allPeers && !r.ipSet.isEmpty());
  }

  variant(ep: Endpoint): Variant {
    const ipIn = ep.ip === undefined ? '' : this.ipInRules.filter((r) => r.ipSet.contains(ep.ip!)).map((r) => r.id).join(',');
    const ipEg = ep.ip === undefined ? '' : this.ipEgRules.filter((r) => r.ipSet.contains(ep.ip!)).map((r) => r.id).join(',');
    const family = ep.ip === undefined ? 0 : ep.ip.family;
    if (ep.type === 'external') {
      const inSrc = this.inSrc.id(`x|${ipIn}`, ep);
      const inDst = this.inDst.id('x', ep);
      const egSrc = this.egSrc.id('x', ep);
      const egDst = this.egDst.id(`x|${ipEg}`, ep);
      return { inSrc, inDst, egSrc, egDst, endpoint: ep, key: `${inSrc},${inDst},${egSrc},${egDst},${family}` };
    }
    const named = JSON.stringify(
      ep.ports
        .filter((p) => p.name !== undefined)
        .map((p) => [p.name, p.protocol, p.port])
        .sort(),
    );
    const inSrc = this.inSrc.id(`p|${this.classInRules[ep.classId]}|${ipIn}`, ep);
    const inDst = this.inDst.id(`p|${this.engine.ingressPolicies[ep.classId]!.join(',')}|${named}`, ep);
    const egSrc = this.egSrc.id(`p|${this.engine.egressPolicies[ep.classId]!.join(',')}`, ep);
    const egDst = this.egDst.id(`p|${this.classEgRules[ep.classId]}|${ipEg}|${named}`, ep);
    return { inSrc, inDst, egSrc, egDst, endpoint: ep, key: `${inSrc},${inDst},${egSrc},${egDst},${family}` };
  }

  conns(src: Variant, dst: Variant): ConnSet {
    const inMemo = (this.ingressMemo[src.inSrc] ??= new Map());
    let ingress = inMemo.get(dst.inDst);
    if (ingress === undefined) {
      ingress = ingressConns(this.engine, this.inSrc.representatives[src.inSrc]!, this.inDst.representatives[dst.inDst]!);
      inMemo.set(dst.inDst, ingress);
    }
    if (ingress.isEmpty()) return ingress;
    const egMemo = (this.egressMemo[src.egSrc] ??= new Map());
    let egress = egMemo.get(dst.egDst);
    if (egress === undefined) {
      egress = egressConns(this.engine, this.egSrc.representatives[src.egSrc]!, this.egDst.representatives[dst.egDst]!);
      egMemo.set(dst.egDst, egress);
    }
    return ingress.intersect(egress);
  }
}

interface Profile {
  readonly id: number;
  readonly variants: readonly Variant[];
}

/**
 * Every allowed (src, dst) pair: workload to workload (a workload never to itself), external
 * range to workload, workload to external range; sorted by src then dst name. A pair appears
 * when some connection is allowed between some of their pods.
 */
export function connlist(resources: Resources, options: ConnlistOptions = {}): ConnlistEntry[] {
  const engine = compile(resources, options.hostNetwork);
  const evaluator = new SignatureEvaluator(engine);
  const profiles = new Map<string, Profile>();
  const profileOf = (variants: Variant[]): Profile => {
    const unique = [...new Map(variants.map((v) => [v.key, v])).values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    const key = unique.map((v) => v.key).join(';');
    let p = profiles.get(key);
    if (p === undefined) {
      p = { id: profiles.size, variants: unique };
      profiles.set(key, p);
    }
    return p;
  };
  /** Pair results by source profile, then destination profile (nested: one map per source stays far below V8's map size limit). */
  const pairMemo: Map<number, { all: ConnSet; some: ConnSet }>[] = [];
  const pairConns = (a: Profile, b: Profile): { all: ConnSet; some: ConnSet } => {
    const memo = (pairMemo[a.id] ??= new Map());
    let r = memo.get(b.id);
    if (r !== undefined) return r;
    let all: ConnSet | undefined;
    let some = ConnSet.none();
    for (const v of a.variants) {
      for (const w of b.variants) {
        if (!sameFamilyPath(v.endpoint, w.endpoint)) continue;
        const c = evaluator.conns(v, w);
        all = all === undefined ? c : all.intersect(c);
        some = some.union(c);
      }
    }
    r = { all: all ?? ConnSet.none(), some };
    memo.set(b.id, r);
    return r;
  };

  const endpoints = resources.workloads.map((w) => podEndpoints(engine, w));
  const workloadPeers = resources.workloads.map((w, i) => ({
    peer: { type: 'workload', name: w.id, workload: w } as ConnlistPeer,
    profile: profileOf(endpoints[i]!.map((ep) => evaluator.variant(ep))),
  }));
  const families = externalFamilies(engine, options.ipFamilies ?? 'auto');
  const ranges = externalRanges(engine, families);
  const externalPeer = (range: IpRange) => ({
    peer: { type: 'external', name: externalName(range), range } as ConnlistPeer,
    profile: profileOf([evaluator.variant({ type: 'external', ip: { family: range.family, value: range.start } })]),
  });
  const sources = ranges.sources.map(externalPeer);
  const destinations = ranges.destinations.map(externalPeer);

  const entries: ConnlistEntry[] = [];
  const add = (src: (typeof workloadPeers)[number], dst: (typeof workloadPeers)[number]): void => {
    const { all, some } = pairConns(src.profile, dst.profile);
    if (some.isEmpty()) return;
    entries.push({ src: src.peer, dst: dst.peer, conns: all, ...(some.equals(all) ? {} : { partial: some }) });
  };
  // workload pairs: only the candidates the rules allow (see candidates.ts), each evaluated exactly
  const candidates = new Candidates(engine, endpoints);
  workloadPeers.forEach((s, i) => {
    for (const j of candidates.destinations(i)) if (j !== i) add(s, workloadPeers[j]!);
    if (candidates.reachesExternal(i)) for (const d of destinations) add(s, d);
  });
  const reachable = workloadPeers.filter((_, i) => candidates.reachedFromExternal(i));
  for (const s of sources) for (const d of reachable) add(s, d);
  entries.sort((a, b) =>
    a.src.name !== b.src.name ? (a.src.name < b.src.name ? -1 : 1) : a.dst.name < b.dst.name ? -1 : a.dst.name > b.dst.name ? 1 : 0,
  );
  return entries;
}
