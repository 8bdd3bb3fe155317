/**
 * Comparing two answers in the common model. External ranges are first cut at every boundary
 * either answer uses (the two engines may split the address space differently without
 * disagreeing), then every (source, destination) pair is compared connection by connection.
 * Adjacent external ranges with the same disagreement are merged back for the report.
 */
import { ConnSet } from '@ztp/reachability';
import { subtractConnections } from './connections.ts';
import type { Connectivity, Peer } from './connectivity.ts';
import { externalPeer, peerName } from './connectivity.ts';

/** One pair on which two answers differ. */
export interface Disagreement {
  readonly src: Peer;
  readonly dst: Peer;
  /** Allowed by the left answer only. */
  readonly onlyLeft: ConnSet;
  /** Allowed by the right answer only. */
  readonly onlyRight: ConnSet;
}

/** Every disagreement between two answers about the same workloads, sorted by pair. */
export function compareConnectivity(left: Connectivity, right: Connectivity): Disagreement[] {
  const missing = [...left.workloads].filter((w) => !right.workloads.has(w));
  const extra = [...right.workloads].filter((w) => !left.workloads.has(w));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`the answers are about different workloads (left only: ${missing.join(', ') || '-'}; right only: ${extra.join(', ') || '-'})`);
  }
  const cuts = [...new Set([...left.externalCuts(), ...right.externalCuts()])];
  const l = left.splitExternals(cuts);
  const r = right.splitExternals(cuts);
  const seen = new Set<string>();
  const raw: Disagreement[] = [];
  for (const pair of [...l.pairs(), ...r.pairs()]) {
    const key = `${peerName(pair.src)} => ${peerName(pair.dst)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const a = l.conns(pair.src, pair.dst);
    const b = r.conns(pair.src, pair.dst);
    if (a.equals(b)) continue;
    raw.push({ src: pair.src, dst: pair.dst, onlyLeft: subtractConnections(a, b), onlyRight: subtractConnections(b, a) });
  }
  return mergeAdjacent(raw);
}

function sameDiff(a: Disagreement, b: Disagreement): boolean {
  return a.onlyLeft.equals(b.onlyLeft) && a.onlyRight.equals(b.onlyRight);
}

/** Merges disagreements on adjacent external ranges that differ in the same way. */
function mergeAdjacent(items: readonly Disagreement[]): Disagreement[] {
  const groups = new Map<string, Disagreement[]>();
  for (const d of items) {
    // group by the workload side and the kind of disagreement
    const workloadSide = d.src.type === 'workload' ? `s:${d.src.id}` : '';
    const other = d.dst.type === 'workload' ? `d:${d.dst.id}` : '';
    const key = `${workloadSide}|${other}|${d.src.type}|${d.dst.type}|${d.onlyLeft.key()}|${d.onlyRight.key()}`;
    const list = groups.get(key) ?? [];
    list.push(d);
    groups.set(key, list);
  }
  const out: Disagreement[] = [];
  for (const list of groups.values()) {
    const externalSide = (d: Disagreement) => (d.src.type === 'external' ? d.src : d.dst.type === 'external' ? d.dst : undefined);
    if (externalSide(list[0]!) === undefined) {
      out.push(...list);
      continue;
    }
    const sorted = [...list].sort((a, b) => externalSide(a)!.start - externalSide(b)!.start);
    let current = sorted[0]!;
    for (const next of sorted.slice(1)) {
      const c = externalSide(current)!;
      const n = externalSide(next)!;
      if (c.type === 'external' && n.type === 'external' && c.end + 1 === n.start && sameDiff(current, next)) {
        const merged = externalPeer({ start: c.start, end: n.end });
        current = current.src.type === 'external' ? { ...current, src: merged } : { ...current, dst: merged };
      } else {
        out.push(current);
        current = next;
      }
    }
    out.push(current);
  }
  return out.sort((a, b) => {
    const x = `${peerName(a.src)} => ${peerName(a.dst)}`;
    const y = `${peerName(b.src)} => ${peerName(b.dst)}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** One line per disagreement, naming the two sides: `src => dst : only <left>: ...; only <right>: ...`. */
export function formatDisagreements(items: readonly Disagreement[], leftName: string, rightName: string): string {
  return items
    .map((d) => {
      const parts: string[] = [];
      if (!d.onlyLeft.isEmpty()) parts.push(`only ${leftName} allows ${d.onlyLeft.toString()}`);
      if (!d.onlyRight.isEmpty()) parts.push(`only ${rightName} allows ${d.onlyRight.toString()}`);
      return `${peerName(d.src)} => ${peerName(d.dst)} : ${parts.join('; ')}`;
    })
    .join('\n');
}
