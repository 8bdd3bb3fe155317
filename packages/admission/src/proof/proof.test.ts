import { describe, expect, it } from 'vitest';
import { ENGINES } from '../engines/types.ts';
import { allow, deny, PODS, spec, validationRule, violation } from '../rule/build.ts';
import { pod } from '../rule/objects.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { evaluate } from './evaluate.ts';
import { renderJUnit } from './junit.ts';
import { proveModules, type VerdictMatrix } from './matrix.ts';

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
    expect(matrix.cells.length).toBe(ENGINES.length * 14);
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

  it('renders the matrix as JUnit XML', async () => {
    const matrix = await proveModules(sampleModules(), { engines: ['opa'] });
    const xml = renderJUnit(matrix);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ztp admission proof" tests="14"/);
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
