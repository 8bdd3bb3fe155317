/** Small, pure helpers that keep arbitrary text from breaking GitHub-flavoured markdown. */

/** Text for HTML contexts (`<summary>`) and plain markdown: no tags, no entities. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** An inline code span that survives backticks in `text`. */
export function code(text: string): string {
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text.replace(/\n/g, ' ')}${pad}${ticks}`;
}

/** A fenced code block whose fence is longer than any run of backticks in the content. */
export function fence(info: string, lines: readonly string[]): string[] {
  const ticks = '`'.repeat(lines.reduce((n, l) => Math.max(n, longestRun(l, '`') + 1), 3));
  return [`${ticks}${info}`, ...lines, ticks];
}

/**
 * A markdown table. Cells are markdown; every pipe in them is escaped, which GitHub requires even
 * inside code spans (and renders as a plain pipe there).
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** A collapsible section; the blank lines make GitHub render the markdown inside it. */
export function details(summaryHtml: string, body: readonly string[], open = false): string[] {
  return [open ? '<details open>' : '<details>', `<summary>${summaryHtml}</summary>`, '', ...body, '', '</details>'];
}

/** `1 object`, `2 objects`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
