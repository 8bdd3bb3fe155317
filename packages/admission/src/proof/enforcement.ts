/**
 * What the engines of the proof cannot see: whether each cluster-form object enforces (blocks)
 * rather than audits, and applies to exactly the managed namespaces. `kyverno test` and gator
 * report a violation whatever the action, and the apiserver engine binds each policy to a
 * namespace of its own; so a form that audits, or scopes another set of namespaces, would still
 * give every example its verdict. Checked on the objects themselves, against the settings.
 */
import type { AdmissionSettings, K8sObject } from '../contract.ts';
import { namespaceSelector } from '../emit/match.ts';

/** A namespace list or a selector's `In` values, in one order: the set is what counts. */
function normal(value: unknown): unknown {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...value].sort() : value.map(normal);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
}

const same = (a: unknown, b: unknown) => JSON.stringify(normal(a)) === JSON.stringify(normal(b));

/**
 * Why the cluster-form objects would not enforce as `settings` say, or cover other namespaces than
 * `settings.namespaces` (every namespace when empty); empty when they all do.
 */
export function enforcementProblems(objects: readonly K8sObject[], settings: AdmissionSettings): string[] {
  const enforce = settings.enforcement === 'enforce';
  const actions = [enforce ? 'Deny' : 'Audit'];
  const selector = namespaceSelector(settings.namespaces);
  const namespaces = settings.namespaces.length > 0 ? [...settings.namespaces] : undefined;
  const problems: string[] = [];
  for (const o of objects) {
    const name = `${o.kind} ${o.metadata.name}`;
    const spec = (o['spec'] ?? {}) as Record<string, unknown>;
    const expect = (what: string, actual: unknown, expected: unknown) => {
      if (!same(actual, expected)) problems.push(`${name}: ${what} is ${JSON.stringify(actual) ?? 'absent'}, but the settings (${settings.enforcement}, namespaces ${namespaces?.join(', ') ?? 'all'}) need ${JSON.stringify(expected) ?? 'none'}`);
    };
    if (o.apiVersion.startsWith('policies.kyverno.io/') && (o.kind === 'ValidatingPolicy' || o.kind === 'ImageValidatingPolicy')) {
      expect('validationActions', spec['validationActions'], actions);
      expect('matchConstraints.namespaceSelector', (spec['matchConstraints'] as Record<string, unknown> | undefined)?.['namespaceSelector'], selector);
    } else if (o.apiVersion.startsWith('kyverno.io/') && o.kind === 'ClusterPolicy') {
      for (const rule of (spec['rules'] ?? []) as Record<string, unknown>[]) {
        const where = `rule ${String(rule['name'])}`;
        const validate = rule['validate'] as Record<string, unknown> | undefined;
        const verify = rule['verifyImages'] as Record<string, unknown>[] | undefined;
        if (validate !== undefined) expect(`${where} failureAction`, validate['failureAction'], enforce ? 'Enforce' : 'Audit');
        for (const v of verify ?? []) expect(`${where} verifyImages failureAction`, v['failureAction'], enforce ? 'Enforce' : 'Audit');
        if (validate === undefined && verify === undefined) problems.push(`${name}: ${where} neither validates nor verifies images`);
        const match = (rule['match'] as { any?: { resources?: Record<string, unknown> }[] } | undefined)?.any ?? [];
        if (match.length === 0) problems.push(`${name}: ${where} has no match.any`);
        for (const m of match) expect(`${where} match namespaces`, m.resources?.['namespaces'], namespaces);
      }
    } else if (o.apiVersion.startsWith('constraints.gatekeeper.sh/')) {
      expect('enforcementAction', spec['enforcementAction'], enforce ? 'deny' : 'dryrun');
      expect('match.namespaces', (spec['match'] as Record<string, unknown> | undefined)?.['namespaces'], namespaces);
    } else if (o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicyBinding') {
      expect('validationActions', spec['validationActions'], actions);
      expect('matchResources.namespaceSelector', (spec['matchResources'] as Record<string, unknown> | undefined)?.['namespaceSelector'], selector);
    } else if (!(o.kind === 'ValidatingAdmissionPolicy' || o.kind === 'ConstraintTemplate')) {
      problems.push(`${name} (${o.apiVersion}): a kind whose enforcement this check does not know`);
    }
  }
  return problems;
}
