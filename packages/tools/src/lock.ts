import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { toolsDir } from './cache.ts';
import type { Env, ToolSpec } from './types.ts';

/*
 * One build of a tool at a time across processes (several engineers, CI and Nx tasks may run
 * install-tools at once): `<toolsDir>/.lock-<name>-<version>` holds the pid of the process that
 * builds. A lock whose process is gone is stale and taken over.
 */

export function lockFile(tool: ToolSpec, env: Env = process.env): string {
  return join(toolsDir(env), `.lock-${tool.name}-${tool.version}`);
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  readonly env?: Env;
  /** How often to look again while another process holds the lock (default 2 s). */
  readonly pollMs?: number;
  /** Give up after this long (default 60 min). */
  readonly timeoutMs?: number;
  /** Called once when the lock is held by another live process, with its pid. */
  readonly onWait?: (pid: number) => void;
}

/** Takes the build lock of `tool`, waiting while another live process holds it; returns its release. */
export async function acquireToolLock(tool: ToolSpec, options: LockOptions = {}): Promise<() => Promise<void>> {
  const path = lockFile(tool, options.env);
  const deadline = Date.now() + (options.timeoutMs ?? 60 * 60_000);
  let told = false;
  let empty = 0;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await unlink(path).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile: try again
    if (text.trim() === '') {
      // Just created by another process that has not written its pid yet (or died right then).
      if (++empty < 50) {
        await sleep(100);
        continue;
      }
    }
    const holder = Number(text.trim());
    if (!isAlive(holder)) {
      // Stale: its process is gone. Take it over, unless someone else just did.
      const again = await readFile(path, 'utf8').catch(() => undefined);
      if (again === text) await unlink(path).catch(() => {});
      continue;
    }
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for process ${holder} to finish building ${tool.name} ${tool.version} (lock ${path})`);
    }
    await sleep(options.pollMs ?? 2000);
  }
}
