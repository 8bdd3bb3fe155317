import type { ProbeCell } from '../probe-plan.ts';

/*
 * What kube-network-policies cannot show. It enforces Kubernetes NetworkPolicy only. A
 * CiliumNetworkPolicy that selects a cell's destination (ingress rules: L3/L4 allows and L7
 * HTTP rules) or its source (egress rules other than FQDN egress) can change that cell's verdict
 * on a Cilium cluster, so such cells are not covered by a local run: they are reported by name,
 * never counted as passed. FQDN egress goes to the Internet, which is never probed.
 */

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/** Whether `selector` (a Kubernetes label selector, as Cilium's endpointSelector is) selects `labels`. */
export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    // Cilium spells the namespace label `k8s:io.kubernetes.pod.namespace`; pods here carry it as a label.
    if (labels[k.replace(/^k8s:/, '')] !== v && labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const value = labels[e.key.replace(/^k8s:/, '')];
    const values = e.values ?? [];
    if (e.operator === 'In' && (value === undefined || !values.includes(value))) return false;
    if (e.operator === 'NotIn' && value !== undefined && values.includes(value)) return false;
    if (e.operator === 'Exists' && value === undefined) return false;
    if (e.operator === 'DoesNotExist' && value !== undefined) return false;
  }
  return true;
}

/** A pod as far as coverage is concerned: its namespace and labels. */
export interface CoveragePod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The cells kube-network-policies can judge, and the others, each with the Cilium policies that decide it. */
export interface Coverage {
  readonly covered: readonly ProbeCell[];
  readonly uncovered: readonly { readonly cell: ProbeCell; readonly policies: readonly string[] }[];
}

interface CiliumPolicy {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: {
    readonly endpointSelector?: LabelSelector;
    readonly ingress?: readonly unknown[];
    readonly egress?: readonly Record<string, unknown>[];
  };
}

/**
 * Splits `cells` by whether a Cilium policy among `objects` can decide them. `podOf` gives the
 * pod standing for a plan source or target id (undefined for the cluster DNS, which no Cilium
 * ingress rule of ztp's selects).
 */
export function networkPolicyCoverage(
  cells: readonly ProbeCell[],
  objects: readonly Record<string, unknown>[],
  podOf: (id: string) => CoveragePod | undefined,
): Coverage {
  const cilium = objects.filter((o) => o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy') as unknown as CiliumPolicy[];
  const applies = (p: CiliumPolicy, pod: CoveragePod | undefined) =>
    pod !== undefined && (p.kind === 'CiliumClusterwideNetworkPolicy' || p.metadata.namespace === pod.namespace) && selects(p.spec?.endpointSelector ?? {}, { ...pod.labels, 'io.kubernetes.pod.namespace': pod.namespace });
  const NS = 'io.kubernetes.pod.namespace';
  // Whether a peer list of a rule (fromEndpoints / toEndpoints) can match `pod`. In a namespaced
  // Cilium policy a selector without the namespace label means the policy's own namespace.
  const peerMatches = (p: CiliumPolicy, selectors: unknown, pod: CoveragePod | undefined) => {
    if (pod === undefined) return true;
    return (selectors as LabelSelector[]).some((sel) => {
      const scoped = Object.keys(sel.matchLabels ?? {}).some((k) => k.replace(/^k8s:/, '') === NS) || (sel.matchExpressions ?? []).some((e) => e.key.replace(/^k8s:/, '') === NS);
      if (!scoped && p.kind === 'CiliumNetworkPolicy' && pod.namespace !== p.metadata.namespace) return false;
      return selects(sel, { ...pod.labels, [NS]: pod.namespace });
    });
  };
  // A rule with anything but endpoint peers and ports (entities, CIDRs, FQDNs, services...) is
  // taken to reach everything, except FQDN-only egress, which only reaches the Internet.
  // A rule with toPorts reaches only those ports (a named port, an end port or no port: taken to reach any).
  const portReached = (rule: Record<string, unknown>, cell: ProbeCell) => {
    const toPorts = rule['toPorts'] as { ports?: { port?: string; endPort?: number; protocol?: string }[] }[] | undefined;
    if (toPorts === undefined) return true;
    return toPorts.some((tp) =>
      (tp.ports ?? [{}]).some((x) => {
        if (x.protocol !== undefined && x.protocol !== 'ANY' && x.protocol !== cell.protocol) return false;
        if (x.port === undefined || x.port === '0' || x.endPort !== undefined || !/^\d+$/.test(x.port)) return true;
        return Number(x.port) === cell.port;
      }),
    );
  };
  const ruleReaches = (p: CiliumPolicy, rule: Record<string, unknown>, peerKey: string, peer: CoveragePod | undefined, cell: ProbeCell) => {
    if (!portReached(rule, cell)) return false;
    const keys = Object.keys(rule).filter((k) => k !== 'toPorts');
    if (keys.length === 1 && keys[0] === 'toFQDNs') return false;
    if (keys.length === 1 && keys[0] === peerKey) return peerMatches(p, rule[peerKey], peer);
    return true;
  };
  // Where no NetworkPolicy isolates a pod, a Cilium policy selecting it isolates it on Cilium
  // but nothing does locally: every cell in that direction is the Cilium policy's to decide.
  const networkPolicies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as {
    metadata: { namespace?: string };
    spec: { podSelector?: LabelSelector; policyTypes?: string[]; egress?: unknown };
  }[];
  const isolated = (pod: CoveragePod | undefined, direction: 'Ingress' | 'Egress') =>
    pod !== undefined &&
    networkPolicies.some((np) => {
      const types = np.spec.policyTypes ?? (np.spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress']);
      return np.metadata.namespace === pod.namespace && types.includes(direction) && selects(np.spec.podSelector ?? {}, pod.labels);
    });
  const hasDeny = (p: CiliumPolicy, key: 'ingressDeny' | 'egressDeny') => ((p.spec as Record<string, unknown[] | undefined> | undefined)?.[key] ?? []).length > 0;
  const covered: ProbeCell[] = [];
  const uncovered: { cell: ProbeCell; policies: string[] }[] = [];
  for (const cell of cells) {
    const source = podOf(cell.source);
    const target = podOf(cell.target);
    const policies = cilium
      .filter(
        (p) =>
          (applies(p, target) &&
            (hasDeny(p, 'ingressDeny') ||
              ((p.spec?.ingress ?? []).length > 0 && !isolated(target, 'Ingress')) ||
              ((p.spec?.ingress ?? []) as Record<string, unknown>[]).some((r) => ruleReaches(p, r, 'fromEndpoints', source, cell)))) ||
          (applies(p, source) &&
            (hasDeny(p, 'egressDeny') ||
              ((p.spec?.egress ?? []).length > 0 && !isolated(source, 'Egress')) ||
              (p.spec?.egress ?? []).some((r) => ruleReaches(p, r, 'toEndpoints', target, cell)))),
      )
      .map((p) => `${p.kind} ${p.metadata.namespace ? `${p.metadata.namespace}/` : ''}${p.metadata.name}`);
    if (policies.length === 0) covered.push(cell);
    else uncovered.push({ cell, policies });
  }
  return { covered, uncovered };
}
