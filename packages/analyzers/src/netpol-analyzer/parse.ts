/**
 * Reading netpol-analyzer's `list -o json` (and txt) output into the common model. Peers are
 * workloads `ns/name[Kind]`, external IPv4 ranges `a.b.c.d-e.f.g.h` (v1.4.4) or
 * `a.b.c.d-e.f.g.h[External]` (later versions), and `{ingress-controller}` for connections it
 * derives from Ingress/Route objects.
 */
import { Connectivity, externalPeer, workloadPeer } from '../connectivity.ts';
import type { Peer, PeerPair } from '../connectivity.ts';
import { parseConnections } from '../connections.ts';
import { parseRange4 } from '../ipv4.ts';

/** The pseudo-peer netpol-analyzer lists for connections allowed through Ingress/Route objects. */
export const INGRESS_CONTROLLER = '{ingress-controller}';

/** One line of netpol-analyzer's output. */
export interface ConnlistLine {
  readonly src: string;
  readonly dst: string;
  readonly conn: string;
}

/** A parsed netpol-analyzer answer. */
export interface NetpolAnalyzerAnswer {
  /** Allowances between workloads and external ranges. */
  readonly connectivity: Connectivity;
  /** Lines whose source is `{ingress-controller}`, kept apart (not NetworkPolicy semantics). */
  readonly ingressControllerLines: readonly ConnlistLine[];
  /** How external ranges were spelled: with the `[External]` suffix, without it, or both. */
  readonly externalSpellings: ReadonlySet<'suffixed' | 'bare'>;
}

/** Parses `list -o json` output: a JSON array of `{src, dst, conn}`. */
export function parseConnlistJson(text: string): ConnlistLine[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const data = JSON.parse(trimmed) as unknown;
  if (!Array.isArray(data)) throw new Error('netpol-analyzer json output is not an array');
  return data.map((item, i) => {
    const o = item as Record<string, unknown>;
    if (typeof o['src'] !== 'string' || typeof o['dst'] !== 'string' || typeof o['conn'] !== 'string') throw new Error(`netpol-analyzer json item ${i} is not {src, dst, conn}: ${JSON.stringify(item)}`);
    return { src: o['src'], dst: o['dst'], conn: o['conn'] };
  });
}

/** Parses txt output: `src => dst : conns` per line. */
export function parseConnlistTxt(text: string): ConnlistLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const m = /^(\S+) => (\S+) : (.+)$/.exec(line.trim());
      if (m === null) throw new Error(`unreadable netpol-analyzer line: ${line}`);
      return { src: m[1]!, dst: m[2]!, conn: m[3]! };
    });
}

function parsePeer(name: string, spellings: Set<'suffixed' | 'bare'>): Peer {
  const suffixed = name.endsWith('[External]');
  const range = parseRange4(suffixed ? name.slice(0, -'[External]'.length) : name);
  if (range !== undefined) {
    spellings.add(suffixed ? 'suffixed' : 'bare');
    return externalPeer(range);
  }
  if (/^[^/\s]+\/[^/\s[\]]+\[[A-Za-z]+\]$/.test(name)) return workloadPeer(name);
  throw new Error(`unreadable netpol-analyzer peer "${name}"`);
}

/** The answer in the common model; `workloads` is the universe (every workload of the input). */
export function netpolAnalyzerAnswer(lines: readonly ConnlistLine[], workloads: Iterable<string>): NetpolAnalyzerAnswer {
  const spellings = new Set<'suffixed' | 'bare'>();
  const ingressControllerLines: ConnlistLine[] = [];
  const pairs: PeerPair[] = [];
  for (const line of lines) {
    if (line.src === INGRESS_CONTROLLER) {
      ingressControllerLines.push(line);
      continue;
    }
    pairs.push({ src: parsePeer(line.src, spellings), dst: parsePeer(line.dst, spellings), conns: parseConnections(line.conn) });
  }
  return { connectivity: Connectivity.of(workloads, pairs), ingressControllerLines, externalSpellings: spellings };
}
