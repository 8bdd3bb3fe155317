import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../contract.ts';
import { ENGINES } from '../engines/types.ts';
import { allow, deny, PODS, spec, validationRule, violation } from '../rule/build.ts';
import { pod } from '../rule/objects.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { evaluate } from './evaluate.ts';
import { renderJUnit } from './junit.ts';
import { proveModules, type VerdictMatrix } from './matrix.ts';
import { engineMissing } from './shared-data.ts';

function report(matrix: VerdictMatrix, what: string): string[] {
  for (const e of matrix.engines) if (e.status !== 'ran') console.log(`${what}: ${e.engine} ${e.reason}`);
  return matrix.engines.filter((e) => e.status === 'ran').map((e) => e.engine);
}

describe('the proof', () => {
  it('gives every example of the sample modules its verdict on every engine', async () => {
    const matrix = await proveModules(sampleModules());
    const ran = report(matrix, 'sample modules');
    expect(matrix.failures.map((f) => f.text)).toEqual([]);
    for (const engine of ran) expect(matrix.cells.filter((c) => c.engine === engine && c.actual === 'not-run')).toEqual([]);
    expect(matrix.cells.length).toBe(ENGINES.length * 22);
  });

  it('reports a rule whose examples lie, naming the engine and the object', async () => {
    const lying = validationRule({
      id: 'liar',
      title: 'liar',
      message: 'hostPID must not be true',
      target: PODS,
      violations: [violation(spec.field('hostPID').isTrue())],
      examples: [allow('says-allow', pod('says-allow', { hostPID: true })), deny('says-deny', pod('says-deny'))],
    });
    const matrix = await proveModules([{ id: 'lies', description: 'wrong examples', rules: [lying] }]);
    const ran = report(matrix, 'lying rule');
    const verdictFailures = matrix.failures.filter((f) => f.kind === 'verdict');
    expect(verdictFailures.length).toBe(2 * ran.length);
    for (const f of verdictFailures) expect(f.text).toMatch(/^(\S+) (denied|allowed) Pod\/says-(allow|deny) \(lies\/liar example says-(allow|deny)\), expected (allow|deny)/);
  });

  it('fails forms that audit instead of enforcing, though every engine reports the violations', async () => {
    const audit = (o: K8sObject): K8sObject => {
      const spec = (o['spec'] ?? {}) as Record<string, unknown>;
      if (o.kind === 'ValidatingPolicy' || o.kind === 'ValidatingAdmissionPolicyBinding') return { ...o, spec: { ...spec, validationActions: ['Audit'] } };
      if (o.apiVersion.startsWith('constraints.gatekeeper.sh/')) return { ...o, spec: { ...spec, enforcementAction: 'dryrun' } };
      if (o.kind === 'ClusterPolicy') return { ...o, spec: { ...spec, rules: (spec['rules'] as Record<string, unknown>[]).map((r) => (r['validate'] ? { ...r, validate: { ...(r['validate'] as object), failureAction: 'Audit' } } : r)) } };
      return o;
    };
    const matrix = await proveModules(sampleModules(), { mutate: (out) => ({ ...out, objects: out.objects.map(audit) }) });
    const ran = report(matrix, 'audit');
    const enforcement = matrix.failures.filter((f) => f.kind === 'enforcement').map((f) => f.text);
    expect(enforcement).toContainEqual(expect.stringMatching(/^ValidatingPolicy sample-pods-no-host-network: validationActions is \["Audit"\], but the settings \(enforce, namespaces all\) need \["Deny"\]$/));
    expect(enforcement).toContainEqual(expect.stringMatching(/^ZtpSamplePodsNoHostNetwork sample-pods-no-host-network: enforcementAction is "dryrun"/));
    expect(enforcement).toContainEqual(expect.stringMatching(/^ValidatingAdmissionPolicyBinding .*: validationActions is \["Audit"\]/));
    expect(enforcement).toContainEqual(expect.stringMatching(/^ClusterPolicy sample-pods: rule .* failureAction is "Audit"/));
    // a JUnit reader sees them too
    expect(renderJUnit(matrix)).toMatch(/<testsuite name="forms and examples" tests="\d+" failures="\d+"[\s\S]*<failure message="ValidatingPolicy sample-pods-no-host-network: validationActions is \[&quot;Audit&quot;\]/);
    // the engines that see the action admit the deny examples: gator (dryrun) and the apiserver (an Audit binding)
    for (const engine of ['gatekeeper', 'apiserver'].filter((e) => ran.includes(e as never))) {
      expect(matrix.failures.some((f) => f.kind === 'verdict' && f.engines.includes(engine as never) && /allowed Pod\/host /.test(f.text)), engine).toBe(true);
    }
  });

  it('fails when an engine that ran has no form of a rule, instead of leaving its cells not run', async () => {
    const matrix = await proveModules(sampleModules(), {
      engines: ['kyverno'],
      mutate: (out) => ({ ...out, objects: out.objects.filter((o) => !(o.kind === 'ValidatingPolicy' && o.metadata.name === 'sample-pods-no-host-network')) }),
    });
    if (report(matrix, 'dropped form').length === 0) return;
    const coverage = matrix.failures.filter((f) => f.kind === 'coverage').map((f) => f.text);
    expect(renderJUnit(matrix)).toMatch(/<testcase classname="sample-pods\/no-host-network" name="sample-pods\/no-host-network plain">\n      <failure message="kyverno did not judge/);
    expect(coverage).toEqual([
      'kyverno did not judge Pod/plain (sample-pods/no-host-network example plain): its form has no sample-pods/no-host-network',
      'kyverno did not judge Pod/host (sample-pods/no-host-network example host): its form has no sample-pods/no-host-network',
      'kyverno did not judge CronJob/cronjob (sample-pods/no-host-network example cronjob): its form has no sample-pods/no-host-network',
    ]);
  });

  it('fails an engine that left cases unjudged (no package main, a match that selects nothing), rather than read them as allowed', async () => {
    const matrix = await proveModules(sampleModules(), {
      engines: ['opa', 'conftest', 'kyverno-json'],
      mutate: (out) => ({
        ...out,
        files: out.files.map((f) =>
          f.path.startsWith('conftest/') && f.path !== 'conftest/lib/ztp.rego'
            ? { ...f, content: f.content.replace(/^package main$/m, 'package elsewhere') }
            : f.path.startsWith('kyverno-json/')
              ? { ...f, content: f.content.replaceAll('kind: Pod\n', 'kind: Pood\n') }
              : f,
        ),
      }),
    });
    const ran = report(matrix, 'unjudged');
    const engineFailures = matrix.failures.filter((f) => f.kind === 'engine').map((f) => f.text);
    if (ran.includes('opa') || matrix.engines.some((e) => e.engine === 'opa' && e.status === 'failed')) expect(engineFailures).toContainEqual(expect.stringMatching(/^opa failed: opa judged no case: is data.main.deny defined\?|^opa failed: opa judged not every case/));
    if (matrix.engines.some((e) => e.engine === 'conftest' && e.status !== 'not-run')) expect(engineFailures).toContainEqual(expect.stringMatching(/conftest judged not every case \(ztp-case-\d+/));
    if (matrix.engines.some((e) => e.engine === 'kyverno-json' && e.status !== 'not-run')) expect(engineFailures).toContainEqual(expect.stringMatching(/kyverno-json did not evaluate every example against its own rule \(ztp-case-\d+ \(sample-pods\//));
  });

  it('refuses to read a gator run that failed as a verdict', async () => {
    const missing = await engineMissing('gatekeeper');
    if (missing !== undefined) {
      console.log(`gator failure: ${missing}`);
      return;
    }
    const run = evaluate([{ file: 'a.yaml', object: pod('web', { hostNetwork: true }) }, { file: 'b.yaml', object: { ...pod('broken'), apiVersion: '' } }], { profile: sampleModules(), engine: 'gatekeeper' });
    await expect(run).rejects.toThrow(/gator exited 1 without reporting a violation \(it failed\): .*has no version/);
  });

  it('the scan form judges the items of a List, nested Lists at any depth, and a document that hides behind an items field', async () => {
    // kubectl apply creates every item of a List: a violating Pod inside one must be denied
    const list = (...items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', metadata: {}, items }) as unknown as K8sObject;
    const objects = [
      { file: 'list.yaml', object: list(pod('plain'), pod('sneaky', { hostNetwork: true })) },
      { file: 'nested.yaml', object: list(list(pod('deeper', { hostNetwork: true }))) },
      { file: 'deep.yaml', object: list(list(list(list(pod('deepest', { hostNetwork: true }))))) },
      { file: 'odd-items.yaml', object: list('x', 1, list('y', pod('among', { hostNetwork: true }))) },
      { file: 'items.yaml', object: { ...pod('itself', { hostNetwork: true }), items: [] } as K8sObject },
      { file: 'clean.yaml', object: list(pod('plain-1'), pod('plain-2')) },
    ];
    for (const engine of ['conftest', 'opa'] as const) {
      const missing = await engineMissing(engine);
      if (missing !== undefined) {
        console.log(`List items on ${engine}: ${missing}`);
        continue;
      }
      const records = await evaluate(objects, { profile: sampleModules(), engine });
      expect(records.map((r) => [r.file, r.allowed]), engine).toEqual([['list.yaml', false], ['nested.yaml', false], ['deep.yaml', false], ['odd-items.yaml', false], ['items.yaml', false], ['clean.yaml', true]]);
      expect(records[0]!.messages, engine).toEqual(['sample-pods/no-host-network: hostNetwork must not be true']);
    }
  });

  it('evaluates a rule only on the kinds it targets (kyverno apply runs a ValidatingAdmissionPolicy on every object)', async () => {
    const missing = await engineMissing('native');
    if (missing !== undefined) {
      console.log(`evaluate native: ${missing}`);
      return;
    }
    const plain = { ...pod('plain'), metadata: { name: 'plain', namespace: 'shop' } };
    const records = await evaluate([{ file: 'a.yaml', object: plain }, { file: 'b.yaml', object: pod('web', { hostNetwork: true }) }], { profile: sampleModules(), engine: 'native' });
    expect(records.map((r) => [r.object, r.allowed])).toEqual([['Pod/shop/plain', true], ['Pod/web', false]]);
    expect(records[1]!.messages).toEqual(['sample-pods/no-host-network: hostNetwork must not be true']);
  });

  it('renders the matrix as JUnit XML', async () => {
    const matrix = await proveModules(sampleModules(), { engines: ['opa'] });
    const xml = renderJUnit(matrix);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ztp admission proof" tests="22"/);
    expect(xml).toContain('<testsuite name="opa"');
    expect(xml).toContain('classname="sample-pods/ports" name="sample-pods/ports ssh"');
  });

  it('evaluates arbitrary objects with one engine', async () => {
    const records = await evaluate(
      [
        { file: 'a.yaml', object: pod('web', { hostNetwork: true }) },
        { file: 'b.yaml', object: { ...pod('db'), metadata: { name: 'db', namespace: 'data' } } },
      ],
      { profile: sampleModules(), engine: 'opa' },
    ).catch((error: Error) => {
      console.log(`evaluate: ${error.message}`);
      return undefined;
    });
    if (records === undefined) return;
    expect(records).toEqual([
      { file: 'a.yaml', object: 'Pod/web', engine: 'opa', allowed: false, messages: ['sample-pods/no-host-network: hostNetwork must not be true'] },
      { file: 'b.yaml', object: 'Pod/data/db', engine: 'opa', allowed: true, messages: [] },
    ]);
  });
});
