import { execa } from 'execa';
import type { Env, VersionCheck } from './types.ts';

/** `v1.2.3` and `1.2.3` name the same version. */
export function normalizeVersion(version: string): string {
  return version.trim().replace(/^v/, '');
}

export function sameVersion(a: string, b: string): boolean {
  return normalizeVersion(a) === normalizeVersion(b);
}

/** The outcome of running a binary's version command (or probe). */
export interface VersionProbe {
  /** The version the binary reported (group 1 of the pattern), if the pattern matched. */
  readonly version?: string;
  /** Whether the output matched the pattern at all. */
  readonly matched: boolean;
  /** Combined stdout and stderr, or the error if the binary could not be run. */
  readonly output: string;
}

const VERSION_TIMEOUT_MS = 30_000;

/**
 * Runs the version command of `check` (or, for stamp-only tools, the probe) on `binary` and
 * matches its output. Never throws: a binary that cannot run reports no version.
 */
export async function probeBinary(binary: string, check: VersionCheck, env: Env = process.env): Promise<VersionProbe> {
  const { args, pattern } = check.kind === 'command' ? check : check.probe;
  const result = await execa(binary, [...args], {
    all: true,
    reject: false,
    stdin: 'ignore',
    timeout: VERSION_TIMEOUT_MS,
    env: { ...env },
    extendEnv: false,
  });
  const output = result.all ?? '';
  if (result.failed && !result.exitCode) {
    return { matched: false, output: result.shortMessage ?? 'could not run' };
  }
  const match = pattern.exec(output);
  if (!match) return { matched: false, output };
  const version = check.kind === 'command' ? match[1] : undefined;
  return version === undefined ? { matched: true, output } : { matched: true, version, output };
}
