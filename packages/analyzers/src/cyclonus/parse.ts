/**
 * Reading `cyclonus analyze --mode query-traffic` output. For each traffic object, in input
 * order, cyclonus prints `Traffic:` with a table describing it, then `Is traffic allowed?` with
 * a table whose footer row is `| IS ALLOWED? | TRUE |` or `| IS ALLOWED? | FALSE |`.
 *
 * The output is about 2 KB per traffic object (its tables list every policy target that
 * applies): close to 2 GB for the 865,000 questions of 100 generated workloads, beyond V8's
 * longest string (about 512 MiB). So it is read line by line (`QueryTrafficReader`), never held
 * whole.
 */

const VERDICT = /^\| IS ALLOWED\? \|\s*(TRUE|FALSE)\s*\|/;

/** Reads cyclonus's output one line at a time and keeps only the verdicts. */
export class QueryTrafficReader {
  private readonly verdicts: boolean[] = [];
  private blocks = 0;
  /** Lines of the current block (for messages; a block is a few dozen lines). */
  private block: string[] = [];

  /** Feeds one line of output (without its newline). Throws on a block with two verdicts. */
  line(text: string): void {
    if (text === 'Traffic:') {
      this.closeBlock();
      this.blocks++;
      this.block = [];
      return;
    }
    if (this.blocks === 0) return; // the `query traffic:` header
    if (this.block.length < 200) this.block.push(text);
    const m = VERDICT.exec(text);
    if (m === null) return;
    if (this.verdicts.length === this.blocks) throw new Error(`cyclonus traffic block ${this.blocks - 1} has 2 verdicts:\n${this.block.join('\n').slice(0, 2000)}`);
    this.verdicts.push(m[1] === 'TRUE');
  }

  private closeBlock(): void {
    if (this.blocks > this.verdicts.length) throw new Error(`cyclonus traffic block ${this.blocks - 1} has 0 verdicts:\n${this.block.join('\n').slice(0, 2000)}`);
  }

  /** The verdicts in input order. Throws unless there is exactly one verdict per `Traffic:` block and `expected` of them. */
  finish(expected: number): boolean[] {
    this.closeBlock();
    if (this.blocks !== expected) throw new Error(`cyclonus printed ${this.blocks} traffic blocks for ${expected} traffic objects`);
    return this.verdicts;
  }
}

/** The verdicts of a whole output held in one string (see `QueryTrafficReader`). */
export function parseQueryTraffic(stdout: string, expected: number): boolean[] {
  const reader = new QueryTrafficReader();
  for (const line of stdout.split('\n')) reader.line(line);
  return reader.finish(expected);
}
