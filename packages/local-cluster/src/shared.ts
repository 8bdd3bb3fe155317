import { rmSync } from 'node:fs';
import type { LocalCluster } from './cluster.ts';

/*
 * One local control plane per process (a test worker, a CLI run), started on first use and
 * stopped when the process exits: a suite pays the start-up once, not per test. Callers keep
 * out of each other's way with their own namespaces and object names. This module loads the
 * cluster code only when one starts, so that the CLI can import it (`@ztp/local-cluster/shared`)
 * for every command at no cost.
 */

let shared: Promise<LocalCluster> | undefined;

/** The process's shared local cluster, started on first call. */
export function sharedLocalCluster(): Promise<LocalCluster> {
  if (shared === undefined) {
    const starting = import('./cluster.ts').then(({ startLocalCluster }) => startLocalCluster());
    shared = starting;
    starting.then(
      (cluster) => {
        // The processes are killed by their own exit hook; the directory is removed here.
        process.once('exit', () => rmSync(cluster.dir, { recursive: true, force: true }));
      },
      () => {
        // a failed start may be retried; a newer start (after a stop) is left alone
        if (shared === starting) shared = undefined;
      },
    );
  }
  return shared;
}

/** Stops the shared cluster if one was started (a CLI calls this before it exits). */
export async function stopSharedLocalCluster(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current === undefined) return;
  const cluster = await current.catch(() => undefined);
  await cluster?.stop();
}
