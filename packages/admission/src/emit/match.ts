/** Which resources a rule applies to, in the shapes the cluster forms match with. Pure. */
import type { ResourceKind, Target } from '../rule/ast.ts';
import { POD_KINDS } from '../rule/build.ts';

/** The kinds a target covers. */
export function targetKinds(target: Target): readonly ResourceKind[] {
  return target.kind === 'pods' ? POD_KINDS : target.resources;
}

/** Admission `resourceRules` (Kyverno ValidatingPolicy, ValidatingAdmissionPolicy): one per group and version. */
export function resourceRules(target: Target): Record<string, unknown>[] {
  const groups = new Map<string, ResourceKind[]>();
  for (const k of targetKinds(target)) {
    const key = `${k.group}/${k.version}`;
    groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  return [...groups.values()].map((kinds) => ({
    apiGroups: [kinds[0]!.group],
    apiVersions: [kinds[0]!.version],
    operations: ['CREATE', 'UPDATE'],
    resources: kinds.map((k) => k.resource),
  }));
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
