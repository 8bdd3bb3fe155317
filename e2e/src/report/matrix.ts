import { OUTCOME_SYMBOL, type ExpectedOutcome, type Outcome } from '../outcome.ts';
import type { ProbePlan } from '../probe-plan.ts';
import type { RunResult } from '../probe-runner.ts';

/** One probe in a matrix cell (several when a port is probed with several HTTP requests). */
export interface MatrixEntry {
  readonly id: string;
  readonly expected: ExpectedOutcome;
  /** undefined: not probed (yet). */
  readonly observed?: Outcome;
  readonly ok?: boolean;
}

/** A column: one port of one destination. */
export interface MatrixColumn {
  readonly key: string;
  readonly label: string;
}

/** The expected (and, after a run, observed) matrix: sources × destination ports. */
export interface Matrix {
  readonly rows: readonly string[];
  readonly columns: readonly MatrixColumn[];
  /** `row|column key` → the probes of that pair, in plan order. */
  readonly cells: ReadonlyMap<string, readonly MatrixEntry[]>;
}

/** Builds the matrix of a plan, filled with a run's observations when given. */
export function matrixOf(plan: ProbePlan, run?: RunResult): Matrix {
  const results = new Map((run?.results ?? []).map((r) => [r.cell.id, r] as const));
  const columns: MatrixColumn[] = [];
  for (const t of plan.targets) for (const p of t.ports) columns.push({ key: `${t.id}:${p.port}/${p.protocol}`, label: `${t.id}:${p.port}${p.protocol === 'TCP' ? '' : `/${p.protocol}`}${p.declared ? '' : '*'}` });
  const used = new Set<string>();
  const cells = new Map<string, MatrixEntry[]>();
  for (const c of plan.cells) {
    const key = `${c.target}:${c.port}/${c.protocol}`;
    used.add(key);
    const r = results.get(c.id);
    const entry: MatrixEntry = { id: c.id, expected: c.expected, ...(r ? { observed: r.observed.outcome, ok: r.ok } : {}) };
    cells.set(`${c.source}|${key}`, [...(cells.get(`${c.source}|${key}`) ?? []), entry]);
  }
  return { rows: plan.sources.map((s) => s.id), columns: columns.filter((c) => used.has(c.key)), cells };
}

/**
 * The text of one matrix cell: the expected outcome of each probe (`ok`, `drop`, `403`), then
 * after a run a mark: `✓` all matched, `✗` one did not (the observed outcome follows `≠`), `…`
 * not probed yet. Self pairs are `·`.
 */
export function cellText(entries: readonly MatrixEntry[] | undefined): string {
  if (entries === undefined || entries.length === 0) return '·';
  const parts = entries.map((e) => (e.ok === false && e.observed !== undefined ? `${OUTCOME_SYMBOL[e.expected]}≠${OUTCOME_SYMBOL[e.observed]}` : OUTCOME_SYMBOL[e.expected]));
  const probed = entries.every((e) => e.ok !== undefined);
  const mark = entries.some((e) => e.ok === false) ? ' ✗' : probed ? ' ✓' : entries.some((e) => e.ok !== undefined) ? ' …' : '';
  return `${parts.join(' ')}${mark}`;
}

const width = (s: string) => [...s].length;
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

/**
 * The matrix as a plain-text table, one row per source. Destinations are the columns, each a
 * port (`*`: the undeclared port). Columns wider than the terminal are split into several tables.
 */
export function renderMatrix(m: Matrix, maxWidth = 160): string {
  const rowWidth = Math.max(6, ...m.rows.map(width));
  const colWidth = (c: MatrixColumn) => Math.max(width(c.label), ...m.rows.map((r) => width(cellText(m.cells.get(`${r}|${c.key}`)))));
  const groups: MatrixColumn[][] = [];
  let current: MatrixColumn[] = [];
  let used = rowWidth;
  for (const c of m.columns) {
    const w = colWidth(c) + 2;
    if (current.length > 0 && used + w > maxWidth) {
      groups.push(current);
      current = [];
      used = rowWidth;
    }
    current.push(c);
    used += w;
  }
  if (current.length > 0) groups.push(current);
  return groups
    .map((cols) => {
      const head = `${pad('from \\ to', rowWidth)}  ${cols.map((c) => pad(c.label, colWidth(c))).join('  ')}`;
      const rows = m.rows.map((r) => `${pad(r, rowWidth)}  ${cols.map((c) => pad(cellText(m.cells.get(`${r}|${c.key}`)), colWidth(c))).join('  ')}`.trimEnd());
      return [head.trimEnd(), ...rows].join('\n');
    })
    .join('\n\n');
}
