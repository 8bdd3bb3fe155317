/**
 * Time against N on log-log scales: an ASCII chart for the terminal report and an SVG for
 * docs/benchmarks.md. Pure functions of the points; the same points give the same bytes.
 */

/** One series: a label, a one-letter mark (ASCII) and its points (N, milliseconds). */
export interface Series {
  readonly label: string;
  readonly mark: string;
  readonly points: readonly { readonly n: number; readonly ms: number }[];
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(3))} ms`;
}

const usable = (series: readonly Series[]) => series.flatMap((s) => s.points.filter((p) => p.n > 0 && p.ms > 0 && Number.isFinite(p.ms)));

/** A log-log ASCII chart, one letter per series (`*` where two overlap). */
export function asciiChart(series: readonly Series[]): string {
  const points = usable(series);
  if (points.length === 0) return '(no data)';
  const width = 60;
  const height = 16;
  const xs = points.map((p) => Math.log10(p.n));
  const ys = points.map((p) => Math.log10(p.ms));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))];
  const grid = Array.from({ length: height + 1 }, () => Array.from({ length: width + 1 }, () => ' '));
  const col = (n: number) => (x1 === x0 ? 0 : Math.round(((Math.log10(n) - x0) / (x1 - x0)) * width));
  for (const s of series) {
    for (const p of s.points) {
      if (!(p.n > 0 && p.ms > 0 && Number.isFinite(p.ms))) continue;
      const y = height - Math.round(((Math.log10(p.ms) - y0) / Math.max(1e-9, y1 - y0)) * height);
      const x = col(p.n);
      grid[y]![x] = grid[y]![x] === ' ' ? s.mark : '*';
    }
  }
  const lines = grid.map((row, i) => {
    const value = y1 - ((y1 - y0) * i) / height;
    const label = Number.isInteger(Math.round(value * 1000) / 1000) ? fmtMs(10 ** value).padStart(9) : ''.padStart(9);
    return `${label} |${row.join('')}`;
  });
  const axis = Array.from({ length: width + 1 }, () => ' ');
  for (const n of [...new Set(points.map((p) => p.n))].sort((a, b) => a - b)) {
    const s = String(n);
    const start = Math.max(0, Math.min(width - s.length + 1, col(n)));
    for (let k = 0; k < s.length; k++) axis[start + k] = s[k]!;
  }
  const legend = series.map((s) => `${s.mark} ${s.label}`).join(', ');
  return [...lines, `${''.padStart(9)} +${'-'.repeat(width + 1)}`, `${''.padStart(11)}${axis.join('')}  (workloads, log scale; time, log scale)`, `${''.padStart(11)}${legend}; * overlap`].join('\n');
}

const COLORS = ['#1f77b4', '#7f7f7f', '#2ca02c', '#d62728', '#9467bd', '#ff7f0e', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A log-log SVG line chart of the series, with decade grid lines and a legend. */
export function svgChart(series: readonly Series[], title: string): string {
  const points = usable(series);
  const W = 760;
  const H = 460;
  const m = { left: 70, right: 200, top: 40, bottom: 50 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  if (points.length === 0) {
    out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text></svg>`);
    return `${out.join('\n')}\n`;
  }
  const nx0 = Math.floor(Math.log10(Math.min(...points.map((p) => p.n))));
  const nx1 = Math.ceil(Math.log10(Math.max(...points.map((p) => p.n))));
  const ny0 = Math.floor(Math.log10(Math.min(...points.map((p) => p.ms))));
  const ny1 = Math.ceil(Math.log10(Math.max(...points.map((p) => p.ms))));
  const x = (n: number) => m.left + ((Math.log10(n) - nx0) / Math.max(1, nx1 - nx0)) * pw;
  const y = (ms: number) => m.top + ph - ((Math.log10(ms) - ny0) / Math.max(1, ny1 - ny0)) * ph;
  const r = (v: number) => v.toFixed(1);
  for (let d = nx0; d <= nx1; d++) {
    out.push(`<line x1="${r(x(10 ** d))}" y1="${m.top}" x2="${r(x(10 ** d))}" y2="${m.top + ph}" stroke="#ddd"/>`);
    out.push(`<text x="${r(x(10 ** d))}" y="${m.top + ph + 18}" text-anchor="middle">${(10 ** d).toLocaleString('en-US')}</text>`);
  }
  for (let d = ny0; d <= ny1; d++) {
    out.push(`<line x1="${m.left}" y1="${r(y(10 ** d))}" x2="${m.left + pw}" y2="${r(y(10 ** d))}" stroke="#ddd"/>`);
    out.push(`<text x="${m.left - 6}" y="${r(y(10 ** d) + 4)}" text-anchor="end">${fmtMs(10 ** d)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">workloads (N, log scale)</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">median time (log scale)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => p.n > 0 && p.ms > 0 && Number.isFinite(p.ms)).sort((a, b) => a.n - b.n);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${r(x(p.n))},${r(y(p.ms))}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${r(x(p.n))}" cy="${r(y(p.ms))}" r="4" fill="${color}"><title>${esc(`${s.label}: N=${p.n}, ${fmtMs(p.ms)}`)}</title></circle>`);
    const ly = m.top + 10 + i * 20;
    out.push(`<line x1="${m.left + pw + 14}" y1="${ly}" x2="${m.left + pw + 34}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${m.left + pw + 40}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
