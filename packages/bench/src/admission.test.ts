import { describe, expect, it } from 'vitest';
import { engineMissing } from '@ztp/admission';
import { isCI } from '@ztp/tools';
import { measureAdmission } from './admission.ts';

const root = new URL('../../..', import.meta.url).pathname;

describe('measureAdmission', () => {
  it('times the batched proof and one run per example of a real engine, and finds the same verdicts both ways', async () => {
    const missing = await engineMissing('opa');
    if (missing !== undefined && !isCI()) {
      console.log(`measureAdmission: not run, because opa ${missing}`);
      return;
    }
    const a = await measureAdmission({ root, engines: ['opa'], batchedRuns: 1, limitSeconds: 4 });
    expect(a.examples).toBeGreaterThan(20);
    expect(a.proofFailures).toBe(0);
    expect(a.excluded.map((e) => e.engine)).not.toContain('opa');
    const opa = a.engines.find((e) => e.engine === 'opa')!;
    expect(opa.skipped).toBeUndefined();
    expect(opa.batchedProcesses).toBeGreaterThan(0);
    expect(opa.batchedEngineMs).toBeGreaterThan(0);
    expect(opa.batchedEngineMs).toBeLessThan(opa.batchedMs);
    expect(a.proofEngineMs).toBeLessThan(a.proofMs);
    expect(opa.perExampleRuns).toBeGreaterThanOrEqual(3);
    expect(opa.agree).toBe(true);
    // one process per example costs more than one process per batch
    expect(opa.perExampleMs!).toBeGreaterThan(opa.batchedMs);
  }, 300_000);
});
