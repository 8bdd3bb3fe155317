/** Which resources a rule applies to, in the shapes the cluster forms match with. Pure. */
import type { ResourceKind, Target } from '../rule/ast.ts';
import { POD_KINDS } from '../rule/build.ts';

/** The kinds a target covers. */
export function targetKinds(target: Target): readonly ResourceKind[] {
  return target.kind === 'pods' ? POD_KINDS : target.resources;
}

/**
 * The subresource ephemeral containers are added through (`kubectl debug`): an UPDATE of
 * `pods/ephemeralcontainers` carrying the whole Pod. A rule matching only `pods` never sees it,
 * so a privileged debug container could join a running pod; every rule on Pods matches it too,
 * as the Pod Security Admission webhook's own configuration does.
 */
export const EPHEMERAL_CONTAINERS_RULE: Readonly<Record<string, unknown>> = {
  apiGroups: [''],
  apiVersions: ['v1'],
  operations: ['UPDATE'],
  resources: ['pods/ephemeralcontainers'],
};

/**
 * Admission `resourceRules` (Kyverno ValidatingPolicy, ValidatingAdmissionPolicy): one per group
 * and version, CREATE and UPDATE; when the target covers Pods, also UPDATE of
 * `pods/ephemeralcontainers` (EPHEMERAL_CONTAINERS_RULE).
 */
export function resourceRules(target: Target): Record<string, unknown>[] {
  const groups = new Map<string, ResourceKind[]>();
  for (const k of targetKinds(target)) {
    const key = `${k.group}/${k.version}`;
    groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  const rules: Record<string, unknown>[] = [...groups.values()].map((kinds) => ({
    apiGroups: [kinds[0]!.group],
    apiVersions: [kinds[0]!.version],
    operations: ['CREATE', 'UPDATE'],
    resources: kinds.map((k) => k.resource),
  }));
  const coversPods = targetKinds(target).some((k) => k.group === '' && k.version === 'v1' && k.resource === 'pods');
  return coversPods ? [...rules, { ...EPHEMERAL_CONTAINERS_RULE }] : rules;
}

/** A namespace selector for the managed namespaces, or undefined for every namespace. */
export function namespaceSelector(namespaces: readonly string[]): Record<string, unknown> | undefined {
  if (namespaces.length === 0) return undefined;
  return { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...namespaces] }] };
}

/** The `apiVersion` of a kind. */
export function apiVersionOf(kind: ResourceKind): string {
  return kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
}
