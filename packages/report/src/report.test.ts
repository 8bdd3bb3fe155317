import { describe, expect, it } from 'vitest';
import type { NamedBundle } from '@ztp/verify';
import { admissionPolicy, allowAll, shopBundle, withObject } from './fixtures.ts';
import { REPORT_MARKER } from './marker.ts';
import { buildReport, GITHUB_COMMENT_LIMIT, renderReport, reportLength } from './report.ts';

const BASE = [shopBundle('dev', ['ingressToWeb', 'webToApi', 'apiToDb']), shopBundle('prod', ['ingressToWeb', 'webToApi', 'apiToDb'])];
const DEV_CHANGED = shopBundle('dev', ['ingressToWeb', 'webToApi', 'webToDb']);
const HEAD = [DEV_CHANGED, BASE[1] as NamedBundle];

/** A config map whose data is `lines` lines long, to make diffs as long as a test needs. */
function bulky(name: string, lines: number, text = 'value') {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { [name]: Array.from({ length: lines }, (_, i) => `${text} ${i}`).join('\n') } };
}

function withBulk(b: NamedBundle, objects: number, lines: number, text?: string): NamedBundle {
  let out = b;
  for (let i = 0; i < objects; i++) out = withObject(out, bulky(`bulk-${String(i).padStart(3, '0')}`, lines, text), 'runtime', 0);
  return out;
}

