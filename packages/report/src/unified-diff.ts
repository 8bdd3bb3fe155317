import { structuredPatch } from 'diff';

/** The unified diff of one file, as lines without their newlines. */
export interface FileDiff {
  /** `--- a/<file>` (or `/dev/null`), `+++ b/<file>` (or `/dev/null`), then the hunks. */
  readonly lines: readonly string[];
  readonly added: number;
  readonly removed: number;
}

/**
 * The unified diff (`git diff` style headers, `context` lines around each change) between two
 * versions of `file`; `undefined` for a side means the file does not exist there. Deterministic:
 * the same texts always give the same lines.
 */
export function unifiedDiff(file: string, before: string | undefined, after: string | undefined, context = 3): FileDiff {
  const patch = structuredPatch(before === undefined ? '/dev/null' : `a/${file}`, after === undefined ? '/dev/null' : `b/${file}`, before ?? '', after ?? '', undefined, undefined, { context });
  const lines = [`--- ${patch.oldFileName}`, `+++ ${patch.newFileName}`];
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) {
    lines.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    for (const l of h.lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
      lines.push(l);
    }
  }
  return { lines, added, removed };
}

/**
 * `start,count` as unified diffs write it: `start` alone when the count is 1, and for an empty
 * range the line before it (`0,0` at the top of a new or deleted file), as `git diff` does.
 */
function range(start: number, count: number): string {
  if (count === 0) return `${Math.max(0, start - 1)},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
