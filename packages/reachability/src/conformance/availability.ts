/**
 * Deciding whether conformance tests run: they need the shared data; without it they are
 * skipped with a printed reason, except under CI where missing data is a failure.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from './location.ts';

/** Whether a conformance data set is available, and the message to show when it is not. */
export interface Availability {
  readonly dir: string;
  readonly run: boolean;
  /** Set when the data is missing. */
  readonly reason?: string;
  /** True when missing data must fail the run (CI). */
  readonly mustFail: boolean;
}

/** Checks for `<conformance dir>/<subdir>`. */
export function availability(subdir: string, env: NodeJS.ProcessEnv = process.env): Availability {
  const loc = conformanceDir(env);
  const dir = join(loc.dir, subdir);
  if (existsSync(dir)) return { dir, run: true, mustFail: false };
  const reason = `conformance data ${dir} not found (looked in ${loc.source}); set ZTP_CONFORMANCE_DIR to the shared conformance folder`;
  return { dir, run: false, reason, mustFail: env.CI !== undefined && env.CI !== '' && env.CI !== 'false' };
}