/** Every `<details>` closed and every code fence closed: the markdown stays well-formed. */
function expectWellFormed(md: string) {
  expect(md.match(/<details/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
  const fences = md.split('\n').filter((l) => /^`{3,}/.test(l));
  expect(fences.length % 2).toBe(0);
}

describe('renderReport', () => {
  const md = renderReport({ base: BASE, head: HEAD }, { baseLabel: 'abc1234', headLabel: 'def5678' });

  it('starts with the hidden marker, then the summary, then one section per changed environment', () => {
    expect(md.startsWith(`${REPORT_MARKER}\n`)).toBe(true);
    const table = md.indexOf('| Environment |');
    const section = md.indexOf('<details>');
    expect(table).toBeGreaterThan(0);
    expect(section).toBeGreaterThan(table);
    expect(md).toContain('Base `abc1234` → head `def5678`.');
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md).toMatch(/\| \*\*dev\*\* \| changed \| 1 \| 1 \| \+1 −1 \| — \| \+0 −1 ~3 \| ✅ \d+ checks \|/);
    expect(md).toMatch(/\| \*\*prod\*\* \| unchanged \| 0 \| 0 \| — \| — \| — \| ✅ \d+ checks \|/);
    expectWellFormed(md);
  });

  it('names the connections opened and closed and the declared flows added and removed', () => {
    expect(md).toContain('Connections opened:\n\n- `shop/web[Deployment] => shop/db[Deployment]:5432/TCP`');
    expect(md).toContain('Connections closed:\n\n- `shop/api[Deployment] => shop/db[Deployment]:5432/TCP`');
    expect(md).toContain('Declared flows added:\n\n- `shop/web -> shop/db:5432/TCP`');
    expect(md).toContain('Declared flows removed:\n\n- `shop/api -> shop/db:5432/TCP`');
  });

  it('lists each changed object with its layer, sync wave and source, and diffs its YAML', () => {
    expect(md).toMatch(/\| removed \| `NetworkPolicy shop\/ztp-api-egress` \| network \| 0 \| `[^`]*fixtures\.ts:\d+` \|/);
    expect(md).toMatch(/\| changed \| `NetworkPolicy shop\/ztp-db-ingress` \| network \| 0 \|/);
    expect(md).toContain('```diff\n');
    expect(md).toContain('--- a/network/networkpolicy-shop-ztp-db-ingress.yaml\n+++ b/network/networkpolicy-shop-ztp-db-ingress.yaml\n@@');
    expect(md).toContain('-              app.kubernetes.io/name: api\n+              app.kubernetes.io/name: web');
    expect(md).toContain('--- a/network/networkpolicy-shop-ztp-api-egress.yaml\n+++ /dev/null');
    expect(md).not.toContain('--- a/manifest.json');
    expect(md).toContain('`kustomization.yaml` and `manifest.json` follow from the objects and are not diffed.');
    expect(md).toContain('**1 of 2 environments changed**: 1 connection opened, 1 closed; no admission change; 4 other objects added, removed or changed.');
  });

  it('counts admission modules and admission-layer objects apart from the other objects', () => {
    const head = withObject(BASE[0] as NamedBundle, admissionPolicy('ztp-require-security-context'), 'admission', 20, { id: 'pod-security', description: 'restricted pods only' });
    const changedRule = withObject(BASE[0] as NamedBundle, admissionPolicy('ztp-require-security-context', 'false'), 'admission', 20, { id: 'pod-security', description: 'restricted pods only' });
    const added = renderReport({ base: [BASE[0] as NamedBundle], head: [head] });
    expect(added).toMatch(/\| \*\*dev\*\* \| changed \| 0 \| 0 \| — \| \+2 −0 ~0 \| — \|/);
    expect(added).toContain('- module added: `pod-security` — restricted pods only');
    expect(added).toMatch(/\| added \| `ValidatingAdmissionPolicy ztp-require-security-context` \| admission \| 20 \|/);
    const changed = renderReport({ base: [head], head: [changedRule] });
    expect(changed).toMatch(/\| \*\*dev\*\* \| changed \| 0 \| 0 \| — \| \+0 −0 ~1 \| — \|/);
    expect(changed).toContain('-    - expression: object.spec.containers.all(c, has(c.securityContext))\n+    - expression: "false"');
    const removed = renderReport({ base: [head], head: [BASE[0] as NamedBundle] });
    expect(removed).toMatch(/\| \+0 −2 ~0 \|/);
    expect(removed).toContain('- module removed: `pod-security`');
  });

  it('reports environments added and removed', () => {
    const r = renderReport({ base: [BASE[0] as NamedBundle], head: [BASE[1] as NamedBundle] });
    expect(r).toMatch(/\| \*\*dev\*\* \| removed \| 0 \| \d+ \| \+0 −3 \| — \| \+0 −\d+ ~0 \| — \|/);
    expect(r).toMatch(/\| \*\*prod\*\* \| added \| \d+ \| 0 \| \+3 −0 \| — \| \+\d+ −0 ~0 \| ✅/);
    expect(r).toContain('<strong>prod</strong> (added)');
  });

  it('says so when nothing changes, with no sections', () => {
    const r = renderReport({ base: BASE, head: BASE });
    expect(r).toContain('**No bundle changes**: 2 environments compile to the same bytes as the base.');
    expect(r).not.toContain('<details>');
  });

  it('flags a head bundle that fails its proof, naming the failing connections', () => {
    const broken = withObject(BASE[0] as NamedBundle, allowAll('shop'), 'network', 0);
    const r = renderReport({ base: [BASE[0] as NamedBundle], head: [broken] });
    expect(r).toContain('**❌ Not proven: dev**');
    expect(r).toMatch(/\| ❌ \d+ of \d+ checks fail \|/);
    expect(r).toMatch(/\*\*❌ The head bundle fails its proof\*\* \(\d+ of \d+ checks\):\n\n- `/);
    expect(r).toMatch(/\n- `[^`\n]+ => shop\/[\w-]+\[Deployment\]:\d+\/(TCP|UDP|SCTP): declared denied, bundle says allowed`\n/);
  });

  it('is deterministic: the same bytes whatever the order of bundles and files', () => {
    const shuffled = (bs: readonly NamedBundle[]) => [...bs].reverse().map((b) => ({ environment: b.environment, files: new Map([...b.files].reverse()) }));
    expect(renderReport({ base: shuffled(BASE), head: shuffled(HEAD) }, { baseLabel: 'abc1234', headLabel: 'def5678' })).toBe(md);
  });
});

describe('the comment limit', () => {
  const big = [withBulk(DEV_CHANGED, 30, 150), BASE[1] as NamedBundle];

  it('leaves a report that fits as it is', () => {
    const r = buildReport({ base: BASE, head: HEAD });
    expect(r.summarised).toBe(false);
    expect(r.markdown).not.toContain('[!NOTE]');
  });

  it('summarises a report over GitHub’s limit to fit it, and says so', () => {
    const r = buildReport({ base: BASE, head: big }, { fullReport: 'See the job summary.' });
    expect(r.fullLength).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(r.summarised).toBe(true);
    expect(reportLength(r.markdown)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(r.markdown).toContain("> This report is summarised to stay under GitHub's 65,536-character comment limit: file diffs are cut to");
    expect(r.markdown).toContain('See the job summary.');
    expect(r.markdown).toMatch(/\\ \d+ more lines of runtime\/configmap-shop-bulk-000\.yaml not shown/);
    expectWellFormed(r.markdown);
  });

  it('cuts diffs first, then lists objects only by count, keeping the connectivity delta longest', () => {
    const full = buildReport({ base: BASE, head: big }, { maxLength: 10_000_000 });
    expect(full.summarised).toBe(false);
    const levels = [40_000, 15_000, 3_000, 1_000].map((maxLength) => buildReport({ base: BASE, head: big }, { maxLength }).markdown);
    for (const [i, m] of levels.entries()) {
      expect(reportLength(m), `level ${i}`).toBeLessThanOrEqual([40_000, 15_000, 3_000, 1_000][i] as number);
      expectWellFormed(m);
    }
    const [cut, noDiffs, counted, tableOnly] = levels as [string, string, string, string];
    expect(cut).toContain('```diff');
    expect(cut).toContain('| added | `ConfigMap shop/bulk-000` |');
    expect(noDiffs).not.toContain('```diff');
    expect(noDiffs).toContain('file diffs are left out');
    expect(noDiffs).toContain('| added | `ConfigMap shop/bulk-000` |');
    expect(counted).not.toContain('`ConfigMap shop/bulk-000`');
    expect(counted).toContain('objects and files are counted, not listed');
    expect(counted).toContain('Connections opened:\n\n- `shop/web[Deployment] => shop/db[Deployment]:5432/TCP`');
    expect(tableOnly).not.toContain('<details>');
    expect(tableOnly).toContain('| **dev** | changed |');
  });

  it('counts UTF-8 bytes, so multi-byte text never pushes a comment over the limit', () => {
    const wide = [withBulk(DEV_CHANGED, 20, 150, '東京 ✓ 🚀'), BASE[1] as NamedBundle];
    const r = buildReport({ base: BASE, head: wide });
    expect(r.summarised).toBe(true);
    expect(Buffer.byteLength(r.markdown, 'utf8')).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
  });

  it('as a last resort cuts the summary table at a line and says so', () => {
    const r = buildReport({ base: BASE, head: HEAD }, { maxLength: 400 });
    expect(reportLength(r.markdown)).toBeLessThanOrEqual(400);
    expect(r.markdown.startsWith(REPORT_MARKER)).toBe(true);
    expect(r.markdown).toContain('> Cut here: even the summary table is longer than the comment limit.');
  });
});
