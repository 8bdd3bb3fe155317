/**
 * The image-signature forms load in the real Kyverno CLI: the ImageValidatingPolicy and the
 * ClusterPolicy `verifyImages` rule compile, and leave images outside their references alone.
 * Verifying a signature needs the registry, so signed and unsigned images are not run here.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../proof/evaluate.ts';
import { engineMissing } from '../proof/shared-data.ts';
import { container, pod } from '../rule/objects.ts';
import { sampleModules } from '../testing/sample-modules.ts';

describe('image signature forms in the Kyverno CLI', () => {
  it.each(['kyverno', 'kyverno-legacy'] as const)('%s loads the signature rule and admits images it does not cover', async (engine) => {
    const missing = await engineMissing(engine);
    if (missing !== undefined) {
      console.log(`image signature forms on ${engine}: ${missing}`);
      return;
    }
    const module = sampleModules().find((m) => m.id === 'sample-objects')!;
    const signatureOnly = { ...module, rules: (module.rules ?? []).filter((r) => r.kind === 'image-signature') };
    const records = await evaluate([{ file: 'pod.yaml', object: pod('other', { containers: [container('c', { image: 'docker.io/library/nginx:1.27' })] }) }], {
      profile: [signatureOnly],
      engine,
    });
    expect(records).toEqual([{ file: 'pod.yaml', object: 'Pod/other', engine, allowed: true, messages: [] }]);
  });
});
