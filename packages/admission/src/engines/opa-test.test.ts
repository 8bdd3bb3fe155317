import { resolveTool } from '@ztp/tools';
import { describe, expect, it } from 'vitest';
import { emitAdmission } from '../emit/index.ts';
import { PROOF_SETTINGS } from '../proof/matrix.ts';
import { engineMissing } from '../proof/shared-data.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { runOpaTests } from './opa-test.ts';

describe('the examples as opa tests in the bundle', () => {
  it('pass under opa test, and examples that lie fail', async () => {
    const missing = await engineMissing('opa');
    if (missing !== undefined) {
      console.log(`opa test: ${missing}`);
      return;
    }
    const opa = await resolveTool('opa');
    const good = await runOpaTests(emitAdmission(sampleModules(), PROOF_SETTINGS), opa);
    expect(good.failed).toEqual([]);
    expect(good.passed).toBe(22);

    const [pods, ...rest] = sampleModules();
    const lying = { ...pods!, rules: (pods!.rules ?? []).map((r) => (r.kind === 'validation' && r.id === 'no-host-network' ? { ...r, examples: r.examples.map((e) => ({ ...e, verdict: e.verdict === 'allow' ? ('deny' as const) : ('allow' as const) })) } : r)) };
    const lies = await runOpaTests(emitAdmission([lying, ...rest], PROOF_SETTINGS), opa);
    expect(lies.failed.map((f) => f.split(':')[0]).sort()).toEqual(['test_sample_pods__no_host_network__cronjob', 'test_sample_pods__no_host_network__host', 'test_sample_pods__no_host_network__plain']);
    expect(lies.passed).toBe(19);
  });
});
