import type { AgentResult } from './agent/agent.ts';

/**
 * How one probe attempt ended, as a client sees it:
 * - `connected`: the connection was made (TCP), the echo came back (UDP), a 2xx answer came
 *   (HTTP), or the name resolved (DNS);
 * - `dropped`: nothing came back before the timeout (a policy drop);
 * - `refused`: the destination answered with a RST / ICMP port unreachable: the packet got
 *   through, nobody listens there;
 * - `reset`: the connection was made and then reset (a proxy refusing it);
 * - `http-403`: an HTTP request answered 403 (an L7 rule refused it);
 * - `http-error`: any other HTTP answer, or no answer on an open connection;
 * - `dns-failure`: a name did not resolve (timeout, refused, not found);
 * - `unreachable`: ICMP host or network unreachable;
 * - `error`: the probe could not be made at all (exec failed, agent missing, bad output).
 */
export type Outcome = 'connected' | 'dropped' | 'refused' | 'reset' | 'http-403' | 'http-error' | 'dns-failure' | 'unreachable' | 'error';

/** What the expected matrix can hold: the three ways a zero-trust bundle answers. */
export type ExpectedOutcome = Extract<Outcome, 'connected' | 'dropped' | 'http-403'>;

/** One attempt, classified. */
export interface Observation {
  readonly outcome: Outcome;
  /** What exactly was seen: error code, HTTP status, addresses. */
  readonly detail: string;
  /** How long the attempt took, as the agent measured it. */
  readonly ms?: number;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ENOTIMP', 'EREFUSED', 'ETIMEOUT', 'ECONNREFUSED', 'NOTFOUND', 'ECANCELLED', 'EBADRESP']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

/** Classifies what the agent reported for one attempt. */
export function classify(r: AgentResult): Observation {
  const at = (o: Outcome, detail: string): Observation => ({ outcome: o, detail, ms: r.ms });
  if (r.probe === 'dns') {
    if (r.ok) return at('connected', `resolved to ${(r.addresses ?? []).join(', ') || 'no address'}`);
    return at('dns-failure', `${r.code ?? 'failed'}${r.code === 'ETIMEOUT' ? ' (no DNS answer in time)' : ''}`);
  }
  if (r.ok) {
    if (r.probe !== 'http') return at('connected', r.probe === 'udp' ? 'echo received' : 'connection established');
    const status = r.status ?? 0;
    if (status === 403) return at('http-403', `HTTP 403${r.body ? ` ${JSON.stringify(r.body.trim().slice(0, 60))}` : ''}`);
    if (status >= 200 && status < 300) return at('connected', `HTTP ${status}`);
    return at('http-error', `HTTP ${status}${r.body ? ` ${JSON.stringify(r.body.trim().slice(0, 60))}` : ''}`);
  }
  const code = r.code ?? 'unknown error';
  if (r.phase === 'connect' && DNS_CODES.has(code) && code !== 'ECONNREFUSED') return at('dns-failure', `${code} resolving the destination name`);
  if (code === 'ETIMEDOUT') {
    if (r.probe === 'http' && r.phase === 'response') return at('http-error', 'connected, no HTTP response before the timeout');
    return at('dropped', `no answer within ${r.ms}ms`);
  }
  if (code === 'ECONNREFUSED') return at('refused', r.probe === 'udp' ? 'ICMP port unreachable' : 'connection refused (RST)');
  if (RESET_CODES.has(code)) return at('reset', `${code}${r.phase === 'response' ? ' after connecting' : ''}`);
  if (UNREACHABLE_CODES.has(code)) return at('unreachable', code);
  return at('error', code);
}

/**
 * Reads what one exec of `agent.ts probe` produced. Anything but one well-formed result line
 * (the exec failed, the agent is missing, it crashed) is an `error` observation that says why,
 * never a guess at a network outcome.
 */
export function parseAgentOutput(stdout: string, stderr: string, exitCode: number | undefined): Observation {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .at(-1);
  const why = () => `${stderr.trim().split('\n').slice(-3).join(' | ') || stdout.trim().slice(0, 200) || 'no output'}${exitCode === undefined ? '' : ` (exit ${exitCode})`}`;
  if (line === undefined || exitCode !== 0) return { outcome: 'error', detail: `probe did not run: ${why()}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { outcome: 'error', detail: `unreadable probe output: ${line.slice(0, 200)}` };
  }
  const r = parsed as Partial<AgentResult>;
  if (!r || (r.probe !== 'tcp' && r.probe !== 'http' && r.probe !== 'udp' && r.probe !== 'dns') || typeof r.ok !== 'boolean' || typeof r.ms !== 'number') {
    return { outcome: 'error', detail: `unexpected probe output: ${line.slice(0, 200)}` };
  }
  return classify(r as AgentResult);
}

/** Short symbols for the matrix. */
export const OUTCOME_SYMBOL: Readonly<Record<Outcome, string>> = {
  connected: 'ok',
  dropped: 'drop',
  refused: 'rst',
  reset: 'reset',
  'http-403': '403',
  'http-error': 'http?',
  'dns-failure': 'dns',
  unreachable: 'unr',
  error: 'err',
};
