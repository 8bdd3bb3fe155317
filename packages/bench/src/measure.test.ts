import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@ztp/compiler';
import { generateEnvironment } from './generate.ts';
import { measure } from './measure.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('measure cli', () => {
  it('runs the real ztp compile on a scratch repository building the generated environment, with an empty then a filled compile cache', async () => {
    const options = { root: ROOT, workloads: 20, seed: 3, repeats: 1 };
    const m = await measure('cli', options);
    // the CLI compiled and wrote exactly the bundle compiling the same environment in process gives
    expect(m.count).toBe(compileEnvironment(generateEnvironment(options), ROOT).objectFiles.length);
    expect(m.milliseconds).toBeGreaterThan(0);
    expect(m.warmMs).toBeGreaterThan(0);
    expect(m.repeats).toBe(1);
    expect(m.maxRssKb).toBeGreaterThan(10_000);
    expect(m.cpuMs).toBeGreaterThan(0);
  });
});

describe('measure compile', () => {
  it('pairs every warm compile with the YAML floor measured right after it', async () => {
    const m = await measure('compile', { root: ROOT, workloads: 20, seed: 3, repeats: 3 });
    expect(m.repeats).toBe(3);
    expect(m.warmMs).toBeGreaterThan(0);
    expect(m.floorWarmMs).toBeGreaterThan(0);
    // compile serialises the same objects and does more besides
    expect(m.floorRatio).toBeGreaterThan(1);
    expect(Number.isFinite(m.floorRatio)).toBe(true);
  });
});
