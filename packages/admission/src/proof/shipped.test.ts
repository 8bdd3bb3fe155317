import { describe, expect, it } from 'vitest';
import type { AdmissionOutput, AdmissionSettings, K8sObject } from '../contract.ts';
import { emitAdmission } from '../emit/index.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { proveShipped, type VerdictMatrix } from './matrix.ts';

const SETTINGS: AdmissionSettings = { environment: 'shop', enforcement: 'enforce', namespaces: ['shop', 'data'], forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'] };

function ran(matrix: VerdictMatrix, what: string): string[] {
  for (const e of matrix.engines) if (e.status !== 'ran') console.log(`${what}: ${e.engine} ${e.reason}`);
  return matrix.engines.filter((e) => e.status === 'ran').map((e) => e.engine);
}

/** The emitted output with every object of `kind` changed. */
function edit(out: AdmissionOutput, kind: (o: K8sObject) => boolean, change: (spec: Record<string, any>) => void): AdmissionOutput {
  return {
    ...out,
    objects: out.objects.map((o) => {
      if (!kind(o)) return o;
      const copy = structuredClone(o);
      change(copy['spec'] as Record<string, any>);
      return copy;
    }),
  };
}

describe('proveShipped: the objects and scan files a bundle ships, through the engines of its forms', () => {
  const shipped = emitAdmission(sampleModules(), SETTINGS);

  it("proves an environment's own emission (scoped to its namespaces, in audit too) with the engine of each form and the scan engines", async () => {
    const m = await proveShipped(sampleModules(), shipped, SETTINGS);
    const engines = ran(m, 'shipped');
    expect(m.failures.map((f) => f.text)).toEqual([]);
    expect(m.engines.map((e) => e.engine)).toEqual(['kyverno', 'kyverno-legacy', 'gatekeeper', 'native', 'conftest', 'opa', 'kyverno-json']);
    for (const engine of engines) expect(m.cells.filter((c) => c.engine === engine && c.actual === 'not-run')).toEqual([]);
    const audit = { ...SETTINGS, enforcement: 'audit' as const, forms: ['gatekeeper' as const] };
    expect((await proveShipped(sampleModules(), emitAdmission(sampleModules(), audit), audit, {})).failures.map((f) => f.text)).toEqual([]);
  });

  it('fails a rule edited, a kind dropped, a policy unbound, though every action and scope is right', async () => {
    const vp = (o: K8sObject) => o.kind === 'ValidatingPolicy';
    const constraint = (o: K8sObject) => o.apiVersion.startsWith('constraints.gatekeeper.sh/');
    let out = edit(shipped, vp, (spec) => (spec['validations'] = spec['validations'].map((v: Record<string, unknown>) => ({ ...v, expression: 'true' }))));
    out = edit(out, constraint, (spec) => (spec['match']['kinds'] = spec['match']['kinds'].filter((k: { kinds: string[] }) => !k.kinds.includes('Pod'))));
    out = { ...out, objects: out.objects.filter((o) => o.kind !== 'ValidatingAdmissionPolicyBinding' || o.metadata.name !== 'sample-pods-no-host-network') };
    const m = await proveShipped(sampleModules(), out, SETTINGS);
    const engines = ran(m, 'shipped mutants');
    const texts = m.failures.map((f) => f.text);
    expect(texts).toContainEqual('ValidatingAdmissionPolicy sample-pods-no-host-network: no ValidatingAdmissionPolicyBinding puts it in force');
    if (engines.includes('kyverno')) expect(texts).toContainEqual(expect.stringMatching(/^kyverno allowed Pod\/host \(sample-pods\/no-host-network example host\), expected deny/));
    if (engines.includes('gatekeeper')) expect(texts).toContainEqual(expect.stringMatching(/^gatekeeper allowed Pod\/host \(sample-pods\/no-host-network example host\), expected deny/));
    // the engines that read the unchanged forms still give every verdict
    for (const engine of ['kyverno-legacy', 'conftest', 'opa', 'kyverno-json'].filter((e) => engines.includes(e))) expect(m.failures.filter((f) => f.kind !== 'enforcement' && f.engines.length === 1 && f.engines[0] === engine)).toEqual([]);
  });

  it('fails an image-signature policy that differs from the compiled one, which no engine judges without the registry', async () => {
    const weaker = edit(shipped, (o) => o.kind === 'ImageValidatingPolicy', (spec) => (spec['validationConfigurations'] = { ...spec['validationConfigurations'], required: false }));
    const legacy = edit(weaker, (o) => o.kind === 'ClusterPolicy', (spec) => {
      for (const r of spec['rules']) if (r.verifyImages) r.verifyImages[0].imageReferences = ['nothing.invalid/*'];
    });
    const m = await proveShipped(sampleModules(), legacy, SETTINGS);
    const texts = m.failures.filter((f) => f.kind === 'coverage' && !f.engines.length).map((f) => f.text);
    expect(texts).toContainEqual(expect.stringMatching(/^ImageValidatingPolicy \S+ differs from what the modules compile to/));
    expect(texts).toContainEqual(expect.stringMatching(/^ClusterPolicy sample-objects rule signed differs from what the modules compile to/));
    const dropped = await proveShipped(sampleModules(), { ...shipped, objects: shipped.objects.filter((o) => o.kind !== 'ImageValidatingPolicy') }, SETTINGS);
    expect(dropped.failures.map((f) => f.text)).toContainEqual(expect.stringMatching(/^ImageValidatingPolicy \S+ is not shipped, though the modules have it/));
  });

  it('fails an action or a scope other than the settings say, which the engines do not see', async () => {
    const legacy = edit(shipped, (o) => o.kind === 'ClusterPolicy', (spec) => {
      for (const r of spec['rules']) if (r.validate) r.validate.failureActionOverrides = [{ action: 'Audit', namespaces: ['shop'] }];
    });
    const m = await proveShipped(sampleModules(), legacy, SETTINGS, {});
    expect(m.failures.filter((f) => f.kind === 'enforcement').map((f) => f.text)).toContainEqual(expect.stringMatching(/^ClusterPolicy sample-pods: rule .* validate has failureActionOverrides, which the emitters never write/));
    const elsewhere = await proveShipped(sampleModules(), shipped, { ...SETTINGS, namespaces: ['shop'] }, {});
    expect(elsewhere.failures.filter((f) => f.kind === 'enforcement').map((f) => f.text)).toContainEqual(expect.stringMatching(/match.namespaces is \["shop","data"\], but the settings \(enforce, namespaces shop\) need \["shop"\]/));
  });
});
