/** How much of the report is shown: the full report, or a summary that fits the comment limit. */
export interface Detail {
  /** Lines of unified diff shown per file: `Infinity` for all, 0 for no diffs. */
  readonly diffLines: number;
  /** Whether each environment lists its changed objects and files one by one. */
  readonly objectLists: boolean;
  /** Entries shown per connection, flow or proof-failure list: `Infinity` for all. */
  readonly listLimit: number;
  /** Whether there is a section per environment at all (otherwise: the summary table only). */
  readonly sections: boolean;
}

/** Everything. */
export const FULL: Detail = { diffLines: Infinity, objectLists: true, listLimit: Infinity, sections: true };

/**
 * The ladder of summaries, fullest first: diffs are cut shorter and shorter, then left out; then
 * the per-object lists go; then connection lists are cut; then only the summary table is left.
 */
export const LADDER: readonly Detail[] = [
  FULL,
  { ...FULL, diffLines: 200 },
  { ...FULL, diffLines: 60 },
  { ...FULL, diffLines: 20 },
  { ...FULL, diffLines: 0 },
  { ...FULL, diffLines: 0, objectLists: false },
  { ...FULL, diffLines: 0, objectLists: false, listLimit: 50 },
  { ...FULL, diffLines: 0, objectLists: false, listLimit: 10 },
  { diffLines: 0, objectLists: false, listLimit: 0, sections: false },
];

/** What a summary left out, in words (empty for the full report). */
export function describeCuts(d: Detail): string[] {
  const cuts: string[] = [];
  if (!d.sections) return ['the per-environment sections are left out; only the summary table is shown'];
  if (d.diffLines === 0) cuts.push('file diffs are left out');
  else if (Number.isFinite(d.diffLines)) cuts.push(`file diffs are cut to ${d.diffLines} lines each`);
  if (!d.objectLists) cuts.push('objects and files are counted, not listed');
  if (Number.isFinite(d.listLimit)) cuts.push(`connection, flow and proof-failure lists are cut to ${d.listLimit} entries each`);
  return cuts;
}
