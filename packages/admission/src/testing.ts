import { describe, expect, it } from 'vitest';
import type { AdmissionModule } from './contract.ts';
import { emitAdmission } from './emit/index.ts';
import { ENGINES } from './engines/types.ts';
import { PROOF_SETTINGS, proveModules } from './proof/matrix.ts';
import { engineMissing } from './proof/shared-data.ts';
import { runOpaTests } from './engines/opa-test.ts';
import { exampleGaps, misjudgedExamples } from './rule/interpret.ts';

export { exampleGaps };

/**
 * The standard proof of a policy module, for its tests: every example gets its verdict from the
 * reference interpreter; every violation clause and every pod-bearing kind has a deny example
 * that rests on it (`exampleGaps`); every engine gives every example its verdict and message (a
 * missing engine fails under CI and prints why it did not run elsewhere); the opa tests the bundle
 * carries pass.
 */
export function describeModuleProof(name: string, modules: readonly AdmissionModule[]): void {
  describe(name, () => {
    it('every example gets its verdict from the reference interpreter', () => {
      expect(modules.flatMap((m) => misjudgedExamples(m.rules ?? []))).toEqual([]);
    });

    it('every violation clause and every pod-bearing kind has a deny example that rests on it', () => {
      expect(exampleGaps(modules)).toEqual([]);
    });

    it('every engine gives every example its verdict and message', async () => {
      const matrix = await proveModules(modules, { engines: ENGINES });
      for (const e of matrix.engines) if (e.status !== 'ran') console.log(`${name}: ${e.engine} ${e.reason}`);
      expect(matrix.failures.map((f) => f.text)).toEqual([]);
      for (const e of matrix.engines.filter((x) => x.status === 'ran')) {
        // Not applicable: an example its rule marks invalidOnCluster, which the apiserver refused in its own validation.
        const undecided = matrix.cells.filter(
          (c) => c.engine === e.engine && c.actual === 'not-run' && !c.reason?.includes('image signatures') && !c.reason?.includes('registry') && !c.reason?.startsWith('not applicable: '),
        );
        expect(undecided).toEqual([]);
      }
    });

    it('passes the opa tests the bundle carries for its examples', async () => {
      const missing = await engineMissing('opa');
      if (missing !== undefined) {
        console.log(`${name}: opa test ${missing}`);
        return;
      }
      const result = await runOpaTests(emitAdmission(modules, PROOF_SETTINGS));
      expect(result.failed).toEqual([]);
      expect(result.passed).toBeGreaterThan(0);
    });
  });
}

// The signed-image proof: a local registry, images and signatures, the test-only insecure settings, kyverno apply.
export { closedPort, cosignVerifies, generateKeyPair, pushImage, signatureTools, signImage, SIGNATURE_TOOLS, startLocalRegistry } from './testing/local-registry.ts';
export type { KeyPair, LocalRegistry, PushedImage, SignatureTool } from './testing/local-registry.ts';
export { forLocalRegistry, INSECURE_SETTINGS, insecureSettingsIn } from './testing/insecure-registry-fixture.ts';
export { kyvernoApply } from './testing/kyverno-apply.ts';
export type { KyvernoApply, KyvernoResult } from './testing/kyverno-apply.ts';
