import { Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import type { ExecResult, SourceExec } from '../probe-runner.ts';

/** Where a source runs: its pod and container. */
export interface PodRef {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

function sink(into: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      into.push(chunk);
      done();
    },
  });
}

/** The exit code in an exec's final status (`Success` is 0; `NonZeroExitCode` carries it as a cause). */
export function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message !== undefined ? Number(cause.message) : undefined;
}

/**
 * `SourceExec` for pods: the Kubernetes exec API (what `kubectl exec` uses) over a WebSocket,
 * with `@kubernetes/client-node`. `podOf` maps a plan's source id to its pod.
 */
export class KubeExec implements SourceExec {
  readonly name = 'kubernetes exec';
  readonly #exec: Exec;
  readonly #podOf: (source: string) => PodRef | undefined;

  constructor(config: KubeConfig, podOf: (source: string) => PodRef | undefined) {
    this.#exec = new Exec(config);
    this.#podOf = podOf;
  }

  run(source: string, argv: readonly string[], options: { signal: AbortSignal; timeoutMs: number }): Promise<ExecResult> {
    const ref = this.#podOf(source);
    if (ref === undefined) return Promise.resolve({ stdout: '', stderr: `no pod for source ${source}`, exitCode: undefined });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const text = (b: Buffer[]) => Buffer.concat(b).toString('utf8');
    return new Promise<ExecResult>((resolve) => {
      let settled = false;
      let socket: { close(): void } | undefined;
      const finish = (exitCode: number | undefined, extra = '') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        socket?.close();
        resolve({ stdout: text(out), stderr: `${text(err)}${extra}`, exitCode });
      };
      const onAbort = () => finish(undefined, 'interrupted');
      const timer = setTimeout(() => finish(undefined, `exec timed out after ${options.timeoutMs}ms`), options.timeoutMs);
      options.signal.addEventListener('abort', onAbort, { once: true });
      this.#exec
        .exec(ref.namespace, ref.pod, ref.container, [...argv], sink(out), sink(err), null, false, (status) => {
          // The status arrives before the last output frames may have been written; give them a moment.
          setTimeout(() => finish(exitCodeOf(status), status.status === 'Success' ? '' : ` ${status.message ?? ''}`), 50);
        })
        .then(
          (ws) => {
            socket = ws;
            if (settled) ws.close();
            ws.on('close', () => setTimeout(() => finish(undefined, 'exec connection closed without a status'), 200));
          },
          (e: unknown) => finish(undefined, `exec failed: ${e instanceof Error ? e.message : String(e)}`),
        );
    });
  }
}
