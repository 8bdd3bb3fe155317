import { fileURLToPath } from 'node:url';

/** Where a declaration was written: the file and line of the call that created it. */
export interface SourceLocation {
  /** Absolute path of the file, or `<unknown>` when the call site could not be read. */
  readonly file: string;
  /** 1-based line, 0 when unknown. */
  readonly line: number;
}

const MODEL_DIR = fileURLToPath(new URL('.', import.meta.url));

const FRAME = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/;
/** `file://` URLs already turned into paths: every builder call of a file has the same one. */
const PATHS = new Map<string, string>();

/** The frames of the stack above `callSite`, as text, at most `depth` of them. */
function stackText(depth: number): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  try {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, callSite);
    return holder.stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The first frame of `stack` outside this package, or `undefined`. */
function firstCaller(stack: string): SourceLocation | undefined {
  for (const raw of stack.split('\n').slice(1)) {
    const m = FRAME.exec(raw);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    let file = m[1];
    if (file.startsWith('file://')) {
      const url = file;
      file = PATHS.get(url) ?? fileURLToPath(url);
      PATHS.set(url, file);
    }
    // Skip this package's own builders; its tests count as callers.
    if ((file.startsWith(MODEL_DIR) && !file.endsWith('.test.ts')) || file.startsWith('node:')) continue;
    return { file, line: Number(m[2]) };
  }
  return undefined;
}

/**
 * The first stack frame outside this package: the line of the environment file that called a
 * builder such as `workload()` or `flow()`. Used only for error messages and the bundle manifest.
 * Read from the stack as Node formats it (through any source maps in use). Every builder call
 * pays for this, so only the few frames nearest are formatted, unless the caller is further up.
 */
export function callSite(): SourceLocation {
  return firstCaller(stackText(4)) ?? firstCaller(stackText(100)) ?? { file: '<unknown>', line: 0 };
}
