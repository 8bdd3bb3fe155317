import { fileURLToPath } from 'node:url';

/** Where a declaration was written: the file and line of the call that created it. */
export interface SourceLocation {
  /** Absolute path of the file, or `<unknown>` when the call site could not be read. */
  readonly file: string;
  /** 1-based line, 0 when unknown. */
  readonly line: number;
}

const MODEL_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * The first stack frame outside this package: the line of the environment file that called a
 * builder such as `workload()` or `flow()`. Used only for error messages and the bundle manifest.
 */
export function callSite(): SourceLocation {
  const stack = new Error().stack ?? '';
  for (const raw of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(raw.trim());
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    // Skip this package's own builders; its tests count as callers.
    if ((file.startsWith(MODEL_DIR) && !file.endsWith('.test.ts')) || file.startsWith('node:')) continue;
    return { file, line: Number(m[2]) };
  }
  return { file: '<unknown>', line: 0 };
}
