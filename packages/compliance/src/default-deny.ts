/**
 * Whether a namespace is covered by a default deny that is in force. Pure.
 *
 * A default deny is a NetworkPolicy that selects every pod (`podSelector: {}`), lists both
 * policy types and has no rules: nothing comes in or goes out unless another policy allows it.
 * It is in force in a direction unless some NetworkPolicy of the namespace opens that direction
 * wide for every pod: a rule with no peers and no ports (`ingress: [{}]`, `egress: [{}]`), which
 * allows everything from or to everywhere, so the deny no longer decides anything there.
 */

/** A NetworkPolicy as read from the cluster (the fields this check reads). */
export interface NetworkPolicyLike {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly podSelector?: { readonly matchLabels?: Readonly<Record<string, string>>; readonly matchExpressions?: readonly unknown[] };
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly { readonly from?: readonly unknown[]; readonly ports?: readonly unknown[] }[];
    readonly egress?: readonly { readonly to?: readonly unknown[]; readonly ports?: readonly unknown[] }[];
  };
}

/** What is wrong with a namespace's default deny; empty when it is covered and in force. */
export interface DefaultDenyGap {
  readonly namespace: string;
  /** One sentence, naming the policies involved. */
  readonly reason: string;
}

function selectsAllPods(np: NetworkPolicyLike): boolean {
  const s = np.spec?.podSelector;
  return s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/** Its policy types; unset means Ingress, plus Egress when it has egress rules (the API's own default). */
function policyTypes(np: NetworkPolicyLike): readonly string[] {
  return np.spec?.policyTypes ?? ['Ingress', ...((np.spec?.egress ?? []).length > 0 ? ['Egress'] : [])];
}

/** A NetworkPolicy of the default-deny shape: all pods, both policy types, no rules. */
export function isDefaultDeny(np: NetworkPolicyLike): boolean {
  const types = policyTypes(np);
  return selectsAllPods(np) && types.includes('Ingress') && types.includes('Egress') && (np.spec?.ingress ?? []).length === 0 && (np.spec?.egress ?? []).length === 0;
}

/** The policies that open `direction` for every pod of their namespace to everything. */
export function openingPolicies(policies: readonly NetworkPolicyLike[], direction: 'Ingress' | 'Egress'): string[] {
  return policies
    .filter((np) => selectsAllPods(np))
    .filter((np) => {
      if (!policyTypes(np).includes(direction)) return false;
      const rules = direction === 'Ingress' ? (np.spec?.ingress ?? []).map((r) => [r.from, r.ports]) : (np.spec?.egress ?? []).map((r) => [r.to, r.ports]);
      return rules.some(([peers, ports]) => (peers ?? []).length === 0 && (ports ?? []).length === 0);
    })
    .map((np) => String(np.metadata.name))
    .sort();
}

/**
 * The gaps of each namespace in `namespaces`: no default deny, or one that another policy
 * overrides. `policies` are the cluster's NetworkPolicies (any namespace; others are ignored).
 * `present` tells whether the namespace exists at all.
 */
export function defaultDenyGaps(namespaces: readonly string[], policies: readonly NetworkPolicyLike[], present: (namespace: string) => boolean): DefaultDenyGap[] {
  const gaps: DefaultDenyGap[] = [];
  for (const namespace of [...namespaces].sort()) {
    if (!present(namespace)) {
      gaps.push({ namespace, reason: 'the namespace does not exist on the cluster' });
      continue;
    }
    const here = policies.filter((np) => np.metadata.namespace === namespace);
    const denies = here.filter(isDefaultDeny).map((np) => String(np.metadata.name)).sort();
    if (denies.length === 0) {
      gaps.push({ namespace, reason: 'no NetworkPolicy selects all pods with policy types Ingress and Egress and no rules' });
      continue;
    }
    for (const direction of ['Ingress', 'Egress'] as const) {
      const open = openingPolicies(here, direction);
      if (open.length > 0) {
        gaps.push({ namespace, reason: `${direction.toLowerCase()} is open to everything for every pod by ${open.map((n) => `NetworkPolicy ${n}`).join(', ')}, so default deny ${denies.join(', ')} is not in force for ${direction.toLowerCase()}` });
      }
    }
  }
  return gaps;
}
