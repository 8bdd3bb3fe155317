import { parseAgentOutput, type Observation, type Outcome } from './outcome.ts';
import type { ProbeCell } from './probe-plan.ts';

/** What one command run inside a source produced. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** undefined when the process did not finish (killed, timed out, the exec itself failed). */
  readonly exitCode: number | undefined;
}

/**
 * How to run a command inside a source's network: a Kubernetes exec into the source pod for
 * kind (`KubeExec`), `ip netns exec` for sources that are local network namespaces (`NetnsExec`).
 * The runner never knows which; issue 9 plugs its local pods in here.
 */
export interface SourceExec {
  /** For reports: `kubernetes exec`, `ip netns exec`. */
  readonly name: string;
  /** Runs `argv` in `source` (a source id of the plan). Resolves, never rejects, for a command that ran or failed to. */
  run(source: string, argv: readonly string[], options: { readonly signal: AbortSignal; readonly timeoutMs: number }): Promise<ExecResult>;
}

/**
 * Something to wait for before the first probe: that the dataplane has realized the policies
 * (Cilium's policy revision on every endpoint). Resolves with a sentence for the log.
 */
export interface PolicyBarrier {
  readonly name: string;
  waitRealized(signal: AbortSignal): Promise<string>;
}

/** Progress, reported after every attempt. */
export interface Progress {
  readonly total: number;
  readonly done: number;
  readonly passed: number;
  readonly failed: number;
  /** Cells being probed now. */
  readonly running: readonly string[];
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** The result of one cell: whether what was seen matches the expectation. */
export interface CellResult {
  readonly cell: ProbeCell;
  readonly ok: boolean;
  /** The last attempt (the one that matched, or the last one before the cell's timeout). */
  readonly observed: Observation;
  readonly attempts: number;
  /** The distinct outcomes seen, in order (`dropped → connected` shows a policy arriving late). */
  readonly seen: readonly Outcome[];
  readonly ms: number;
}

/** A whole run. */
export interface RunResult {
  readonly results: readonly CellResult[];
  /** Cells never probed because the run was interrupted. */
  readonly notRun: readonly ProbeCell[];
  readonly interrupted: boolean;
  readonly barrier?: string;
  readonly durationMs: number;
}

/** Options of `runProbeMatrix`. */
export interface RunnerOptions {
  readonly exec: SourceExec;
  /** The address a target is reached at from the sources. For the cluster DNS: the DNS server, or undefined for the source's own resolver. */
  readonly addressOf: (target: string) => string | undefined;
  /** How the agent is started inside a source, e.g. `['node', '/agent/agent.ts']`. */
  readonly agent: readonly string[];
  /** Probes in flight at once; default 8. */
  readonly concurrency?: number;
  /** One attempt's timeout inside the agent (what counts as `dropped`); default 2000 ms. */
  readonly attemptTimeoutMs?: number;
  /** Extra time the exec itself may take beyond the attempt; default 10000 ms. */
  readonly execGraceMs?: number;
  /** A cell is repeated until it matches its expectation or this much time has passed; default 30000 ms. */
  readonly cellTimeoutMs?: number;
  /** Pause between attempts of one cell; default 500 ms. */
  readonly retryDelayMs?: number;
  readonly barrier?: PolicyBarrier;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** Called when a cell is decided. */
  readonly onResult?: (r: CellResult) => void;
}

/** The agent command line of one attempt at `cell`, or why it cannot be made. */
export function agentArgs(cell: ProbeCell, address: string | undefined, timeoutMs: number): string[] | { error: string } {
  const timeout = ['--timeout-ms', String(timeoutMs)];
  if (cell.probe === 'dns') {
    return ['probe', 'dns', '--name', cell.name ?? 'kubernetes.default.svc.cluster.local', ...(address === undefined ? [] : ['--server', address, '--port', String(cell.port)]), ...timeout];
  }
  if (address === undefined) return { error: `no address for ${cell.target}` };
  const request = cell.probe === 'http' ? ['--method', cell.request?.method ?? 'GET', '--path', cell.request?.path ?? '/'] : [];
  return ['probe', cell.probe, '--host', address, '--port', String(cell.port), ...request, ...timeout];
}

/**
 * Orders cells so that every expected denial is probed before any expected success: a denial
 * can only be seen once the policies are in place, so by the time a success is probed it cannot
 * pass merely because the default deny had not arrived yet. Otherwise the plan's order is kept.
 */
export function denialsFirst(cells: readonly ProbeCell[]): ProbeCell[] {
  return [...cells.filter((c) => c.expected !== 'connected'), ...cells.filter((c) => c.expected === 'connected')];
}

/** Outcomes that show a packet reached the destination (or its proxy). */
const REACHED: ReadonlySet<Outcome> = new Set<Outcome>(['connected', 'refused', 'reset', 'http-403', 'http-error']);

/**
 * Whether an observation shows more allowed than the cell expects: anything that reached the
 * destination where a drop is expected, an application's answer where an L7 refusal is. Such a cell fails at
 * once: retried, one attempt that times out (load, a lost SYN) would pass it.
 */
export function beyondExpected(expected: ProbeCell['expected'], outcome: Outcome): boolean {
  if (expected === 'dropped') return REACHED.has(outcome);
  // an answer other than 403 came from the application: the request passed the L7 rules
  if (expected === 'http-403') return outcome === 'connected' || outcome === 'http-error';
  return false;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Probes every cell from its source through `exec`, at most `concurrency` at once, each repeated
 * until what it sees matches the expectation or `cellTimeoutMs` has passed (a connection may need
 * its destination and DNS to settle; a cell fails when it never matched), except that a cell
 * which sees more allowed than it expects fails at once (see `beyondExpected`). Waits for `barrier` first. On abort
 * it stops starting cells, lets the running attempts end, and reports the rest as not run.
 */
export async function runProbeMatrix(cells: readonly ProbeCell[], options: RunnerOptions): Promise<RunResult> {
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 2000;
  const execGraceMs = options.execGraceMs ?? 10_000;
  const cellTimeoutMs = options.cellTimeoutMs ?? 30_000;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const barrier = options.barrier && !signal.aborted ? await options.barrier.waitRealized(signal) : undefined;

  const queue = denialsFirst(cells);
  const results: CellResult[] = [];
  const running = new Set<string>();
  let attempts = 0;
  let next = 0;
  const progress = () =>
    options.onProgress?.({
      total: cells.length,
      done: results.length,
      passed: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      running: [...running],
      attempts,
      elapsedMs: Date.now() - started,
    });

  const attempt = async (cell: ProbeCell): Promise<Observation> => {
    const args = agentArgs(cell, options.addressOf(cell.target), attemptTimeoutMs);
    if (!Array.isArray(args)) return { outcome: 'error', detail: args.error };
    const r = await options.exec.run(cell.source, [...options.agent, ...args], { signal, timeoutMs: attemptTimeoutMs + execGraceMs });
    return parseAgentOutput(r.stdout, r.stderr, r.exitCode);
  };

  const probeCell = async (cell: ProbeCell): Promise<CellResult> => {
    const t0 = Date.now();
    const deadline = t0 + cellTimeoutMs;
    const seen: Outcome[] = [];
    let n = 0;
    for (;;) {
      n++;
      attempts++;
      const observed = await attempt(cell);
      if (seen.at(-1) !== observed.outcome) seen.push(observed.outcome);
      progress();
      const ok = observed.outcome === cell.expected;
      // more got through than the cell allows: a wrong allow, not a policy still arriving (the
      // barrier waited for them), so it is not retried until some attempt happens to time out
      const through = beyondExpected(cell.expected, observed.outcome);
      if (ok || through || signal.aborted || Date.now() + retryDelayMs >= deadline) return { cell, ok, observed, attempts: n, seen, ms: Date.now() - t0 };
      await sleep(retryDelayMs, signal);
    }
  };

  const worker = async () => {
    while (!signal.aborted && next < queue.length) {
      const cell = queue[next++]!;
      running.add(cell.id);
      const r = await probeCell(cell);
      running.delete(cell.id);
      if (signal.aborted && !r.ok) continue; // cut short: not run, rather than failed
      results.push(r);
      options.onResult?.(r);
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  const doneIds = new Set(results.map((r) => r.cell.id));
  // Report in the plan's order, not the order cells finished.
  const order = new Map(cells.map((c, i) => [c.id, i]));
  results.sort((a, b) => (order.get(a.cell.id) ?? 0) - (order.get(b.cell.id) ?? 0));
  return {
    results,
    notRun: cells.filter((c) => !doneIds.has(c.id)),
    interrupted: signal.aborted,
    ...(barrier === undefined ? {} : { barrier }),
    durationMs: Date.now() - started,
  };
}
