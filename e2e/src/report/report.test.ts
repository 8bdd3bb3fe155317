import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ProbeCell } from '../probe-plan.ts';
import type { CellResult, RunResult } from '../probe-runner.ts';
import { prepareEnvironment } from '../prepare.ts';
import { exampleBundles } from '../test-bundles.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { matrixOf, renderMatrix } from './matrix.ts';
import { statusOf, type EnvironmentReport } from './model.ts';
import { progressDisplay, progressLine } from './progress.ts';
import { renderText, verdictLine } from './text.ts';

const dev = (await exampleBundles()).find((e) => e.bundle.environment === 'dev')!;
const prepared = prepareEnvironment(dev.bundle, []);
const plan = prepared.plan;
const HOLE = 'dev/ztp-rogue => dev/database:5432/TCP';
const L7 = 'monitoring/ztp-probe => dev/api-server:9090/TCP DELETE /metrics';

/** A run where every cell matched except two: a hole (rogue reaches the database) and an L7 rule that did not hold. */
function runWithFailures(): RunResult {
  const results: CellResult[] = plan.cells.map((cell: ProbeCell) => {
    if (cell.id === HOLE) return { cell, ok: false, observed: { outcome: 'connected', detail: 'connection established', ms: 3 }, attempts: 41, seen: ['connected'], ms: 30_012 };
    if (cell.id === L7) return { cell, ok: false, observed: { outcome: 'connected', detail: 'HTTP 200', ms: 4 }, attempts: 40, seen: ['dropped', 'connected'], ms: 30_001 };
    return { cell, ok: true, observed: { outcome: cell.expected, detail: '', ms: 2 }, attempts: 1, seen: [cell.expected], ms: 10 };
  });
  return { results, notRun: [], interrupted: false, durationMs: 61_000, barrier: 'every endpoint runs revision 12' };
}

function report(run: RunResult | undefined, extra: Partial<EnvironmentReport> = {}): EnvironmentReport {
  const explanations = new Map((run?.results ?? []).filter((r) => !r.ok).map((r) => [r.cell.id, prepared.explainer.explain(r.cell)] as const));
  return { environment: 'dev', status: statusOf(run), plan, layers: prepared.sync.layers, explanations, ...(run ? { run } : {}), ...extra };
}

