import { objectName } from './bundle-index.ts';
import type { FileChange } from './changes.ts';
import { describeCuts, type Detail } from './detail.ts';
import { REPORT_MARKER } from './marker.ts';
import { code, details, escapeHtml, fence, plural, table } from './markdown.ts';
import type { Counts, EnvironmentReport, ReportModel } from './model.ts';

/** What the header says about the two sides and where the full report is. */
export interface Labels {
  /** The base, e.g. a commit SHA or `main`. */
  readonly base?: string;
  /** The head, e.g. a commit SHA or `working tree`. */
  readonly head?: string;
  /** Markdown that tells a reader of a summarised report where to find the full one. */
  readonly fullReport?: string;
  /** The comment limit the summary was made for, in characters (for the note). */
  readonly limit?: number;
}

const SIGN: Record<FileChange['status'], string> = { added: 'added', removed: 'removed', changed: 'changed' };

function counts(c: Counts): string {
  return c.added + c.removed + c.changed === 0 ? '—' : `+${c.added} −${c.removed} ~${c.changed}`;
}

/** `65536` → `65,536`, the same on every machine (no locale). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `2 added, 1 changed`: the non-zero counts. */
function inWords(c: Counts): string {
  return (['added', 'removed', 'changed'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${k}`)
    .join(', ');
}

function total(c: Counts): number {
  return c.added + c.removed + c.changed;
}

function proofCell(e: EnvironmentReport): string {
  if (e.proof === undefined) return e.status === 'removed' ? '—' : 'not run';
  return e.proof.ok ? `✅ ${plural(e.proof.checks, 'check')}` : `❌ ${e.proof.failures.length} of ${e.proof.checks} checks fail`;
}

function list(title: string, items: readonly string[], limit: number): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, limit);
  const more = items.length - shown.length;
  return [`${title}:`, '', ...shown.map((i) => `- ${code(i)}`), ...(more > 0 ? [`- … and ${more} more`] : []), ''];
}

/** The one-paragraph verdict over every environment. */
function headline(model: ReportModel): string {
  const envs = model.environments;
  const changed = envs.filter((e) => e.status !== 'unchanged');
  if (envs.length === 0) return 'No bundles on either side.';
  if (changed.length === 0) return `**No bundle changes**: ${plural(envs.length, 'environment')} compile to the same bytes as the base.`;
  const sum = (f: (e: EnvironmentReport) => number) => changed.reduce((n, e) => n + f(e), 0);
  const opened = sum((e) => e.connectivity.opened.length);
  const closed = sum((e) => e.connectivity.closed.length);
  const admission = sum((e) => total(e.admission));
  const objects = sum((e) => total(e.objects));
  const failing = envs.filter((e) => e.proof && !e.proof.ok).map((e) => e.environment);
  const parts = [
    `**${changed.length} of ${plural(envs.length, 'environment')} changed**: ${plural(opened, 'connection')} opened, ${closed} closed`,
    admission === 0 ? 'no admission change' : plural(admission, 'admission change'),
    `${plural(objects, 'other object')} added, removed or changed`,
  ];
  const proof = failing.length > 0 ? ` **❌ Not proven: ${failing.join(', ')}** (the bundle allows something other than its declared intent).` : '';
  return `${parts.join('; ')}.${proof}`;
}

function summaryTable(model: ReportModel): string[] {
  return table(
    ['Environment', 'Bundle', 'Connections opened', 'Connections closed', 'Declared flows', 'Admission (+ − ~)', 'Objects (+ − ~)', 'Proof'],
    model.environments.map((e) => [
      `**${e.environment}**`,
      e.status,
      String(e.connectivity.opened.length),
      String(e.connectivity.closed.length),
      e.connectivity.flowsAdded.length + e.connectivity.flowsRemoved.length === 0 ? '—' : `+${e.connectivity.flowsAdded.length} −${e.connectivity.flowsRemoved.length}`,
      counts(e.admission),
      counts(e.objects),
      proofCell(e),
    ]),
  );
}

function connectivitySection(e: EnvironmentReport, d: Detail): string[] {
  const c = e.connectivity;
  const out = ['#### Connectivity', ''];
  out.push(...list('Declared flows added', c.flowsAdded, d.listLimit));
  out.push(...list('Declared flows removed', c.flowsRemoved, d.listLimit));
  out.push(...list('Connections opened', c.opened, d.listLimit));
  out.push(...list('Connections closed', c.closed, d.listLimit));
  if (c.opened.length + c.closed.length === 0) out.push('No connection is opened or closed.', '');
  if (e.proof && !e.proof.ok) out.push(...list(`**❌ The head bundle fails its proof** (${e.proof.failures.length} of ${e.proof.checks} checks)`, e.proof.failures, d.listLimit));
  return out;
}

function objectRow(f: FileChange): string[] {
  const o = f.object;
  if (o === undefined) return [SIGN[f.status], code(f.file), '', '', ''];
  return [SIGN[f.status], code(objectName(o)), o.layer, o.syncWave === undefined ? '' : String(o.syncWave), o.sources.map((s) => code(s)).join('<br>')];
}

function admissionSection(e: EnvironmentReport, d: Detail): string[] {
  if (total(e.admission) === 0) return [];
  const out = ['#### Admission', ''];
  if (!d.objectLists) return [...out, `${counts(e.admission)} (modules and admission objects added, removed, changed).`, ''];
  for (const m of e.modules) out.push(`- module ${m.status}: ${code(m.module.id)}${m.module.description ? ` — ${escapeHtml(m.module.description)}` : ''}`);
  const rows = e.files.filter((f) => f.admission).map(objectRow);
  if (e.modules.length > 0) out.push('');
  if (rows.length > 0) out.push(...table(['Change', 'Object', 'Layer', 'Sync wave', 'Declared at'], rows), '');
  return out;
}

function objectsSection(e: EnvironmentReport, d: Detail): string[] {
  const objects = e.files.filter((f) => f.object !== undefined && !f.admission);
  const others = e.files.filter((f) => f.object === undefined);
  if (objects.length + others.length === 0) return [];
  const out = ['#### Objects', ''];
  if (!d.objectLists) {
    out.push(`${counts(e.objects)} objects; ${plural(others.length, 'other file')} changed.`, '');
    return out;
  }
  if (objects.length > 0) out.push(...table(['Change', 'Object', 'Layer', 'Sync wave', 'Declared at'], objects.map(objectRow)), '');
  if (others.length > 0) {
    const derived = others.filter((f) => f.diff === undefined);
    out.push(`Other files: ${others.map((f) => `${code(f.file)} ${f.status}`).join(', ')}.`);
    if (derived.length > 0) out.push(`${derived.map((f) => code(f.file)).join(' and ')} ${derived.length === 1 ? 'follows' : 'follow'} from the objects and ${derived.length === 1 ? 'is' : 'are'} not diffed.`);
    out.push('');
  }
  return out;
}

function diffSection(e: EnvironmentReport, d: Detail): string[] {
  const withDiff = e.files.filter((f) => f.diff !== undefined);
  if (d.diffLines === 0 || withDiff.length === 0) return [];
  const lines: string[] = [];
  for (const f of withDiff) {
    const all = f.diff?.lines ?? [];
    const shown = all.slice(0, d.diffLines);
    lines.push(...shown);
    if (all.length > shown.length) lines.push(`\\ ${all.length - shown.length} more lines of ${f.file} not shown`);
  }
  return ['#### Diff', '', ...fence('diff', lines), ''];
}

function environmentSection(e: EnvironmentReport, d: Detail): string[] {
  const c = e.connectivity;
  const facts = [`${plural(c.opened.length, 'connection')} opened, ${c.closed.length} closed`];
  if (total(e.admission) > 0) facts.push(`admission ${inWords(e.admission)}`);
  if (total(e.objects) > 0) facts.push(`objects ${inWords(e.objects)}`);
  const summary = `<strong>${escapeHtml(e.environment)}</strong> (${e.status}): ${facts.join(', ')}`;
  const body = [...connectivitySection(e, d), ...admissionSection(e, d), ...objectsSection(e, d), ...diffSection(e, d)];
  while (body.at(-1) === '') body.pop();
  return [...details(summary, body), ''];
}

/** The report's markdown at one level of detail. Pure and deterministic. */
export function renderModel(model: ReportModel, d: Detail, labels: Labels = {}): string {
  const out = [REPORT_MARKER, '## ztp policy review', ''];
  if (labels.base !== undefined || labels.head !== undefined) out.push(`Base ${code(labels.base ?? 'base')} → head ${code(labels.head ?? 'head')}.`, '');
  const cuts = describeCuts(d);
  if (cuts.length > 0) {
    const limit = labels.limit === undefined ? 'the comment limit' : `GitHub's ${thousands(labels.limit)}-character comment limit`;
    out.push('> [!NOTE]', `> This report is summarised to stay under ${limit}: ${cuts.join('; ')}.${labels.fullReport ? ` ${labels.fullReport}` : ''}`, '');
  }
  out.push(headline(model), '', ...summaryTable(model), '');
  if (d.sections) for (const e of model.environments.filter((x) => x.status !== 'unchanged')) out.push(...environmentSection(e, d));
  while (out.at(-1) === '') out.pop();
  return out.join('\n') + '\n';
}
