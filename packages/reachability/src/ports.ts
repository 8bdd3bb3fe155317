/**
 * Sets of connections: for each NetworkPolicy protocol (TCP, UDP, SCTP) a set of ports 1-65535,
 * as sorted, disjoint, non-adjacent closed intervals. Values are immutable.
 */

/** The protocols a NetworkPolicy can name. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** All NetworkPolicy protocols, in a fixed order. */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** The smallest and largest port a rule or a query can name. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** A closed port interval. */
export type PortRange = readonly [start: number, end: number];

/** Returns true when `value` names a NetworkPolicy protocol. */
export function isProtocol(value: unknown): value is Protocol {
  return value === 'TCP' || value === 'UDP' || value === 'SCTP';
}

function canonical(ranges: readonly PortRange[]): PortRange[] {
  const sorted = ranges
    .map(([s, e]) => [Math.max(s, MIN_PORT), Math.min(e, MAX_PORT)] as const)
    .filter(([s, e]) => s <= e)
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const s = Math.max(x[0], y[0]);
    const e = Math.min(x[1], y[1]);
    if (s <= e) out.push([s, e]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

function isFull(ranges: readonly PortRange[]): boolean {
  return ranges.length === 1 && ranges[0]![0] === MIN_PORT && ranges[0]![1] === MAX_PORT;
}

/** An immutable set of (protocol, port) connections. */
export class ConnSet {
  readonly byProtocol: Readonly<Record<Protocol, readonly PortRange[]>>;

  private constructor(byProtocol: Record<Protocol, readonly PortRange[]>) {
    this.byProtocol = byProtocol;
  }

  /** No connection at all. */
  static none(): ConnSet {
    return NONE;
  }

  /** Every port of every protocol. */
  static all(): ConnSet {
    return ALL;
  }

  /** The given port ranges of one protocol. */
  static of(protocol: Protocol, ranges: readonly PortRange[]): ConnSet {
    const byProtocol: Record<Protocol, readonly PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
    byProtocol[protocol] = canonical(ranges);
    return new ConnSet(byProtocol);
  }

  /** Port ranges of several protocols at once (each list in any order, overlapping or not). */
  static ofRanges(ranges: Readonly<Record<Protocol, readonly PortRange[]>>): ConnSet {
    return new ConnSet({ TCP: canonical(ranges.TCP), UDP: canonical(ranges.UDP), SCTP: canonical(ranges.SCTP) });
  }

  /** Every port of one protocol. */
  static allPorts(protocol: Protocol): ConnSet {
    return ConnSet.of(protocol, [[MIN_PORT, MAX_PORT]]);
  }

  /** True when there is no connection. */
  isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.byProtocol[p].length === 0);
  }

  /** True when every port of every protocol is in the set. */
  isAll(): boolean {
    return PROTOCOLS.every((p) => isFull(this.byProtocol[p]));
  }

  /** True when (protocol, port) is in the set. */
  contains(protocol: Protocol, port: number): boolean {
    return this.byProtocol[protocol].some(([s, e]) => port >= s && port <= e);
  }

  /** The union of two sets. */
  union(other: ConnSet): ConnSet {
    if (this.isAll() || other.isEmpty()) return this;
    if (other.isAll() || this.isEmpty()) return other;
    const byProtocol = { TCP: [], UDP: [], SCTP: [] } as Record<Protocol, readonly PortRange[]>;
    for (const p of PROTOCOLS) byProtocol[p] = canonical([...this.byProtocol[p], ...other.byProtocol[p]]);
    return new ConnSet(byProtocol);
  }

  /** The intersection of two sets. */
  intersect(other: ConnSet): ConnSet {
    if (this.isAll() || other.isEmpty()) return other;
    if (other.isAll() || this.isEmpty()) return this;
    const byProtocol = { TCP: [], UDP: [], SCTP: [] } as Record<Protocol, readonly PortRange[]>;
    for (const p of PROTOCOLS) byProtocol[p] = intersectRanges(this.byProtocol[p], other.byProtocol[p]);
    return new ConnSet(byProtocol);
  }

  /** True when every connection of this set is in `other`. */
  isSubsetOf(other: ConnSet): boolean {
    return this.intersect(other).equals(this);
  }

  /** Structural equality. */
  equals(other: ConnSet): boolean {
    return this.key() === other.key();
  }

  /** A canonical string usable as a map key. */
  key(): string {
    return PROTOCOLS.map((p) => `${p}:${this.byProtocol[p].map(([s, e]) => `${s}-${e}`).join(',')}`).join(';');
  }

  /**
   * netpol-analyzer's form: `All Connections`, `No Connections`, or per protocol
   * `PROTO ports` sorted as strings and joined by `,` (e.g. `TCP 8080,9090,UDP 53`,
   * `SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535`).
   */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    const parts: string[] = [];
    for (const p of PROTOCOLS) {
      const ranges = this.byProtocol[p];
      if (ranges.length === 0) continue;
      parts.push(`${p} ${ranges.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)).join(',')}`);
    }
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return parts.join(',');
  }
}

const NONE = ConnSet.of('TCP', []);
const ALL = (() => {
  const full: PortRange[] = [[MIN_PORT, MAX_PORT]];
  return ConnSet.of('TCP', full).union(ConnSet.of('UDP', full)).union(ConnSet.of('SCTP', full));
})();
