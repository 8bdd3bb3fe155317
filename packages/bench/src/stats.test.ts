import { describe, expect, it } from 'vitest';
import { growthExponent, median, parseTimeVerbose } from './stats.ts';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('growthExponent', () => {
  it('recovers the exponent of a power law', () => {
    const points = [100, 1000, 5000].map((x) => ({ x, y: 3 * x ** 1.5 }));
    expect(growthExponent(points)).toBeCloseTo(1.5, 10);
    expect(growthExponent([100, 1000].map((x) => ({ x, y: 0.2 * x })))).toBeCloseTo(1, 10);
  });
  it('fits noisy points by least squares and refuses a single size', () => {
    expect(growthExponent([{ x: 10, y: 10 }, { x: 100, y: 120 }, { x: 1000, y: 900 }])).toBeGreaterThan(0.9);
    expect(growthExponent([{ x: 10, y: 1 }, { x: 10, y: 2 }])).toBeUndefined();
  });
});

describe('parseTimeVerbose', () => {
  it('reads wall time and peak memory', () => {
    const text = '\tUser time (seconds): 50.25\n\tSystem time (seconds): 1.50\n\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50\n\tMaximum resident set size (kbytes): 51200\n';
    expect(parseTimeVerbose(text)).toEqual({ milliseconds: 62_500, cpuMs: 51_750, maxRssKb: 51200 });
    expect(parseTimeVerbose('\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:00:01\n\tMaximum resident set size (kbytes): 1\n')?.milliseconds).toBe(3_601_000);
  });
});
