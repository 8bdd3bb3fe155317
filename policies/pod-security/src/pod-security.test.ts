import { emitAdmission, engineMissing, PROOF_SETTINGS, runOpaTests } from '@ztp/admission';
import { interpret, proveModules } from '@ztp/admission';
import { ENGINES as ALL_ENGINES } from '@ztp/admission';
import type { EngineName } from '@ztp/admission';
import { exampleGaps } from '@ztp/admission/testing';
import { describe, expect, it } from 'vitest';
import { podSecurity } from './index.ts';

const LEVELS = ['baseline', 'restricted'] as const;
const ENGINES: readonly EngineName[] = ALL_ENGINES;

describe.each(LEVELS)('pod security %s', (level) => {
  const module = podSecurity(level);

  it('every example gets its verdict from the reference interpreter', () => {
    const wrong: string[] = [];
    for (const rule of module.rules ?? []) {
      if (rule.kind !== 'validation') continue;
      for (const example of rule.examples) {
        const { allowed } = interpret(rule, example.object);
        if (allowed !== (example.verdict === 'allow')) wrong.push(`${rule.id}/${example.name}: expected ${example.verdict}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every violation clause and every pod-bearing kind has a deny example that rests on it', () => {
    expect(exampleGaps([module])).toEqual([]);
  });

  it('every engine gives every example its verdict and message', async () => {
    const matrix = await proveModules([module], { engines: ENGINES });
    for (const e of matrix.engines) if (e.status !== 'ran') console.log(`pod-security ${level}: ${e.engine} ${e.reason}`);
    expect(matrix.failures.map((f) => f.text)).toEqual([]);
    const ran = matrix.engines.filter((e) => e.status === 'ran').map((e) => e.engine);
    // Every engine that ran decided every example, except the apiserver on the examples that say
    // a real apiserver refuses their object in its own validation: exactly those are not applicable.
    const undecided = matrix.cells.filter((c) => ran.includes(c.engine) && c.actual === 'not-run').map((c) => `${c.engine} ${c.rule} ${c.example}`);
    const invalid = (module.rules ?? []).flatMap((r) => (r.kind === 'validation' ? r.examples.filter((e) => e.invalidOnCluster).map((e) => `apiserver ${module.id}/${r.id} ${e.name}`) : []));
    expect(undecided.sort()).toEqual(ran.includes('apiserver') ? invalid.sort() : []);
  });

  it('passes the opa tests the bundle carries for its examples', async () => {
    const missing = await engineMissing('opa');
    if (missing !== undefined) {
      console.log(`opa test: ${missing}`);
      return;
    }
    const result = await runOpaTests(emitAdmission([module], PROOF_SETTINGS));
    expect(result.failed).toEqual([]);
    expect(result.passed).toBeGreaterThan(0);
  });
});
