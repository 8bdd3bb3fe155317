/**
 * Running pods against the environment's admission rules, judged by ztp's own rules through
 * the same engine adapters as `ztp admission evaluate` (`evaluate` of @ztp/admission): a pod
 * that got in while admission was off, failing open, or before a rule existed is still caught.
 * Verdicts are cached per pod content, so a watch re-evaluates only pods that changed.
 */
import { evaluate, type AdmissionModule, type EngineName, type K8sObject } from '@ztp/admission';
import type { PodResult, PodViolation } from './judge.ts';
import type { LiveObject } from './kube.ts';

/**
 * The engine running pods are evaluated with. @default opa: ztp's Rego form, offline and the
 * fastest; signatures are verified only by the Kyverno engines (which then need the registries),
 * and where Kyverno runs its PolicyReports cover them.
 */
export const DEFAULT_POD_ENGINE: EngineName = 'opa';

/** Whether a pod is running (`status.phase` Running). */
export function isRunning(pod: LiveObject): boolean {
  return (pod['status'] as { phase?: string } | undefined)?.phase === 'Running';
}

/** What an admission rule reads of a pod: its identity, labels, annotations and spec. */
function admissionView(pod: LiveObject): K8sObject {
  const m = pod.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: m.name,
      ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
      ...(m.labels === undefined ? {} : { labels: { ...m.labels } }),
      ...(m.annotations === undefined ? {} : { annotations: { ...m.annotations } }),
    },
    spec: pod['spec'],
  };
}

/** Evaluates running pods of one environment; keeps verdicts between calls. */
export class PodJudge {
  readonly modules: readonly AdmissionModule[];
  readonly engine: EngineName;
  readonly #verdicts = new Map<string, readonly string[]>();

  constructor(modules: readonly AdmissionModule[], engine: EngineName = DEFAULT_POD_ENGINE) {
    this.modules = modules;
    this.engine = engine;
  }

  /** The running pods among `pods`, evaluated; an engine that cannot run makes the result incomplete. */
  async judge(pods: readonly LiveObject[]): Promise<PodResult> {
    const running = pods.filter(isRunning);
    const views = running.map((p) => ({ pod: p, view: admissionView(p), key: JSON.stringify(admissionView(p)) }));
    if (this.modules.every((m) => (m.rules ?? []).length === 0)) return { evaluated: running.length, violations: [] };
    const todo = views.filter((v) => !this.#verdicts.has(v.key));
    if (todo.length > 0) {
      try {
        const records = await evaluate(
          todo.map((v) => ({ file: `${v.pod.metadata.namespace}/${v.pod.metadata.name}`, object: v.view })),
          { profile: this.modules, engine: this.engine },
        );
        records.forEach((r, i) => this.#verdicts.set(todo[i]!.key, r.messages));
      } catch (error) {
        return { evaluated: 0, violations: [], incomplete: `the ${this.engine} engine could not run: ${(error as Error).message}` };
      }
    }
    // Forget pods that are gone, so a long watch does not grow without end.
    const current = new Set(views.map((v) => v.key));
    for (const key of [...this.#verdicts.keys()]) if (!current.has(key)) this.#verdicts.delete(key);
    const violations: PodViolation[] = [];
    for (const v of views) {
      const messages = this.#verdicts.get(v.key) ?? [];
      if (messages.length > 0) violations.push({ namespace: v.pod.metadata.namespace ?? '', name: v.pod.metadata.name, messages });
    }
    return { evaluated: running.length, violations };
  }
}
