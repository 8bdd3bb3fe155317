import { emitAdmission, engineMissing, PROOF_SETTINGS, runOpaTests } from '@ztp/admission';
import { interpret, proveModules } from '@ztp/admission';
import { ENGINES as ALL_ENGINES } from '@ztp/admission';
import type { EngineName } from '@ztp/admission';
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

  it('every engine gives every example its verdict and message', async () => {
    const matrix = await proveModules([module], { engines: ENGINES });
    for (const e of matrix.engines) if (e.status !== 'ran') console.log(`pod-security ${level}: ${e.engine} ${e.reason}`);
    expect(matrix.failures.map((f) => f.text)).toEqual([]);
    const ran = matrix.engines.filter((e) => e.status === 'ran').map((e) => e.engine);
    const decided = matrix.cells.filter((c) => ran.includes(c.engine) && c.actual !== 'not-run');
    expect(decided.length).toBe(ran.length * matrix.cells.filter((c) => c.engine === ENGINES[0]).length);
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
