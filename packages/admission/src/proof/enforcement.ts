/**
 * What the engines of the proof cannot see: whether each cluster-form object enforces (blocks)
 * rather than audits, fails closed, applies to exactly the managed namespaces, and carries nothing
 * that would narrow it (object selectors, exclusions, match conditions). `kyverno test` and gator
 * report a violation whatever the action, and the apiserver engine binds each policy to a
 * namespace of its own; so a form that audits, or scopes another set of namespaces, would still
 * give every example its verdict. Checked on the objects themselves, against the settings.
 */
import type { AdmissionSettings, K8sObject } from '../contract.ts';
import { EPHEMERAL_CONTAINERS_RULE, namespaceSelector } from '../emit/match.ts';

/**
 * A value in one form: lists of strings (namespaces, a selector's `In` values, globs) sorted, as
 * the set is what counts, and object keys in one order (a bundle's YAML need not keep the emitters').
 */
function normal(value: unknown): unknown {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...value].sort() : value.map(normal);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, normal(v)]));
}

/** JSON of the value in its one form (see normal). */
export const canonical = (value: unknown): string => JSON.stringify(normal(value));

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

type Json = Record<string, unknown>;

/** A field an object's settings decide (its action, its namespace scope): where it is, and its value under given settings. */
interface SettingsField {
  readonly what: string;
  readonly get: () => unknown;
  /** Sets the value (undefined removes the field). */
  readonly set: (value: unknown) => void;
  readonly value: (settings: AdmissionSettings) => unknown;
}

const actionsFor = (s: AdmissionSettings) => [s.enforcement === 'enforce' ? 'Deny' : 'Audit'];
const kyvernoActionFor = (s: AdmissionSettings) => (s.enforcement === 'enforce' ? 'Enforce' : 'Audit');
const namespacesFor = (s: AdmissionSettings) => (s.namespaces.length > 0 ? [...s.namespaces] : undefined);

/** A field of `parent` (created on set when missing); none when `parent` is not an object. */
function field(what: string, parent: unknown, key: string, value: SettingsField['value']): SettingsField[] {
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return [];
  const p = parent as Json;
  return [{ what, get: () => p[key], set: (v) => (v === undefined ? delete p[key] : (p[key] = v)), value }];
}

/** The objects of a list value (nothing else of it). */
const objectsIn = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x)) : []);

const objectAt = (parent: Json, key: string): Json => {
  const v = parent[key];
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  const created: Json = {};
  parent[key] = created;
  return created;
};

/**
 * The fields of a cluster-form object that the settings decide, one list for the check below and
 * for `withSettings`: an emitter's other fields are the same whatever the settings.
 */
function settingsFields(o: K8sObject): SettingsField[] {
  const spec = (o['spec'] ?? {}) as Json;
  if (o.apiVersion.startsWith('policies.kyverno.io/') && (o.kind === 'ValidatingPolicy' || o.kind === 'ImageValidatingPolicy')) {
    return [...field('validationActions', spec, 'validationActions', actionsFor), ...field('matchConstraints.namespaceSelector', objectAt(spec, 'matchConstraints'), 'namespaceSelector', (s) => namespaceSelector(s.namespaces))];
  }
  if (o.apiVersion.startsWith('kyverno.io/') && o.kind === 'ClusterPolicy') {
    return objectsIn(spec['rules']).flatMap((rule) => {
      const where = `rule ${String(rule['name'])}`;
      const match = objectsIn((rule['match'] as { any?: unknown } | undefined)?.any);
      return [
        ...field(`${where} failureAction`, rule['validate'], 'failureAction', kyvernoActionFor),
        ...objectsIn(rule['verifyImages']).flatMap((v) => field(`${where} verifyImages failureAction`, v, 'failureAction', kyvernoActionFor)),
        ...match.flatMap((m) => field(`${where} match namespaces`, objectAt(m, 'resources'), 'namespaces', namespacesFor)),
      ];
    });
  }
  if (o.apiVersion.startsWith('constraints.gatekeeper.sh/')) {
    return [...field('enforcementAction', spec, 'enforcementAction', (s) => (s.enforcement === 'enforce' ? 'deny' : 'dryrun')), ...field('match.namespaces', objectAt(spec, 'match'), 'namespaces', namespacesFor)];
  }
  if (o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicyBinding') {
    return [...field('validationActions', spec, 'validationActions', actionsFor), ...field('matchResources.namespaceSelector', objectAt(spec, 'matchResources'), 'namespaceSelector', (s) => namespaceSelector(s.namespaces))];
  }
  return [];
}

