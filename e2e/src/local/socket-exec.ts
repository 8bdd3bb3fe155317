import { createConnection } from 'node:net';
import type { ExecResult, SourceExec } from '../probe-runner.ts';

/**
 * `SourceExec` for local pods whose agent serves a control socket (`agent.ts serve --control`):
 * a probe is one request on the source pod's socket, answered from inside its network namespace
 * by the long-running agent, instead of a new process per probe. Only `probe` commands can be
 * sent; the reply is exactly what `agent.ts probe` would print.
 */
export class SocketExec implements SourceExec {
  readonly name = 'agent control socket';
  readonly #socketOf: (source: string) => string | undefined;

  constructor(socketOf: (source: string) => string | undefined) {
    this.#socketOf = socketOf;
  }

  run(source: string, argv: readonly string[], options: { signal: AbortSignal; timeoutMs: number }): Promise<ExecResult> {
    const path = this.#socketOf(source);
    const at = argv.indexOf('probe');
    if (path === undefined) return Promise.resolve({ stdout: '', stderr: `no agent socket for source ${source}`, exitCode: undefined });
    if (at < 0) return Promise.resolve({ stdout: '', stderr: `only probe commands go through the agent socket, not: ${argv.join(' ')}`, exitCode: undefined });
    return new Promise((resolve) => {
      let out = '';
      let settled = false;
      const finish = (r: ExecResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        conn.destroy();
        resolve(r);
      };
      const onAbort = () => finish({ stdout: out, stderr: 'interrupted', exitCode: undefined });
      const timer = setTimeout(() => finish({ stdout: out, stderr: `timed out after ${options.timeoutMs}ms`, exitCode: undefined }), options.timeoutMs);
      options.signal.addEventListener('abort', onAbort, { once: true });
      const conn = createConnection(path);
      conn.setEncoding('utf8');
      conn.on('connect', () => conn.write(`${JSON.stringify(argv.slice(at + 1))}\n`));
      conn.on('data', (chunk: string) => (out += chunk));
      conn.on('end', () => {
        const error = /^\{"error":/.test(out.trim()) ? (JSON.parse(out) as { error: string }).error : undefined;
        finish(error === undefined ? { stdout: out, stderr: '', exitCode: 0 } : { stdout: '', stderr: error, exitCode: 2 });
      });
      conn.on('error', (e) => finish({ stdout: out, stderr: `agent socket ${path}: ${e.message}`, exitCode: undefined }));
    });
  }
}
