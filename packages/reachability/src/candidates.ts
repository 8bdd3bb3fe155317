/**
 * Candidate destinations of each source workload for the connectivity list, found from the
 * rules instead of by trying every pair: a connection needs the source's egress and the
 * destination's ingress to allow it, so a destination can only be reached
 *
 * - (egress side) when one of the source's pods is not isolated for egress, or a rule of a
 *   policy isolating it matches the destination (by class, by IP, or with no peers at all);
 * - (ingress side) when one of the destination's pods is not isolated for ingress, or a rule of
 *   a policy isolating it matches the source.
 *
 * When the egress side restricts the source, its candidates are the workloads its egress rules
 * match; otherwise (or when that is the larger list) the workloads whose ingress rules match it,
 * plus those open to everyone. Either list is a superset of what the source reaches; every
 * candidate is then evaluated exactly. The work is the size of these lists (the rules' reach),
 * not the square of the number of workloads. External ranges are skipped likewise for
 * workloads whose policies name no address block.
 */
import type { Endpoint, Engine } from './engine.ts';
import type { IpAddress, IpRange } from './ip.ts';

interface IpEntry {
  readonly family: number;
  readonly value: bigint;
  readonly workload: number;
}

function compareIp(a: { family: number; value: bigint }, b: { family: number; value: bigint }): number {
  return a.family !== b.family ? a.family - b.family : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export class Candidates {
  private readonly engine: Engine;
  /** Distinct class ids of each workload's pods. */
  private readonly classesOf: readonly (readonly number[])[];
  private readonly addressesOf: readonly (readonly IpAddress[])[];
  /** Workloads having a pod of each class. */
  private readonly workloadsOfClass: readonly (readonly number[])[];
  /** Every known pod address with its workload, sorted by (family, value). */
  private readonly ips: readonly IpEntry[];
  /** Classes not isolated for egress, or isolated by a policy with a rule open to every peer. */
  private readonly egressOpen: Uint8Array;
  /** Workloads with a pod not isolated for ingress, or isolated by a policy with a rule open to every peer. */
  private readonly ingressOpen: readonly number[];
  /** Per class: ingress rules (ids) whose selector peers match it. */
  private readonly ingressRulesOfSource: readonly (readonly number[])[];
  /** Per policy: the classes it isolates for ingress. */
  private readonly ingressIsolated: readonly (readonly number[])[];
  private readonly ipIngressRules;
  private readonly stamp: Int32Array;
  private stampValue = 0;

  constructor(engine: Engine, endpoints: readonly (readonly Endpoint[])[]) {
    this.engine = engine;
    const classCount = engine.classes.length;
    const workloadsOfClass: number[][] = Array.from({ length: classCount }, () => []);
    const ips: IpEntry[] = [];
    this.classesOf = endpoints.map((eps, w) => {
      const ids = new Set<number>();
      for (const ep of eps) {
        if (ep.type !== 'pod') continue;
        ids.add(ep.classId);
        if (ep.ip !== undefined) ips.push({ family: ep.ip.family, value: ep.ip.value, workload: w });
      }
      for (const id of ids) workloadsOfClass[id]!.push(w);
      return [...ids];
    });
    this.addressesOf = endpoints.map((eps) => eps.flatMap((ep) => (ep.ip !== undefined ? [ep.ip] : [])));
    ips.sort(compareIp);
    this.ips = ips;
    this.workloadsOfClass = workloadsOfClass;

    const open = (policies: readonly number[], direction: 'ingress' | 'egress'): boolean =>
      policies.length === 0 || policies.some((p) => (engine.policies[p]![direction] ?? []).some((r) => r.allPeers));
    this.egressOpen = Uint8Array.from(engine.classes, (c) => (open(engine.egressPolicies[c.id]!, 'egress') ? 1 : 0));
    const ingressOpenClass = engine.classes.map((c) => open(engine.ingressPolicies[c.id]!, 'ingress'));
    this.ingressOpen = this.classesOf.flatMap((ids, w) => (ids.some((id) => ingressOpenClass[id]) ? [w] : []));

    const rulesOfSource: number[][] = Array.from({ length: classCount }, () => []);
    for (const r of engine.ingressRules) if (!r.allPeers) r.classMatch.forEach((id) => rulesOfSource[id]!.push(r.id));
    this.ingressRulesOfSource = rulesOfSource;
    const isolated: number[][] = engine.policies.map(() => []);
    engine.ingressPolicies.forEach((policies, classId) => {
      for (const p of policies) isolated[p]!.push(classId);
    });
    this.ingressIsolated = isolated;
    this.ipIngressRules = engine.ingressRules.filter((r) => !r.allPeers && !r.ipSet.isEmpty());
    this.stamp = new Int32Array(endpoints.length);
  }

  /** Workloads with a pod address in `range`. */
  private workloadsIn(range: IpRange, add: (w: number) => void): void {
    const ips = this.ips;
    let lo = 0;
    let hi = ips.length;
    const start = { family: range.family, value: range.start };
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIp(ips[mid]!, start) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < ips.length && ips[i]!.family === range.family && ips[i]!.value <= range.end; i++) add(ips[i]!.workload);
  }

  /** The egress policies isolating the source's pods, or undefined when one of its pods is open for egress. */
  private egressPolicies(source: number): number[] | undefined {
    const policies = new Set<number>();
    for (const id of this.classesOf[source]!) {
      if (this.egressOpen[id] === 1) return undefined;
      for (const p of this.engine.egressPolicies[id]!) policies.add(p);
    }
    return [...policies];
  }

  /**
   * False when no pod of `source` can reach any external address: every one is isolated for
   * egress by policies whose rules have neither an ipBlock nor an open peer list.
   */
  reachesExternal(source: number): boolean {
    const egress = this.egressPolicies(source);
    return egress === undefined || egress.some((p) => (this.engine.policies[p]!.egress ?? []).some((r) => !r.ipSet.isEmpty()));
  }

  /**
   * False when no external address can reach any pod of `destination`: every one is isolated
   * for ingress by policies whose rules have neither an ipBlock nor an open peer list.
   */
  reachedFromExternal(destination: number): boolean {
    const engine = this.engine;
    for (const id of this.classesOf[destination]!) {
      const policies = engine.ingressPolicies[id]!;
      if (policies.length === 0) return true;
      for (const p of policies) for (const r of engine.policies[p]!.ingress ?? []) if (r.allPeers || !r.ipSet.isEmpty()) return true;
    }
    return false;
  }

  /**
   * A superset of the workloads `source` may reach (it may include `source` itself), without
   * duplicates.
   */
  destinations(source: number): number[] {
    const engine = this.engine;
    const out: number[] = [];
    const mark = ++this.stampValue;
    const add = (w: number): void => {
      if (this.stamp[w] !== mark) {
        this.stamp[w] = mark;
        out.push(w);
      }
    };
    const addClass = (id: number): void => {
      for (const w of this.workloadsOfClass[id]!) add(w);
    };

    const egress = this.egressPolicies(source);
    const ingressRules = new Set<number>();
    for (const id of this.classesOf[source]!) for (const r of this.ingressRulesOfSource[id]!) ingressRules.add(r);
    for (const ip of this.addressesOf[source]!) for (const r of this.ipIngressRules) if (r.ipSet.contains(ip)) ingressRules.add(r.id);
    let ingressCost = this.ingressOpen.length;
    for (const r of ingressRules) ingressCost += this.ingressIsolated[engine.ingressRules[r]!.policy]!.length;

    if (egress !== undefined) {
      let egressCost = 0;
      for (const p of egress) for (const r of engine.policies[p]!.egress ?? []) egressCost += r.classMatch.size + r.ipSet.ranges.length;
      if (egressCost <= ingressCost) {
        for (const p of egress) {
          for (const r of engine.policies[p]!.egress ?? []) {
            r.classMatch.forEach(addClass);
            for (const range of r.ipSet.ranges) this.workloadsIn(range, add);
          }
        }
        return out;
      }
    }
    for (const w of this.ingressOpen) add(w);
    for (const r of ingressRules) for (const id of this.ingressIsolated[engine.ingressRules[r]!.policy]!) addClass(id);
    return out;
  }
}
