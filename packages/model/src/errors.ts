import type { SourceLocation } from './source.ts';

/** One problem in an environment's source, phrased for the person who wrote it. */
export interface Problem {
  /** File the problem is in (absolute path; printed relative to the repository). */
  readonly file: string;
  /** Line of the offending declaration, 0 when it is the environment as a whole. */
  readonly line: number;
  /** The object, e.g. `workload production/api-server` or `flow frontend -> api-server`. */
  readonly object: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/**
 * Bad input: the environment cannot be compiled as written. Carries every problem found, so one
 * run reports them all. The CLI maps it to exit code 2.
 */
export class InputError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map((p) => formatProblem(p)).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** A problem located at a declaration. */
export function problemAt(at: SourceLocation, object: string, message: string): Problem {
  return { file: at.file, line: at.line, object, message };
}

/** `file:line: object: message`, with the file relative to `root` when given. */
export function formatProblem(p: Problem, root?: string): string {
  let file = p.file;
  if (root && file.startsWith(root + '/')) file = file.slice(root.length + 1);
  const where = p.line > 0 ? `${file}:${p.line}` : file;
  return `${where}: ${p.object}: ${p.message}`;
}
