import { emitAdmission, engineMissing, PROOF_SETTINGS, runOpaTests } from '@ztp/admission';
import { ENGINES, misjudgedExamples, proveModules } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { KINDS, requiredLabels } from './index.ts';

const modules = [requiredLabels({ labels: [{ key: 'app.kubernetes.io/name' }, { key: 'owner', allowedRegex: '^[a-z]+$', exampleValue: 'team' }] }), requiredLabels({ id: 'namespace-labels', kinds: [KINDS.Namespace], labels: [{ key: 'owner', allowedRegex: '^[a-z]+$', exampleValue: 'team' }] }), requiredLabels({ id: 'pod-labels', on: 'pod', labels: [{ key: 'app' }, { key: 'tier', allowedRegex: '^(web|db)$', exampleValue: 'web' }] })];

describe('labels', () => {
  it('every example gets its verdict from the reference interpreter', () => {
    expect(modules.flatMap((m) => misjudgedExamples(m.rules ?? []))).toEqual([]);
  });

  it('every engine gives every example its verdict and message', async () => {
    const matrix = await proveModules(modules, { engines: ENGINES });
    for (const e of matrix.engines) if (e.status !== 'ran') console.log(`labels: ${e.engine} ${e.reason}`);
    expect(matrix.failures.map((f) => f.text)).toEqual([]);
    const ran = matrix.engines.filter((e) => e.status === 'ran').map((e) => e.engine);
    for (const engine of ran) {
      const undecided = matrix.cells.filter((c) => c.engine === engine && c.actual === 'not-run' && !c.reason?.includes('image signatures') && !c.reason?.includes('registry'));
      expect(undecided).toEqual([]);
    }
  });

  it('passes the opa tests the bundle carries for its examples', async () => {
    const missing = await engineMissing('opa');
    if (missing !== undefined) {
      console.log(`opa test: ${missing}`);
      return;
    }
    const result = await runOpaTests(emitAdmission(modules, PROOF_SETTINGS));
    expect(result.failed).toEqual([]);
    expect(result.passed).toBeGreaterThan(0);
  });
});
