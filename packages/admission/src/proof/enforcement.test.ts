import { describe, expect, it } from 'vitest';
import type { AdmissionSettings } from '../contract.ts';
import { emitAdmission } from '../emit/index.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { enforcementProblems } from './enforcement.ts';

const settings: AdmissionSettings = { environment: 'e', enforcement: 'enforce', namespaces: ['shop', 'data'], forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'] };

describe('enforcementProblems', () => {
  const objects = emitAdmission(sampleModules(), settings).objects;

  it('finds nothing in forms emitted with the same settings, whatever the order of the namespaces', () => {
    expect(enforcementProblems(objects, settings)).toEqual([]);
    expect(enforcementProblems(objects, { ...settings, namespaces: ['data', 'shop'] })).toEqual([]);
  });

  it('names every form that audits, or covers other namespaces, than the settings say', () => {
    const audit = enforcementProblems(objects, { ...settings, enforcement: 'audit' });
    for (const kind of ['ValidatingPolicy', 'ImageValidatingPolicy', 'ClusterPolicy', 'ValidatingAdmissionPolicyBinding', 'ZtpSamplePodsNoHostNetwork']) {
      expect(audit.some((p) => p.startsWith(`${kind} `)), kind).toBe(true);
    }
    const wider = enforcementProblems(objects, { ...settings, namespaces: ['shop', 'data', 'payments'] });
    expect(wider).toContainEqual(expect.stringMatching(/^ZtpSamplePodsNoHostNetwork sample-pods-no-host-network: match.namespaces is \["shop","data"\], but the settings \(enforce, namespaces shop, data, payments\) need/));
    const everywhere = enforcementProblems(objects, { ...settings, namespaces: [] });
    expect(everywhere).toContainEqual(expect.stringMatching(/^ValidatingAdmissionPolicyBinding .*: matchResources.namespaceSelector is .*, but the settings \(enforce, namespaces all\) need none$/));
  });

  it('names every field that would narrow a form (selectors, exclusions, match conditions, fail open)', () => {
    const edit = (kind: string, change: (spec: Record<string, unknown>) => Record<string, unknown>) =>
      objects.map((o) => (o.kind === kind ? { ...o, spec: change(o['spec'] as Record<string, unknown>) } : o));
    const cases: [string, ReturnType<typeof edit>, RegExp][] = [
      ['binding object selector', edit('ValidatingAdmissionPolicyBinding', (s) => ({ ...s, matchResources: { ...(s['matchResources'] as object), objectSelector: { matchLabels: { bypass: '1' } } } })), /^ValidatingAdmissionPolicyBinding .*: spec.matchResources has objectSelector, which the emitters never write/],
      ['VAP fail open', edit('ValidatingAdmissionPolicy', (s) => ({ ...s, failurePolicy: 'Ignore' })), /^ValidatingAdmissionPolicy .*: failurePolicy is "Ignore"/],
      ['VAP match conditions', edit('ValidatingAdmissionPolicy', (s) => ({ ...s, matchConditions: [{ name: 'never', expression: 'false' }] })), /^ValidatingAdmissionPolicy .*: spec has matchConditions/],
      ['VP object selector', edit('ValidatingPolicy', (s) => ({ ...s, matchConstraints: { ...(s['matchConstraints'] as object), objectSelector: {} } })), /^ValidatingPolicy .*: spec.matchConstraints has objectSelector/],
      ['VP admission off', edit('ValidatingPolicy', (s) => ({ ...s, evaluation: { admission: { enabled: false } } })), /^ValidatingPolicy .*: spec has evaluation/],
      ['ClusterPolicy exclude', edit('ClusterPolicy', (s) => ({ ...s, rules: (s['rules'] as Record<string, unknown>[]).map((r) => ({ ...r, exclude: { any: [] } })) })), /^ClusterPolicy .*: rule .* has exclude/],
      ['ClusterPolicy admission off', edit('ClusterPolicy', (s) => ({ ...s, admission: false })), /^ClusterPolicy .*: spec has admission/],
      ['constraint excluded namespaces', edit('ZtpSamplePodsNoHostNetwork', (s) => ({ ...s, match: { ...(s['match'] as object), excludedNamespaces: ['shop'] } })), /^ZtpSamplePodsNoHostNetwork .*: spec.match has excludedNamespaces/],
      ['constraint parameters', edit('ZtpSamplePodsNoHostNetwork', (s) => ({ ...s, parameters: { allowed: ['*'] } })), /^ZtpSamplePodsNoHostNetwork .*: spec has parameters/],
      ['ClusterPolicy audit per namespace', edit('ClusterPolicy', (s) => ({ ...s, rules: (s['rules'] as Record<string, unknown>[]).map((r) => (r['validate'] ? { ...r, validate: { ...(r['validate'] as object), failureActionOverrides: [{ action: 'Audit', namespaces: ['shop'] }] } } : r)) })), /^ClusterPolicy .*: rule .* validate has failureActionOverrides/],
      ['ClusterPolicy existing violations', edit('ClusterPolicy', (s) => ({ ...s, rules: (s['rules'] as Record<string, unknown>[]).map((r) => (r['validate'] ? { ...r, validate: { ...(r['validate'] as object), allowExistingViolations: true } } : r)) })), /^ClusterPolicy .*: rule .* validate has allowExistingViolations/],
      ['VP CREATE only', edit('ValidatingPolicy', (s) => ({ ...s, matchConstraints: { ...(s['matchConstraints'] as object), resourceRules: ((s['matchConstraints'] as { resourceRules: Record<string, unknown>[] }).resourceRules).map((r) => (r['operations'] as string[]).includes('CREATE') ? { ...r, operations: ['CREATE'] } : r) } })), /^ValidatingPolicy .*: operations on \["pods"\] are \["CREATE"\], not \["CREATE","UPDATE"\]/],
      ['VAP without kubectl debug', edit('ValidatingAdmissionPolicy', (s) => ({ ...s, matchConstraints: { resourceRules: ((s['matchConstraints'] as { resourceRules: Record<string, unknown>[] }).resourceRules).filter((r) => !(r['resources'] as string[]).includes('pods/ephemeralcontainers')) } })), /^ValidatingAdmissionPolicy .*: matches Pods but not .*pods\/ephemeralcontainers.*kubectl debug/],
      ['VAP rule for named objects', edit('ValidatingAdmissionPolicy', (s) => ({ ...s, matchConstraints: { resourceRules: ((s['matchConstraints'] as { resourceRules: Record<string, unknown>[] }).resourceRules).map((r) => ({ ...r, resourceNames: ['nothing'] })) } })), /^ValidatingAdmissionPolicy .*: a resourceRule has resourceNames/],
      ['binding of another policy', edit('ValidatingAdmissionPolicyBinding', (s) => ({ ...s, policyName: 'elsewhere' })), /^ValidatingAdmissionPolicyBinding .*: binds "elsewhere", which is none of these ValidatingAdmissionPolicies$/],
      ['binding of another policy leaves its own unbound', edit('ValidatingAdmissionPolicyBinding', (s) => ({ ...s, policyName: 'elsewhere' })), /^ValidatingAdmissionPolicy .*: no ValidatingAdmissionPolicyBinding puts it in force$/],
    ];
    for (const [what, mutated, problem] of cases) expect(enforcementProblems(mutated, settings), what).toContainEqual(expect.stringMatching(problem));
  });

  it('reports malformed rules instead of failing on them', () => {
    const broken = objects.map((o) => (o.kind === 'ClusterPolicy' ? { ...o, spec: { ...(o['spec'] as object), rules: [null, { name: 'x', match: { any: [null] }, validate: { failureAction: 'Enforce' } }] } } : o.kind === 'ValidatingAdmissionPolicy' ? { ...o, spec: { ...(o['spec'] as object), matchConstraints: { resourceRules: [null] } } } : o));
    const problems = enforcementProblems(broken, settings);
    expect(problems).toContainEqual(expect.stringMatching(/^ClusterPolicy .*: spec.rules is not a list of rules$/));
    expect(problems).toContainEqual(expect.stringMatching(/^ClusterPolicy .*: rule x has no match.any$/));
    expect(problems).toContainEqual(expect.stringMatching(/^ValidatingAdmissionPolicy .*: resourceRules holds something other than rules$/));
  });

  it('refuses a kind it does not know how to read', () => {
    expect(enforcementProblems([{ apiVersion: 'example.com/v1', kind: 'Policy', metadata: { name: 'p' } }], settings)).toEqual(['Policy p (example.com/v1): a kind whose enforcement this check does not know']);
  });
});
