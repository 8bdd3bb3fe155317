/**
 * What the engines of the proof cannot see: whether each cluster-form object enforces (blocks)
 * rather than audits, fails closed, applies to exactly the managed namespaces, and carries nothing
 * that would narrow it (object selectors, exclusions, match conditions). `kyverno test` and gator
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
    // Fields that would narrow what a form checks (object selectors, exclusions, match conditions,
    // failurePolicy Ignore, admission off...) are none of the emitters': only the ones they write may appear.
    const only = (what: string, value: unknown, allowed: readonly string[]) => {
      if (value === undefined || value === null || typeof value !== 'object') return;
      const extra = Object.keys(value).filter((k) => !allowed.includes(k));
      if (extra.length > 0) problems.push(`${name}: ${what} has ${extra.join(', ')}, which the emitters never write (it could narrow what the policy checks)`);
    };
    const failClosed = (optional: boolean) => {
      if (!(optional && spec['failurePolicy'] === undefined)) expect('failurePolicy', spec['failurePolicy'], 'Fail');
    };
    if (o.apiVersion.startsWith('policies.kyverno.io/') && (o.kind === 'ValidatingPolicy' || o.kind === 'ImageValidatingPolicy')) {
      expect('validationActions', spec['validationActions'], actions);
      expect('matchConstraints.namespaceSelector', (spec['matchConstraints'] as Record<string, unknown> | undefined)?.['namespaceSelector'], selector);
      only('spec', spec, o.kind === 'ValidatingPolicy' ? ['validationActions', 'autogen', 'matchConstraints', 'variables', 'validations'] : ['failurePolicy', 'validationActions', 'matchConstraints', 'matchImageReferences', 'validationConfigurations', 'attestors', 'validations']);
      only('spec.matchConstraints', spec['matchConstraints'], ['resourceRules', 'namespaceSelector']);
      failClosed(o.kind === 'ValidatingPolicy'); // Kyverno's ValidatingPolicy fails closed by default
    } else if (o.apiVersion.startsWith('kyverno.io/') && o.kind === 'ClusterPolicy') {
      only('spec', spec, ['background', 'rules']);
      for (const rule of (spec['rules'] ?? []) as Record<string, unknown>[]) {
        const where = `rule ${String(rule['name'])}`;
        only(where, rule, ['name', 'match', 'validate', 'verifyImages']);
        only(`${where} match`, rule['match'], ['any']);
        for (const m of ((rule['match'] as { any?: unknown[] } | undefined)?.any ?? []) as Record<string, unknown>[]) {
          only(`${where} match.any`, m, ['resources']);
          only(`${where} match.any.resources`, m['resources'], ['kinds', 'namespaces']);
        }
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
      only('spec', spec, ['enforcementAction', 'match', 'parameters']);
      only('spec.match', spec['match'], ['kinds', 'namespaces']);
    } else if (o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicyBinding') {
      expect('validationActions', spec['validationActions'], actions);
      expect('matchResources.namespaceSelector', (spec['matchResources'] as Record<string, unknown> | undefined)?.['namespaceSelector'], selector);
      only('spec', spec, ['policyName', 'validationActions', 'matchResources']);
      only('spec.matchResources', spec['matchResources'], ['namespaceSelector']);
    } else if (o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicy') {
      only('spec', spec, ['failurePolicy', 'matchConstraints', 'variables', 'validations']);
      only('spec.matchConstraints', spec['matchConstraints'], ['resourceRules']);
      failClosed(false);
    } else if (o.kind === 'ConstraintTemplate') {
      only('spec', spec, ['crd', 'targets']);
    } else {
      problems.push(`${name} (${o.apiVersion}): a kind whose enforcement this check does not know`);
    }
  }
  return problems;
}
