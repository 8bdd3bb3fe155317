/**
 * The reference: the real apiserver's own PodSecurity admission. One namespace per level labelled
 * `pod-security.kubernetes.io/enforce: <level>` and `enforce-version: latest`; each pod is created
 * there with `dryRun=All`. 201 is an admission, a 403 naming "violates PodSecurity" a denial
 * with its violations, a 422 `Invalid` (the apiserver's object validation, which runs before
 * admission) no verdict at all; anything else is thrown, never read as a verdict.
 */
import { randomBytes } from 'node:crypto';
import type { K8sObject } from '@ztp/admission/rule';
import { ensureNamespace, type KubeObject, type KubeResponse, type LocalCluster } from '@ztp/local-cluster';

export type Level = 'baseline' | 'restricted';

/** What the reference says about one pod. */
export type ReferenceVerdict =
  | { readonly kind: 'allow' }
  /** `violations`: PodSecurity's list, e.g. `host namespaces (hostNetwork=true)`. */
  | { readonly kind: 'deny'; readonly message: string; readonly violations: readonly string[] }
  /** Refused by object validation, before admission: PodSecurity never saw it. */
  | { readonly kind: 'invalid'; readonly message: string };

export interface PodSecurityReference {
  /** The apiserver's version, e.g. v1.35.4 (`latest` is that version's checks). */
  readonly version: string;
  judge(level: Level, pods: readonly K8sObject[]): Promise<ReferenceVerdict[]>;
}

/** Splits PodSecurity's violation list on the commas outside parentheses. */
export function splitViolations(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0 && list[i + 1] === ' ') {
      out.push(list.slice(start, i).trim());
      start = i + 2;
    }
  }
  out.push(list.slice(start).trim());
  return out.filter((v) => v !== '');
}

/** Reads one answer; throws on anything that is neither a verdict nor a validation error. */
export function readAnswer(level: Level, response: KubeResponse): ReferenceVerdict {
  if (response.status === 201) return { kind: 'allow' };
  const message = String(response.body?.message ?? JSON.stringify(response.body));
  const marker = `violates PodSecurity "${level}:latest": `;
  if (response.status === 403 && response.body?.reason === 'Forbidden' && message.includes(marker)) {
    return { kind: 'deny', message, violations: splitViolations(message.slice(message.indexOf(marker) + marker.length)) };
  }
  if (response.status === 422 && response.body?.reason === 'Invalid' && !message.includes('PodSecurity')) return { kind: 'invalid', message };
  throw new Error(`the PodSecurity reference got an answer that is no verdict: ${response.status} ${message}`);
}

/** Runs `work` over the items with at most `limit` at once, keeping their order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The reference on `cluster`: two fresh namespaces, one per level. */
export async function podSecurityReference(cluster: LocalCluster): Promise<PodSecurityReference> {
  const run = randomBytes(3).toString('hex');
  const namespaces: Record<Level, string> = { baseline: `ztp-psa-${run}-baseline`, restricted: `ztp-psa-${run}-restricted` };
  for (const level of ['baseline', 'restricted'] as const) {
    await ensureNamespace(cluster.rest, namespaces[level], { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest' });
  }
  const version = String((await cluster.rest.call('version', 'GET', '/version'))?.gitVersion ?? 'unknown');
  return {
    version,
    judge: (level, pods) =>
      mapLimit(pods, 8, async (pod, i) => {
        const placed = { ...structuredClone(pod), metadata: { ...pod.metadata, name: `pod-${i}`, namespace: namespaces[level] } } as unknown as KubeObject;
        return readAnswer(level, await cluster.rest.create(placed, { dryRun: true }));
      }),
  };
}