describe('reports', () => {
  const failed = report(runWithFailures());

  it('names the policies that apply to a failing cell, from the applied objects', () => {
    const hole = failed.explanations.get(HOLE)!;
    expect(hole.join('\n')).toMatch(/deny by .*NetworkPolicy dev\/ztp-default-deny/);
    expect(failed.explanations.get(L7)!.join('\n')).toMatch(/Cilium L7: deny by CiliumNetworkPolicy dev\/ztp-api-server-l7/);
  });

  it('renders the matrix with expectations, marks and the observed outcome where it differs', () => {
    const m = matrixOf(plan, failed.run);
    expect(m.rows).toEqual(plan.sources.map((s) => s.id));
    const text = renderMatrix(m, 400);
    const rogue = text.split('\n').find((l) => l.startsWith('dev/ztp-rogue'))!;
    expect(rogue).toContain('drop≠ok ✗');
    const monitoring = text.split('\n').find((l) => l.startsWith('monitoring/ztp-probe'))!;
    // its requests on /metrics: GET admitted, then a path and every other method and neighbouring path refused, one of them observed as admitted
    expect(monitoring).toContain('ok 403 403 403 403 403 403≠ok 403 403 403 ✗');
    expect(text.split('\n')[0]).toContain('dev/api-server:9091*');
    // Before a run: expectations only, no marks.
    expect(renderMatrix(matrixOf(plan), 400)).not.toMatch(/[✓✗]/);
    // Narrow terminals get several tables, every column still there.
    const narrow = renderMatrix(m, 80);
    expect(narrow.split('\n\n').length).toBeGreaterThan(1);
    for (const c of m.columns) expect(narrow).toContain(c.label);
  });

  it('prints each failure with the expectation, what was observed and the policies', () => {
    const text = renderText(failed);
    expect(text.split('\n')[0]).toBe(`dev: FAILED, 2 of ${plan.cells.length} probes differ from the declared intent`);
    expect(text).toContain(`✗ ${HOLE}\n    expected: denied (dropped, times out): no declared flow admits it (default deny)\n    observed: connected: connection established (41 attempts over 30.0s)`);
    expect(text).toContain(`✗ ${L7}\n    expected: request refused by an L7 rule (HTTP 403): declared by environments/dev/src/environment.ts:37`);
    expect(text).toContain('seen in turn: dropped → connected');
    expect(text).toContain('policies that apply:');
    expect(text).toContain('policies realized: every endpoint runs revision 12');
    expect(text).toContain('mesh: left out');
  });

  it('writes JUnit XML: one test case per probe, failures with their facts, well-formed', () => {
    const xml = renderJunit([failed]);
    expect(xml).toMatch(new RegExp(`<testsuite name="e2e dev" tests="${plan.cells.length}" failures="2" skipped="0"`));
    expect(xml.match(/<testcase /g)?.length).toBe(plan.cells.length);
    expect(xml.match(/<failure /g)?.length).toBe(2);
    expect(xml).toContain('name="dev/ztp-rogue =&gt; dev/database:5432/TCP"');
    expect(xml).toContain('message="expected dropped, observed connected"');
    expect(xml).not.toMatch(/=>|<(?!\/?(testsuites|testsuite|testcase|failure|skipped|\?xml)[ >/])/);
  });

  it('fails a passed run in JUnit too when its bundle read from disk is not whole, a case per problem', () => {
    const passed = report({ ...runWithFailures(), results: runWithFailures().results.map((r) => ({ ...r, ok: true })) });
    expect(renderJunit([passed])).toContain('failures="0"');
    const xml = renderJunit([passed], 'ztp prove', new Map([['dev', ['network/x.yaml does not match its sha256 in manifest.json (edited after compiling)', 'network/stray.yaml is not listed in manifest.json']]]));
    expect(xml).toMatch(new RegExp(`<testsuites name="ztp prove" tests="${plan.cells.length + 2}" failures="2"`));
    expect(xml).toMatch(new RegExp(`<testsuite name="e2e dev" tests="${plan.cells.length + 2}" failures="2"`));
    expect(xml.match(/<testcase classname="e2e.dev" name="bundle integrity"/g)).toHaveLength(2);
    expect(xml).toContain('<failure message="network/stray.yaml is not listed in manifest.json" type="integrity">');
  });

  it('never reports a run that did not happen as passed', () => {
    const notRun = report(undefined, { reason: 'Docker is missing' });
    expect(notRun.status).toBe('not-run');
    expect(verdictLine(notRun)).toBe('dev: NOT RUN, because Docker is missing; nothing was proven on a cluster');
    const xml = renderJunit([notRun]);
    expect(xml.match(/<skipped message="not run, because Docker is missing"\/>/g)?.length).toBe(plan.cells.length);
    expect(xml).toContain('failures="0" skipped="' + plan.cells.length + '"');
    const md = renderMarkdown([notRun]);
    expect(md).toContain('⏭️ dev: NOT RUN');
    expect(md).not.toMatch(/✅|PASSED/);
    // An interrupted run is not a pass either, and its unprobed cells are skipped.
    const partial = runWithFailures();
    const cut: RunResult = { ...partial, results: partial.results.slice(0, 3).map((r) => ({ ...r, ok: true })), notRun: plan.cells.slice(3), interrupted: true };
    expect(statusOf(cut)).toBe('interrupted');
    expect(verdictLine(report(cut))).toMatch(/INTERRUPTED after 3 of/);
    expect(renderJunit([report(cut)])).toContain(`skipped="${plan.cells.length - 3}"`);
  });

  it('writes a markdown summary for pull requests with the matrix as a table and the failures in full', () => {
    const md = renderMarkdown([failed, report({ ...runWithFailures(), results: runWithFailures().results.map((r) => ({ ...r, ok: true })) })]);
    expect(md).toContain('- ❌ dev: FAILED, 2 of');
    expect(md).toContain('- ✅ dev: PASSED');
    expect(md).toContain(`- **\`${HOLE}\`**`);
    expect(md).toContain('  - policies that apply:');
    const table = md.split('\n').filter((l) => l.startsWith('| dev/ztp-rogue'));
    expect(table[0]).toContain('drop≠ok ✗');
    expect(md.split('\n').find((l) => l.startsWith('| from \\ to'))!.split('|').length).toBe(matrixOf(plan).columns.length + 3);
  });

  it('shows progress as a bar with counts, redrawn on a terminal and now and then in a log', () => {
    const p = { total: 40, done: 10, passed: 9, failed: 1, running: ['a => b:80/TCP'], attempts: 12, elapsedMs: 4200 };
    expect(progressLine('probing dev', p)).toBe('probing dev [#####...............] 10/40 ✓9 ✗1 1 in flight 4.2s  a => b:80/TCP');
    expect([...progressLine('x', p, 30)].length).toBe(30);
    const tty: string[] = [];
    const d = progressDisplay('probing dev', { isTTY: true, columns: 80, write: (t) => tty.push(t) });
    d.update(p);
    d.update({ ...p, done: 11 }); // within 100 ms: not redrawn
    d.update({ ...p, done: 40 });
    d.done();
    expect(tty.length).toBe(3);
    expect(tty[0]).toMatch(/^\r\x1b\[2K/);
    const log: string[] = [];
    const l = progressDisplay('probing dev', { isTTY: false, write: (t) => log.push(t) }, 60_000);
    l.update(p);
    l.update({ ...p, done: 20 });
    l.update({ ...p, done: 40 });
    l.update({ ...p, done: 40 });
    expect(log.length).toBe(2);
    expect(log.every((x) => x.endsWith('\n'))).toBe(true);
  });

  it('keeps the layer decisions of the sync plan', () => {
    expect(parse(JSON.stringify(failed.layers))).toEqual(prepared.sync.layers);
  });
});
