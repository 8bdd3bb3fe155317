import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { AdmissionSettings } from '../contract.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { parseConftestMessage } from './conftest.ts';
import { emitAdmission } from './index.ts';

const settings: AdmissionSettings = { environment: 'dev', enforcement: 'enforce', namespaces: ['apps'], forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'] };

function bytes(settingsUsed: AdmissionSettings): string {
  const out = emitAdmission(sampleModules(), settingsUsed);
  return [...out.objects.map((o) => stringify(o)), ...out.files.map((f) => `${f.path}\n${f.content}`)].join('---\n');
}

describe('emitAdmission', () => {
  it('is deterministic: the same input gives byte-identical output', () => {
    expect(bytes(settings)).toBe(bytes(settings));
  });

  it('emits only the cluster forms the settings pick, and always the scan forms', () => {
    const out = emitAdmission(sampleModules(), { ...settings, forms: ['native'] });
    expect(new Set(out.objects.map((o) => o.kind))).toEqual(new Set(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']));
    expect(out.files.map((f) => f.path)).toEqual(['conftest/lib/ztp.rego', 'conftest/sample-pods.rego', 'conftest/sample-objects.rego', 'conftest/sample-pods_test.rego', 'conftest/sample-objects_test.rego', 'kyverno-json/sample-pods.yaml', 'kyverno-json/sample-objects.yaml', 'UNCHECKED.md']);
  });

  it('maps enforcement onto every form', () => {
    const enforce = emitAdmission(sampleModules(), settings).objects;
    const audit = emitAdmission(sampleModules(), { ...settings, enforcement: 'audit' }).objects;
    const actions = (objects: typeof enforce) =>
      objects.map((o) => {
        const spec = o['spec'] as Record<string, unknown>;
        if (o.kind === 'ValidatingPolicy' || o.kind === 'ValidatingAdmissionPolicyBinding') return `${o.kind}:${String(spec['validationActions'])}`;
        if (o.kind === 'ClusterPolicy') return `${o.kind}:${(spec['rules'] as { validate?: { failureAction: string } }[]).map((r) => r.validate?.failureAction ?? 'verifyImages').join(',')}`;
        if (o.apiVersion.startsWith('constraints.gatekeeper.sh/')) return `constraint:${String(spec['enforcementAction'])}`;
        return undefined;
      });
    expect(actions(enforce).filter(Boolean).join(' ')).not.toMatch(/Audit|dryrun/);
    expect(actions(audit).filter(Boolean).join(' ')).not.toMatch(/Deny|Enforce|:deny/);
  });

  it('says in every form that cannot check a signature rule that it does not', () => {
    const out = emitAdmission(sampleModules(), settings);
    expect(out.notices?.map((n) => n.form).sort()).toEqual(['conftest', 'gatekeeper', 'kyverno-json', 'native']);
    expect(out.objects.some((o) => o.kind === 'ImageValidatingPolicy' && o.metadata.name === 'sample-objects-signed')).toBe(true);
    expect(out.files.find((f) => f.path === 'conftest/sample-objects.rego')?.content).toContain('not checked by conftest: signed images');
    expect(out.files.find((f) => f.path === 'kyverno-json/sample-objects.yaml')?.content).toContain('not checked by kyverno-json');
    const legacy = out.objects.find((o) => o.kind === 'ClusterPolicy' && o.metadata.name === 'sample-objects');
    expect(JSON.stringify(legacy)).toContain('verifyImages');
  });

  it('restricts the cluster forms to the managed namespaces', () => {
    const out = emitAdmission(sampleModules(), settings);
    const text = JSON.stringify(out.objects);
    expect(text).toContain('"kubernetes.io/metadata.name"');
    expect(out.objects.filter((o) => o.apiVersion.startsWith('constraints.gatekeeper.sh/')).every((c) => JSON.stringify(c).includes('"namespaces":["apps"]'))).toBe(true);
  });

  it('names the rule in every conftest denial', () => {
    expect(parseConftestMessage('sample-pods/ports: hostPort 22 or 2222')).toEqual({ rule: 'sample-pods/ports', message: 'hostPort 22 or 2222' });
    expect(parseConftestMessage('no rule here')).toBeUndefined();
  });
});
