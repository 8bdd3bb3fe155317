import { emitAdmission, engineMissing, PROOF_SETTINGS, runOpaTests } from '@ztp/admission';
import { ENGINES, misjudgedExamples, proveModules } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { allowedRegistries, imageTags, signedImages } from './index.ts';

const modules = [allowedRegistries({ registries: ['ghcr.io/acme/', 'registry.example.com/'] }), imageTags({ exemptImages: ['registry.example.com/tools:latest', 'ghcr.io/acme/debug-*'] }), signedImages({ images: ['ghcr.io/acme/*'], publicKey: '-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----' })];

describe('supply-chain', () => {
  it('every example gets its verdict from the reference interpreter', () => {
    expect(modules.flatMap((m) => misjudgedExamples(m.rules ?? []))).toEqual([]);
  });

  it('every engine gives every example its verdict and message', async () => {
    const matrix = await proveModules(modules, { engines: ENGINES });
    for (const e of matrix.engines) if (e.status !== 'ran') console.log(`supply-chain: ${e.engine} ${e.reason}`);
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
