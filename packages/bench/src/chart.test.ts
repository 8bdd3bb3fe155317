import { describe, expect, it } from 'vitest';
import { asciiChart, svgChart } from './chart.ts';
import type { Series } from './chart.ts';
import { predictSeconds } from './run.ts';

const SERIES: Series[] = [
  { label: 'ztp analysis', mark: 'Z', points: [{ n: 100, ms: 50 }, { n: 1000, ms: 400 }, { n: 5000, ms: 2000 }] },
  { label: 'netpol-analyzer', mark: 'N', points: [{ n: 100, ms: 1500 }, { n: 1000, ms: 118_000 }] },
];

describe('charts', () => {
  it('draws every point of every series, on log scales, the same bytes each time', () => {
    const svg = svgChart(SERIES, 'time against N');
    expect(svg).toBe(svgChart(SERIES, 'time against N'));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('netpol-analyzer: N=1000, 118 s');
    expect(svg).toContain('>1,000<');
    // log scale: 100 -> 1,000 spans as much width as 1,000 -> 10,000
    const xs = [...svg.matchAll(/<text x="([\d.]+)" y="\d+" text-anchor="middle">(100|1,000|10,000)</g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 0);
    const ascii = asciiChart(SERIES);
    expect(ascii.match(/[ZN*]/g)!.length).toBeGreaterThanOrEqual(5);
    expect(ascii).toContain('Z ztp analysis, N netpol-analyzer');
  });

  it('says when there is nothing to draw', () => {
    expect(asciiChart([])).toBe('(no data)');
    expect(svgChart([], 'x')).toContain('no data');
  });
});

describe('predictSeconds', () => {
  it('extrapolates from the largest size with the fitted exponent, at least quadratically', () => {
    expect(predictSeconds([], 1000)).toBeUndefined();
    const quadratic = predictSeconds([{ n: 10, ms: 7630 }, { n: 25, ms: 10_470 }], 100)!;
    expect(quadratic.exponent).toBe(2);
    expect(quadratic.from).toBe(25);
    expect(quadratic.seconds).toBeCloseTo(10.47 * 16, 6);
    const cubic = predictSeconds([{ n: 100, ms: 1000 }, { n: 300, ms: 27_000 }], 1000)!;
    expect(cubic.exponent).toBeCloseTo(3, 6);
    expect(cubic.seconds).toBeCloseTo(27 * (1000 / 300) ** 3, 3);
    const byQuestions = predictSeconds([{ n: 10, ms: 7630, questions: 10_032 }, { n: 25, ms: 10_470, questions: 20_832 }], 100, 865_242)!;
    expect(byQuestions.byQuestions).toBe(true);
    expect(byQuestions.seconds).toBeCloseTo(10.47 * (865_242 / 20_832), 6);
  });
});
