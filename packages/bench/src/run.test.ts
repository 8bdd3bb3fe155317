import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { report, targetLines } from './report.ts';
import { readResult, type BenchResult } from './run.ts';

describe('readResult', () => {
  it('reads an earlier --json run back with its skipped rows, and reports it', async () => {
    const result: BenchResult = {
      rows: [
        { task: 'ztp', n: 100, runs: 3, milliseconds: 40, maxRssKb: 300_000, count: 700 },
        { task: 'ztp', n: 1000, runs: 3, milliseconds: 300, maxRssKb: 320_000, count: 5600 },
        { task: 'cyclonus', n: 100, runs: 1, milliseconds: 400_000, maxRssKb: 3_000_000, outcome: 'agree' },
        { task: 'cyclonus', n: 1000, runs: 0, milliseconds: Number.NaN, maxRssKb: Number.NaN, skipped: 'skipped: 53268 s predicted' },
      ],
      problems: [],
      started: '2026-11-26T00:00:00.000Z',
      finished: '2026-11-26T00:10:00.000Z',
      loadStart: [1, 1, 1],
      loadEnd: [1, 1, 1],
      limitSeconds: 600,
      seed: 1,
    } as unknown as BenchResult;
    const dir = await mkdtemp(join(tmpdir(), 'ztp-bench-'));
    try {
      const file = join(dir, 'bench.json');
      await writeFile(file, JSON.stringify(result)); // NaN is written as null
      const back = await readResult(file);
      expect(Number.isNaN(back.rows[3]!.milliseconds)).toBe(true);
      expect(back.rows[0]!.milliseconds).toBe(40);
      const text = await report(back, { root: process.cwd() });
      expect(text).toContain('skipped: 53268 s predicted');
      expect(text).toMatch(/cyclonus: n\/a \(one size\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('targetLines', () => {
  const result = (compile: Record<string, number>) =>
    ({
      rows: [
        { task: 'compile', n: 1000, runs: 3, milliseconds: 400, warmMs: 250, maxRssKb: 1, ...compile },
        { task: 'yaml', n: 1000, runs: 3, milliseconds: 120, warmMs: 100, maxRssKb: 1 },
      ],
      problems: [],
    }) as unknown as BenchResult;
  const line = (r: BenchResult) => targetLines(r).find((l) => l.includes("ztp's own canonical writer")) ?? '';

  it('judges compile against the floor by the back-to-back ratio when it was measured', () => {
    const l = line(result({ floorRatio: 1.8, floorWarmMs: 130 }));
    expect(l).toContain('warm 1.80x, each run against the floor right after it');
    expect(l).toContain('as separate medians 2.50x');
    expect(l).toContain('met warm');
  });

  it('judges by the separate medians without it', () => {
    const l = line(result({}));
    expect(l).toContain('warm 2.50x');
    expect(l).toContain('**missed** warm');
  });
});
