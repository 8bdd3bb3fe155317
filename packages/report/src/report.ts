import type { NamedBundle } from '@ztp/verify';
import { FULL, LADDER } from './detail.ts';
import { buildReportModel } from './model.ts';
import { renderModel } from './render.ts';

/** GitHub refuses issue and pull-request comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Options of `renderReport`. */
export interface ReportOptions {
  /** What the base is called in the header (a ref or commit SHA). */
  readonly baseLabel?: string;
  /** What the head is called in the header. */
  readonly headLabel?: string;
  /**
   * The longest report, in UTF-8 bytes (never fewer than GitHub's characters, so a report that
   * fits in bytes fits in characters). Default GITHUB_COMMENT_LIMIT.
   */
  readonly maxLength?: number;
  /** Markdown that a summarised report ends its note with: where the full report is. */
  readonly fullReport?: string;
  /** Prove each head bundle and show the result (default true). */
  readonly verify?: boolean;
  /** Context lines around each change in the file diffs (default 3). */
  readonly context?: number;
}

/** A rendered report and how it was made to fit. */
export interface RenderedReport {
  readonly markdown: string;
  /** Whether anything was summarised or cut to fit `maxLength`. */
  readonly summarised: boolean;
  /** The full report's length in UTF-8 bytes, before any summarising. */
  readonly fullLength: number;
}

const encoder = new TextEncoder();

/** A text's length as the limit counts it: UTF-8 bytes. */
export function reportLength(markdown: string): number {
  return encoder.encode(markdown).length;
}

/** The last resort: cut at a line boundary and say so (only when the summary table alone is too long). */
function hardCut(markdown: string, max: number): string {
  const note = '\n\n> [!WARNING]\n> Cut here: even the summary table is longer than the comment limit. Run `ztp report` for the full report.\n';
  const budget = max - reportLength(note);
  const lines = markdown.split('\n');
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const n = reportLength(line) + 1;
    if (used + n > budget) break;
    kept.push(line);
    used += n;
  }
  return kept.join('\n') + note;
}

/**
 * The review report of a change as markdown, with details (`renderReport` is its string form).
 * The full report, unless it is longer than `maxLength`: then the first summary on the ladder that
 * fits (diffs cut, then left out, then per-object lists counted instead, then connection lists cut,
 * then the summary table alone), and the report says what it left out. Deterministic: the same
 * bundles and options always give the same bytes.
 */
export function buildReport({ base, head }: { base: readonly NamedBundle[]; head: readonly NamedBundle[] }, options: ReportOptions = {}): RenderedReport {
  const max = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const model = buildReportModel(base, head, { verify: options.verify, context: options.context });
  const labels = { base: options.baseLabel, head: options.headLabel, fullReport: options.fullReport, limit: max };
  const fullText = renderModel(model, FULL, labels);
  const fullLength = reportLength(fullText);
  if (fullLength <= max) return { markdown: fullText, summarised: false, fullLength };
  let last = fullText;
  for (const d of LADDER.filter((x) => x !== FULL)) {
    last = renderModel(model, d, labels);
    if (reportLength(last) <= max) return { markdown: last, summarised: true, fullLength };
  }
  return { markdown: hardCut(last, max), summarised: true, fullLength };
}

/**
 * The markdown review report of a change from the base bundles to the head bundles: a summary per
 * environment (connections opened and closed, declared flows, admission and object changes, the
 * head bundle's proof), then a collapsible section per changed environment with its connectivity
 * delta, its object changes and the unified diff of its files. Starts with REPORT_MARKER. Stays
 * within `maxLength` (GitHub's comment limit by default) by summarising, and says so.
 */
export function renderReport(bundles: { base: readonly NamedBundle[]; head: readonly NamedBundle[] }, options: ReportOptions = {}): string {
  return buildReport(bundles, options).markdown;
}
