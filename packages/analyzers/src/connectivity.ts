/**
 * The common model every engine's answer is turned into: the set of allowances
 * (source, destination, protocol, port range). Sources and destinations are workloads, named as
 * netpol-analyzer and @ztp/reachability name them (`ns/name[Kind]`), or external IPv4 ranges.
 * A workload is never paired with itself; two external ranges are never paired.
 */
import { ConnSet } from '@ztp/reachability';
import type { PortRange, Protocol } from '@ztp/reachability';
import { connectionItems } from './connections.ts';
import { formatRange4 } from './ipv4.ts';
import type { Ipv4Range } from './ipv4.ts';

/** One side of an allowance. */
export type Peer = { readonly type: 'workload'; readonly id: string } | ({ readonly type: 'external' } & Ipv4Range);

/** One allowed (source, destination, protocol, port range). */
export interface Allowance {
  readonly src: Peer;
  readonly dst: Peer;
  readonly protocol: Protocol;
  readonly ports: PortRange;
}

/** The connections allowed from one peer to another. */
export interface PeerPair {
  readonly src: Peer;
  readonly dst: Peer;
  readonly conns: ConnSet;
}

/** A workload peer. */
export function workloadPeer(id: string): Peer {
  return { type: 'workload', id };
}

/** An external peer. */
export function externalPeer(range: Ipv4Range): Peer {
  return { type: 'external', start: range.start, end: range.end };
}

/** How a peer is printed: its workload id, or its range `a.b.c.d-e.f.g.h`. */
export function peerName(peer: Peer): string {
  return peer.type === 'workload' ? peer.id : formatRange4(peer);
}

function pairKey(src: Peer, dst: Peer): string {
  return `${peerName(src)} => ${peerName(dst)}`;
}

function comparePeers(a: Peer, b: Peer): number {
  if (a.type !== b.type) return a.type === 'external' ? -1 : 1;
  if (a.type === 'external' && b.type === 'external') return a.start - b.start || a.end - b.end;
  const x = peerName(a);
  const y = peerName(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * An immutable set of allowances, stored per (source, destination) pair; pairs with no
 * connection are not stored. `workloads` is the universe of workloads the answer is about.
 */
export class Connectivity {
  readonly workloads: ReadonlySet<string>;
  private readonly byPair: ReadonlyMap<string, PeerPair>;

  private constructor(workloads: ReadonlySet<string>, byPair: ReadonlyMap<string, PeerPair>) {
    this.workloads = workloads;
    this.byPair = byPair;
  }

  /**
   * Builds the set from pairs (pairs named twice are united). Throws when a pair names a
   * workload outside `workloads`, pairs a workload with itself, or pairs two external ranges.
   */
  static of(workloads: Iterable<string>, pairs: Iterable<PeerPair>): Connectivity {
    const universe = new Set(workloads);
    const byPair = new Map<string, PeerPair>();
    for (const pair of pairs) {
      for (const side of [pair.src, pair.dst]) {
        if (side.type === 'workload' && !universe.has(side.id)) throw new Error(`connectivity names unknown workload ${side.id}`);
      }
      if (pair.src.type === 'external' && pair.dst.type === 'external') throw new Error(`connectivity pairs two external ranges: ${pairKey(pair.src, pair.dst)}`);
      if (pair.src.type === 'workload' && pair.dst.type === 'workload' && pair.src.id === pair.dst.id) throw new Error(`connectivity pairs ${pair.src.id} with itself`);
      if (pair.conns.isEmpty()) continue;
      const key = pairKey(pair.src, pair.dst);
      const previous = byPair.get(key);
      byPair.set(key, previous === undefined ? pair : { ...pair, conns: previous.conns.union(pair.conns) });
    }
    return new Connectivity(universe, byPair);
  }

  /** Every pair with some connection, sorted (external sources first, then by name). */
  pairs(): PeerPair[] {
    return [...this.byPair.values()].sort((a, b) => comparePeers(a.src, b.src) || comparePeers(a.dst, b.dst));
  }

  /** The connections from `src` to `dst` (none when the pair is absent). */
  conns(src: Peer, dst: Peer): ConnSet {
    return this.byPair.get(pairKey(src, dst))?.conns ?? ConnSet.none();
  }

  /** Every allowance, sorted by pair, then protocol, then port. */
  allowances(): Allowance[] {
    return this.pairs().flatMap((pair) => connectionItems(pair.conns).map((item) => ({ src: pair.src, dst: pair.dst, ...item })));
  }

  /** Every address where an external range starts or ends + 1 (the cuts this answer makes). */
  externalCuts(): number[] {
    const cuts = new Set<number>();
    for (const { src, dst } of this.byPair.values()) {
      for (const side of [src, dst]) {
        if (side.type === 'external') {
          cuts.add(side.start);
          cuts.add(side.end + 1);
        }
      }
    }
    return [...cuts].sort((a, b) => a - b);
  }

  /** The same allowances with every external range split at `cuts` (addresses that start a piece). */
  splitExternals(cuts: readonly number[]): Connectivity {
    const sorted = [...new Set(cuts)].sort((a, b) => a - b);
    const split = (peer: Peer): Peer[] => {
      if (peer.type === 'workload') return [peer];
      const pieces: Peer[] = [];
      let start = peer.start;
      for (const cut of sorted) {
        if (cut <= start) continue;
        if (cut > peer.end) break;
        pieces.push(externalPeer({ start, end: cut - 1 }));
        start = cut;
      }
      pieces.push(externalPeer({ start, end: peer.end }));
      return pieces;
    };
    const pairs: PeerPair[] = [];
    for (const pair of this.byPair.values()) {
      for (const src of split(pair.src)) for (const dst of split(pair.dst)) pairs.push({ src, dst, conns: pair.conns });
    }
    return Connectivity.of(this.workloads, pairs);
  }

  /** Only the pairs whose workloads are all in `workloads` (external peers kept); the universe becomes `workloads`. */
  restrict(workloads: Iterable<string>): Connectivity {
    const keep = new Set([...workloads].filter((w) => this.workloads.has(w)));
    const inside = (peer: Peer) => peer.type === 'external' || keep.has(peer.id);
    return Connectivity.of(
      keep,
      [...this.byPair.values()].filter((p) => inside(p.src) && inside(p.dst)),
    );
  }

  /** The allowances, one line per pair, in netpol-analyzer's txt form (ranges without `[External]`). */
  toString(): string {
    return this.pairs()
      .map((p) => `${peerName(p.src)} => ${peerName(p.dst)} : ${p.conns.toString()}`)
      .join('\n');
  }
}
