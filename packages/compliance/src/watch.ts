/**
 * `--watch`: informers (client-node `makeInformer`: list, then watch, from the last
 * resourceVersion) on every resource a check reads; any add, update or delete triggers a new
 * check from the informers' caches, after a short quiet period, and a check also runs every
 * `intervalMs` so the last-check time keeps moving while nothing changes. Checks never overlap.
 */
import { makeInformer, type Informer, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { ComplianceChecker } from './check.ts';
import { kindKey } from './judge.ts';
import { collectionPath, type KubeResource, type LiveObject } from './kube.ts';
import type { Snapshot } from './read.ts';
import type { ComplianceReport } from './report.ts';

export interface WatchOptions {
  /** Called with each finished check. */
  readonly onReport: (report: ComplianceReport) => void;
  /** Called when a check or an informer fails (informers restart on their own, with backoff). */
  readonly onError: (error: Error) => void;
  /** Quiet time after a change before checking, so a sync of many objects gives one check. @default 500 */
  readonly debounceMs?: number;
  /** A check at least this often, changes or not. @default 60000 */
  readonly intervalMs?: number;
}

/** A running watch. */
export interface ComplianceWatch {
  /** The first check's report (after every informer has listed); undefined when it failed (onError has the error). */
  readonly first: Promise<ComplianceReport | undefined>;
  /** Stops the informers and timers. */
  stop(): Promise<void>;
}

type Cache = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

/** Starts watching; resolves once the informers are started (the first check follows). */
export async function watchCompliance(checker: ComplianceChecker, options: WatchOptions): Promise<ComplianceWatch> {
  const debounceMs = options.debounceMs ?? 500;
  const intervalMs = options.intervalMs ?? 60_000;
  const plan = await checker.plan();
  const client = checker.client;
  const informers: { resource: KubeResource; informer: Cache }[] = [];
  let stopped = false;
  const restartTimers = new Set<NodeJS.Timeout>();

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const snapshot = (): Snapshot => {
    const out = new Map<string, LiveObject[]>();
    for (const { resource, informer } of informers) {
      const key = kindKey(resource.apiVersion, resource.kind);
      const list = out.get(key) ?? [];
      for (const o of informer.list()) list.push({ ...(o as unknown as LiveObject), apiVersion: resource.apiVersion, kind: resource.kind });
      out.set(key, list);
    }
    return out;
  };

  // Informers whose list or watch failed and has not come back: their caches may be stale, so a
  // report built on them must not pass for complete (the drift they hide would go unseen).
  const broken = new Map<Cache, string>();
  const withBroken = (report: ComplianceReport): ComplianceReport => {
    if (broken.size === 0) return report;
    const text = `the watch of ${[...broken.values()].sort().join(', ')} failed and has not recovered, so this check read a cache that may be stale`;
    return { ...report, environments: report.environments.map((e) => ({ ...e, notes: [...e.notes, { level: 'incomplete' as const, text }] })) };
  };

  const runCheck = async (): Promise<ComplianceReport | undefined> => {
    try {
      const report = withBroken(await checker.check(snapshot()));
      options.onReport(report);
      return report;
    } catch (error) {
      options.onError(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  };

  const trigger = (): void => {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = runCheck().then(() => {
      running = undefined;
      if (again && !stopped) {
        again = false;
        schedule(0);
      }
    });
  };
  const schedule = (delay: number): void => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(trigger, delay);
  };

  for (const target of plan.targets) {
    for (const namespace of target.namespaces ?? [undefined]) {
      const resource = target.resource;
      const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
        const { items, resourceVersion } = await client.list(resource, namespace);
        return { apiVersion: resource.apiVersion, kind: `${resource.kind}List`, metadata: { resourceVersion }, items: items as unknown as KubernetesObject[] };
      };
      const informer = makeInformer(client.kubeConfig, collectionPath(resource, namespace), listFn) as Cache;
      let backoff = 1000;
      informer.on('add', () => schedule(debounceMs));
      informer.on('update', () => schedule(debounceMs));
      informer.on('delete', () => schedule(debounceMs));
      informer.on('connect', () => {
        backoff = 1000;
        broken.delete(informer);
      });
      informer.on('error', (error: unknown) => {
        if (stopped) return;
        broken.set(informer, `${resource.kind}${namespace ? ` in ${namespace}` : ''}`);
        options.onError(new Error(`watching ${resource.kind}${namespace ? ` in ${namespace}` : ''}: ${error instanceof Error ? error.message : String(error)}; restarting in ${backoff / 1000} s`));
        const t = setTimeout(() => {
          restartTimers.delete(t);
          if (!stopped) void informer.start().catch(() => {});
        }, backoff);
        restartTimers.add(t);
        backoff = Math.min(backoff * 2, 30_000);
      });
      informers.push({ resource, informer });
    }
  }
  await Promise.all(informers.map(({ informer }) => informer.start()));

  const first = runCheck();
  running = first.then(() => {
    running = undefined;
    if (again && !stopped) {
      again = false;
      schedule(0);
    }
  });
  const interval = setInterval(() => schedule(0), intervalMs);

  return {
    first,
    async stop() {
      stopped = true;
      clearInterval(interval);
      if (timer !== undefined) clearTimeout(timer);
      for (const t of restartTimers) clearTimeout(t);
      await Promise.all(informers.map(({ informer }) => informer.stop()));
      await running;
    },
  };
}
