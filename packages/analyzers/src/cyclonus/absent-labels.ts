/**
 * Asking cyclonus about `NotIn` the way Kubernetes means it. In Kubernetes a `NotIn`
 * requirement matches an object that lacks the key (k8s.io/apimachinery labels.Requirement:
 * "NotIn ... if !ls.Has(r.key) return true"; the labels documentation: `tier notin (frontend)`
 * selects "all resources with no labels with the tier key" too). cyclonus v0.5.6 returns false
 * there (pkg/kube/labelselector.go: "even for NotIn -- if the key isn't there, it's not a
 * match"). The cluster is rewritten so that no key used by a `NotIn` is ever absent: every pod
 * and namespace lacking such a key gets it with the value ABSENT_LABEL_VALUE, and `Exists` /
 * `DoesNotExist` on those keys become `NotIn [ABSENT]` / `In [ABSENT]`. `In`, `matchLabels`
 * and `NotIn` then give exactly the Kubernetes answers under cyclonus's reading. Pure.
 */
import type { ClusterSpec } from '../cluster.ts';

/** The value standing for "this label is absent" (no manifest may use it). */
export const ABSENT_LABEL_VALUE = 'ztp-absent-label';

interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] } | undefined;

function selectorsOf(policy: Record<string, unknown>): Selector[] {
  const spec = (policy['spec'] ?? {}) as {
    podSelector?: Selector;
    ingress?: { from?: { podSelector?: Selector; namespaceSelector?: Selector }[] }[];
    egress?: { to?: { podSelector?: Selector; namespaceSelector?: Selector }[] }[];
  };
  const peers = [...(spec.ingress ?? []).flatMap((r) => r.from ?? []), ...(spec.egress ?? []).flatMap((r) => r.to ?? [])];
  return [spec.podSelector, ...peers.flatMap((p) => [p.podSelector, p.namespaceSelector])];
}

/** The label keys some `NotIn` requirement of the policies uses. */
export function notInKeys(policies: readonly Record<string, unknown>[]): Set<string> {
  const keys = new Set<string>();
  for (const policy of policies) for (const s of selectorsOf(policy)) for (const r of s?.matchExpressions ?? []) if (r.operator === 'NotIn') keys.add(r.key);
  return keys;
}

function usesAbsentValue(cluster: ClusterSpec): boolean {
  const labelSets = [...cluster.namespaces.map((n) => n.labels), ...cluster.workloads.flatMap((w) => w.pods.map((p) => p.labels))];
  if (labelSets.some((l) => Object.values(l).includes(ABSENT_LABEL_VALUE))) return true;
  return cluster.policies.some((p) =>
    selectorsOf(p).some((s) => Object.values(s?.matchLabels ?? {}).includes(ABSENT_LABEL_VALUE) || (s?.matchExpressions ?? []).some((r) => (r.values ?? []).includes(ABSENT_LABEL_VALUE))),
  );
}

function fill(labels: Readonly<Record<string, string>>, keys: ReadonlySet<string>): Record<string, string> {
  const out = { ...labels };
  for (const key of keys) if (!(key in out)) out[key] = ABSENT_LABEL_VALUE;
  return out;
}

function rewriteSelector(s: Selector, keys: ReadonlySet<string>): void {
  if (s?.matchExpressions === undefined) return;
  s.matchExpressions = s.matchExpressions.map((r) => {
    if (!keys.has(r.key)) return r;
    if (r.operator === 'Exists') return { key: r.key, operator: 'NotIn', values: [ABSENT_LABEL_VALUE] };
    if (r.operator === 'DoesNotExist') return { key: r.key, operator: 'In', values: [ABSENT_LABEL_VALUE] };
    return r;
  });
}

/** The cluster rewritten so that cyclonus's `NotIn` gives Kubernetes's answers (unchanged when no policy uses `NotIn`). */
export function encodeAbsentLabels(cluster: ClusterSpec): ClusterSpec {
  const keys = notInKeys(cluster.policies);
  if (keys.size === 0) return cluster;
  if (usesAbsentValue(cluster)) throw new Error(`the label value ${ABSENT_LABEL_VALUE} is used by the input; it cannot stand for absent labels`);
  const policies = cluster.policies.map((p) => {
    const copy = structuredClone(p);
    for (const s of selectorsOf(copy)) rewriteSelector(s, keys);
    return copy;
  });
  return {
    ...cluster,
    namespaces: cluster.namespaces.map((n) => ({ ...n, labels: fill(n.labels, keys) })),
    workloads: cluster.workloads.map((w) => ({ ...w, pods: w.pods.map((p) => ({ ...p, labels: fill(p.labels, keys) })) })),
    policies,
  };
}
