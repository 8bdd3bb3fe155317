import { execa, type ResultPromise } from 'execa';

/*
 * Every process the library starts is registered here and killed when its cluster stops, and
 * also when this Node process exits or gets SIGINT/SIGTERM (Ctrl-C), so a failed or interrupted
 * test never leaves an etcd, apiserver or dataplane behind.
 */

const live = new Set<ResultPromise>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/** A started background process, with the tail of its output for error messages. */
export interface Started {
  readonly name: string;
  readonly child: ResultPromise;
  /** The last lines it printed (stdout and stderr), for saying why it failed. */
  output(): string;
  /** Whether it has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `command` in the background; its output is kept (last 200 lines) instead of printed. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Started {
  hook();
  const child = execa(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    all: true,
    cleanup: true,
  });
  live.add(child);
  const lines: string[] = [];
  let done = false;
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line !== '') lines.push(line);
    if (lines.length > 400) lines.splice(0, lines.length - 200);
  });
  void child.then(() => {
    done = true;
    live.delete(child);
  });
  return {
    name,
    child,
    output: () => lines.slice(-200).join('\n'),
    exited: () => done,
    async stop(graceMs = 3000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await child;
      clearTimeout(timer);
      live.delete(child);
    },
  };
}
