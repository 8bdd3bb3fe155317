import { execFileSync } from 'node:child_process';
import { execa } from 'execa';

/*
 * Network namespace housekeeping shared by everything that makes namespaces for tests and
 * proofs (the pod network here, the e2e suite's labs): names carry the creating process's pid,
 * so namespaces left by a process that died (kill -9 skips cleanup) can be found and removed.
 */

/** Whether process `pid` is alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Kills every process still inside `netns`, then deletes it (absent is fine). */
export async function deleteNetns(netns: string): Promise<void> {
  const pids = await execa('ip', ['netns', 'pids', netns], { reject: false });
  for (const pid of String(pids.stdout).split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await execa('ip', ['netns', 'delete', netns], { reject: false });
}

/** The synchronous last resort on process exit: SIGKILL the given processes, delete the namespaces. */
export function destroyNetnsSync(pids: readonly (number | undefined)[], namespaces: readonly string[]): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const ns of namespaces) {
    try {
      execFileSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
    } catch {
      // not there
    }
  }
}

/** Deletes the namespaces named `<prefix><pid>-...` whose pid is dead. Returns their names. */
export async function sweepStaleNetns(prefix: string): Promise<string[]> {
  const list = await execa('ip', ['netns', 'list'], { reject: false });
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)-`);
  const stale = String(list.stdout)
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => {
      const m = pattern.exec(n);
      return m !== null && !isProcessAlive(Number(m[1]));
    });
  for (const ns of stale) await deleteNetns(ns);
  return stale;
}

/**
 * Ends `children` (SIGTERM, then SIGKILL for those still running after `graceMs`) and deletes
 * `namespaces` in reverse order (pods before the router or switch they hang off).
 */
export async function destroyNetns(
  children: readonly { kill(signal: NodeJS.Signals): boolean | void }[],
  running: (child: (typeof children)[number]) => boolean,
  settled: Promise<unknown>,
  namespaces: readonly string[],
  graceMs: number,
): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.race([settled, new Promise((r) => setTimeout(r, graceMs))]);
  for (const c of children) if (running(c)) c.kill('SIGKILL');
  for (const ns of [...namespaces].reverse()) await deleteNetns(ns);
}
