/**
 * Connection sets in netpol-analyzer's spelling (`All Connections`, `No Connections`,
 * `TCP 80,8080-8090,UDP 53`) and the set difference `ConnSet` does not offer.
 */
import { ConnSet, isProtocol, MAX_PORT, MIN_PORT, PROTOCOLS } from '@ztp/reachability';
import type { PortRange, Protocol } from '@ztp/reachability';

/**
 * Parses a connection string as netpol-analyzer prints it: `All Connections`, `No Connections`,
 * or comma-separated items where `PROTO ports` starts a protocol and a bare `ports` item continues
 * it (`TCP 1-79,81-65535,UDP 53`). Throws on anything else.
 */
export function parseConnections(text: string): ConnSet {
  const trimmed = text.trim();
  if (trimmed === 'All Connections') return ConnSet.all();
  if (trimmed === 'No Connections') return ConnSet.none();
  let result = ConnSet.none();
  let protocol: Protocol | undefined;
  for (const item of trimmed.split(',')) {
    const m = /^(?:([A-Z]+) )?(\d+)(?:-(\d+))?$/.exec(item.trim());
    if (m === null) throw new Error(`unreadable connections "${text}" (at "${item}")`);
    if (m[1] !== undefined) {
      if (!isProtocol(m[1])) throw new Error(`unknown protocol ${m[1]} in connections "${text}"`);
      protocol = m[1];
    }
    if (protocol === undefined) throw new Error(`connections "${text}" start without a protocol`);
    const start = Number(m[2]);
    const end = m[3] === undefined ? start : Number(m[3]);
    if (start < MIN_PORT || end > MAX_PORT || start > end) throw new Error(`bad port range ${item} in connections "${text}"`);
    result = result.union(ConnSet.of(protocol, [[start, end]]));
  }
  return result;
}

function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const [s, e] of a) {
    let start = s;
    for (const [bs, be] of b) {
      if (be < start || bs > e) continue;
      if (bs > start) out.push([start, bs - 1]);
      start = Math.max(start, be + 1);
      if (start > e) break;
    }
    if (start <= e) out.push([start, e]);
  }
  return out;
}

/** The connections of `a` that are not in `b`. */
export function subtractConnections(a: ConnSet, b: ConnSet): ConnSet {
  let result = ConnSet.none();
  for (const p of PROTOCOLS) result = result.union(ConnSet.of(p, subtractRanges(a.byProtocol[p], b.byProtocol[p])));
  return result;
}

/** The (protocol, port range) items of a set, protocol by protocol in a fixed order. */
export function connectionItems(set: ConnSet): { protocol: Protocol; ports: PortRange }[] {
  return PROTOCOLS.flatMap((protocol) => set.byProtocol[protocol].map((ports) => ({ protocol, ports })));
}