/**
 * The objects as the emitters write them under `settings` where the settings decide (each action,
 * each namespace scope: see settingsFields), everything else as given. What the engines judge of
 * a bundle's own objects: its settings fields are checked by `enforcementProblems`, the rest by
 * the engines, under the settings the proof runs with.
 */
export function withSettings(objects: readonly K8sObject[], settings: AdmissionSettings): K8sObject[] {
  return objects.map((o) => {
    const copy = structuredClone(o);
    if (copy['spec'] !== undefined) for (const f of settingsFields(copy)) f.set(f.value(settings));
    return copy;
  });
}

/**
 * Why the cluster-form objects would not enforce as `settings` say, or cover other namespaces than
 * `settings.namespaces` (every namespace when empty); empty when they all do.
 */
export function enforcementProblems(objects: readonly K8sObject[], settings: AdmissionSettings): string[] {
  const namespaces = namespacesFor(settings);
  const problems: string[] = [];
  for (const o of objects) {
    const name = `${o.kind} ${o.metadata.name}`;
    const spec = (o['spec'] ?? {}) as Json;
    const expect = (what: string, actual: unknown, expected: unknown) => {
      if (!same(actual, expected)) problems.push(`${name}: ${what} is ${JSON.stringify(actual) ?? 'absent'}, but the settings (${settings.enforcement}, namespaces ${namespaces?.join(', ') ?? 'all'}) need ${JSON.stringify(expected) ?? 'none'}`);
    };
    // on a copy: settingsFields creates the parents it looks in
    for (const f of settingsFields(structuredClone(o))) expect(f.what, f.get(), f.value(settings));
    // Fields that would narrow what a form checks (object selectors, exclusions, match conditions,
    // failurePolicy Ignore, admission off...) are none of the emitters': only the ones they write may appear.
    const only = (what: string, value: unknown, allowed: readonly string[]) => {
      if (value === undefined || value === null || typeof value !== 'object') return;
      const extra = Object.keys(value).filter((k) => !allowed.includes(k));
      if (extra.length > 0) problems.push(`${name}: ${what} has ${extra.join(', ')}, which the emitters never write (it could narrow what the policy checks)`);
    };
    // which requests a policy sees: the engines send each example as a CREATE, so what else it
    // matches is read here: every kind on CREATE and UPDATE, and on Pods `kubectl debug` too
    const requests = (rules: unknown) => {
      const list = objectsIn(rules);
      if (list.length === 0) problems.push(`${name}: matches no resources`);
      if (Array.isArray(rules) && rules.length !== list.length) problems.push(`${name}: resourceRules holds something other than rules`);
      for (const r of list) {
        only('a resourceRule', r, ['apiGroups', 'apiVersions', 'operations', 'resources']);
        if (!same(r, EPHEMERAL_CONTAINERS_RULE) && !same(r['operations'], ['CREATE', 'UPDATE'])) problems.push(`${name}: operations on ${JSON.stringify(r['resources'])} are ${JSON.stringify(r['operations']) ?? 'absent'}, not ["CREATE","UPDATE"] (the emitters' own)`);
      }
      const pods = list.some((r) => same(r['apiGroups'], ['']) && Array.isArray(r['resources']) && (r['resources'] as unknown[]).includes('pods'));
      if (pods && !list.some((r) => same(r, EPHEMERAL_CONTAINERS_RULE))) problems.push(`${name}: matches Pods but not ${JSON.stringify(EPHEMERAL_CONTAINERS_RULE)}, so a container added by kubectl debug is never checked`);
    };
    const failClosed = (optional: boolean) => {
      if (!(optional && spec['failurePolicy'] === undefined)) expect('failurePolicy', spec['failurePolicy'], 'Fail');
    };
    if (o.apiVersion.startsWith('policies.kyverno.io/') && (o.kind === 'ValidatingPolicy' || o.kind === 'ImageValidatingPolicy')) {
      only('spec', spec, o.kind === 'ValidatingPolicy' ? ['validationActions', 'autogen', 'matchConstraints', 'variables', 'validations'] : ['failurePolicy', 'validationActions', 'matchConstraints', 'matchImageReferences', 'validationConfigurations', 'attestors', 'validations']);
      only('spec.matchConstraints', spec['matchConstraints'], ['resourceRules', 'namespaceSelector']);
      requests((spec['matchConstraints'] as Json | undefined)?.['resourceRules']);
      failClosed(o.kind === 'ValidatingPolicy'); // Kyverno's ValidatingPolicy fails closed by default
    } else if (o.apiVersion.startsWith('kyverno.io/') && o.kind === 'ClusterPolicy') {
      only('spec', spec, ['background', 'rules']);
      if (!Array.isArray(spec['rules']) || spec['rules'].some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) problems.push(`${name}: spec.rules is not a list of rules`);
      for (const rule of objectsIn(spec['rules'])) {
        const where = `rule ${String(rule['name'])}`;
        only(where, rule, ['name', 'match', 'validate', 'verifyImages']);
        only(`${where} match`, rule['match'], ['any']);
        for (const m of objectsIn((rule['match'] as { any?: unknown } | undefined)?.any)) {
          only(`${where} match.any`, m, ['resources']);
          only(`${where} match.any.resources`, m['resources'], ['kinds', 'namespaces']);
        }
        const validate = rule['validate'] as Json | undefined;
        const verify = rule['verifyImages'] === undefined ? undefined : objectsIn(rule['verifyImages']);
        // an override of the action per namespace, existing violations let through, another kind of check...
        only(`${where} validate`, validate, ['failureAction', 'message', 'deny']);
        for (const v of verify ?? []) only(`${where} verifyImages`, v, ['failureAction', 'imageReferences', 'mutateDigest', 'verifyDigest', 'required', 'attestors']);
        if (validate === undefined && verify === undefined) problems.push(`${name}: ${where} neither validates nor verifies images`);
        if (objectsIn((rule['match'] as { any?: unknown } | undefined)?.any).length === 0) problems.push(`${name}: ${where} has no match.any`);
      }
    } else if (o.apiVersion.startsWith('constraints.gatekeeper.sh/')) {
      only('spec', spec, ['enforcementAction', 'match']);
      only('spec.match', spec['match'], ['kinds', 'namespaces']);
    } else if (o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicyBinding') {
      only('spec', spec, ['policyName', 'validationActions', 'matchResources']);
      only('spec.matchResources', spec['matchResources'], ['namespaceSelector']);
    } else if (o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicy') {
      only('spec', spec, ['failurePolicy', 'matchConstraints', 'variables', 'validations']);
      only('spec.matchConstraints', spec['matchConstraints'], ['resourceRules']);
      requests((spec['matchConstraints'] as Json | undefined)?.['resourceRules']);
      failClosed(false);
    } else if (o.kind === 'ConstraintTemplate') {
      only('spec', spec, ['crd', 'targets']);
    } else {
      problems.push(`${name} (${o.apiVersion}): a kind whose enforcement this check does not know`);
    }
  }
  // a policy no binding puts in force does nothing; a binding of a policy not here binds whatever has that name
  const policies = new Set(objects.filter((o) => o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name));
  const bound = new Set<string>();
  for (const o of objects) {
    if (!(o.apiVersion.startsWith('admissionregistration.k8s.io/') && o.kind === 'ValidatingAdmissionPolicyBinding')) continue;
    const policy = ((o['spec'] ?? {}) as Json)['policyName'];
    if (typeof policy === 'string' && policies.has(policy)) bound.add(policy);
    else problems.push(`ValidatingAdmissionPolicyBinding ${o.metadata.name}: binds ${JSON.stringify(policy) ?? 'no policy'}, which is none of these ValidatingAdmissionPolicies`);
  }
  for (const p of [...policies].sort()) if (!bound.has(p)) problems.push(`ValidatingAdmissionPolicy ${p}: no ValidatingAdmissionPolicyBinding puts it in force`);
  return problems;
}
