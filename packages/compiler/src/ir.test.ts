import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toIR } from './ir.ts';
import { env, shop } from './testing.ts';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

describe('toIR', () => {
  it('makes source locations relative to the root however the root is written', () => {
    const { web, db } = shop();
    const e = env({ workloads: [web, db] });
    const expected = relative(REPO, fileURLToPath(new URL('testing.ts', import.meta.url)));
    for (const root of [REPO, REPO + '/', relative(process.cwd(), REPO) || '.']) {
      const ir = toIR(e, root);
      expect(ir.workloads.map((w) => w.origin.replace(/:\d+$/, ''))).toEqual([expected, expected]);
      expect(ir.envOrigin).toMatch(/^packages\/compiler\/src\/testing\.ts:\d+$/);
    }
  });
});
