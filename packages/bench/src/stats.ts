/** Statistics of the benchmarks: medians and growth exponents fitted on log-log scales. */

/** The median of `values` (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The exponent k of y ~ c * x^k, fitted by least squares on (log x, log y); undefined with fewer
 * than two distinct positive points.
 */
export function growthExponent(points: readonly { readonly x: number; readonly y: number }[]): number | undefined {
  const usable = points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.x) && Number.isFinite(p.y));
  if (new Set(usable.map((p) => p.x)).size < 2) return undefined;
  const xs = usable.map((p) => Math.log(p.x));
  const ys = usable.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

/** `/usr/bin/time -v` output: wall-clock milliseconds, CPU milliseconds (user + system) and peak resident set size (KiB). */
export function parseTimeVerbose(text: string): { milliseconds: number; cpuMs: number; maxRssKb: number } | undefined {
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(text);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  const user = /User time \(seconds\): (\d+(?:\.\d+)?)/.exec(text);
  const system = /System time \(seconds\): (\d+(?:\.\d+)?)/.exec(text);
  if (wall === null || rss === null) return undefined;
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { milliseconds: seconds * 1000, cpuMs: (Number(user?.[1] ?? Number.NaN) + Number(system?.[1] ?? Number.NaN)) * 1000, maxRssKb: Number(rss[1]) };
}
