import { ApiextensionsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';

/** Server-side apply's field manager for everything the suite writes. */
export const FIELD_MANAGER = 'ztp-e2e';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a value or `timeoutMs` passes; then throws with `what` and the last state. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | { pending: string }>, timeoutMs: number, signal?: AbortSignal, everyMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new Error(`interrupted while waiting for ${what}`);
    try {
      const r = await check();
      if (r !== undefined && !(typeof r === 'object' && r !== null && 'pending' in r)) return r as T;
      if (r !== undefined) last = (r as { pending: string }).pending;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${last ? `: ${last}` : ''}`);
    await sleep(everyMs);
  }
}

/**
 * The suite's Kubernetes client (no kubectl): server-side apply, readiness waits, pod addresses.
 * Built from the kubeconfig file kind wrote for the suite's cluster.
 */
export class Kube {
  readonly config: KubeConfig;
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apiextensions: ApiextensionsV1Api;

  constructor(kubeconfigFile: string) {
    this.config = new KubeConfig();
    this.config.loadFromFile(kubeconfigFile);
    this.objects = KubernetesObjectApi.makeApiClient(this.config);
    this.core = this.config.makeApiClient(CoreV1Api);
    this.apiextensions = this.config.makeApiClient(ApiextensionsV1Api);
  }

  /** Server-side applies `objects` in order; an object the API server refuses is an error naming it and the server's message. */
  async apply(objects: readonly Record<string, unknown>[]): Promise<void> {
    for (const o of objects) {
      const spec = o as unknown as KubernetesObject;
      try {
        await this.objects.patch(spec, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      } catch (e) {
        const meta = spec.metadata ?? {};
        const body = (e as { body?: unknown }).body;
        const message = typeof body === 'string' ? body : body && typeof body === 'object' && 'message' in body ? String((body as { message: unknown }).message) : e instanceof Error ? e.message : String(e);
        throw new Error(`the API server refused ${spec.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}: ${message}`);
      }
    }
  }

  /** Waits until every named CRD is Established. */
  async waitCrdsEstablished(names: readonly string[], timeoutMs = 120_000, signal?: AbortSignal): Promise<void> {
    for (const name of names) {
      await waitFor(`CRD ${name} to be established`, async () => {
        const crd = await this.apiextensions.readCustomResourceDefinition({ name });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : { pending: 'not established yet' };
      }, timeoutMs, signal);
    }
  }

  /** Waits until every node is Ready (with Cilium as the CNI, that means the agent runs on it). */
  async waitNodesReady(timeoutMs = 300_000, signal?: AbortSignal): Promise<number> {
    return waitFor('every node to be Ready', async () => {
      const nodes = (await this.core.listNode()).items;
      const notReady = nodes.filter((n) => !n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata?.name);
      return nodes.length > 0 && notReady.length === 0 ? nodes.length : { pending: `not ready: ${notReady.join(', ') || 'no nodes'}` };
    }, timeoutMs, signal);
  }

  /** Waits until each pod is Ready and returns its IP, keyed `namespace/name`. A pod that fails or keeps crashing is reported with its state. */
  async waitPodsReady(pods: readonly { namespace: string; name: string }[], timeoutMs = 300_000, signal?: AbortSignal): Promise<Map<string, string>> {
    const ips = new Map<string, string>();
    for (const p of pods) {
      const ip = await waitFor(`pod ${p.namespace}/${p.name} to be Ready`, async () => {
        const pod = await this.core.readNamespacedPod({ name: p.name, namespace: p.namespace });
        const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready && pod.status?.podIP) return pod.status.podIP;
        const waiting = pod.status?.containerStatuses?.map((c) => c.state?.waiting?.reason ?? (c.state?.terminated ? `terminated: ${c.state.terminated.reason}` : 'running, not ready')).join(', ');
        return { pending: `${pod.status?.phase ?? 'unknown'}${waiting ? ` (${waiting})` : ''}` };
      }, timeoutMs, signal);
      ips.set(`${p.namespace}/${p.name}`, ip);
    }
    return ips;
  }

  /** Running pods in `namespace` matching `labelSelector`. */
  async runningPods(namespace: string, labelSelector: string): Promise<string[]> {
    const list = await this.core.listNamespacedPod({ namespace, labelSelector });
    return list.items.filter((p) => p.status?.phase === 'Running').map((p) => p.metadata?.name ?? '').filter(Boolean);
  }
}
