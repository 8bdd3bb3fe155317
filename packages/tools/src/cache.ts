import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env, ToolSpec } from './types.ts';

/**
 * The cache lives outside the repository:
 *
 *   ${ZTP_TOOLS_DIR:-$HOME/.cache/ztp/tools}/
 *     <name>-<version>/bin/<binary>   a finished build (present only once complete)
 *     <name>-<version>/stamp.json     what was built, when, with which Go and recipe
 *     logs/<name>-<version>.log       output of the last build of that tool
 *     go-mod/  go-build/  go-path/    Go module and build caches shared by all builds
 *     .tmp-<name>-<version>-<pid>-*   a build in progress (renamed into place when done)
 */
export function toolsDir(env: Env = process.env): string {
  const configured = env['ZTP_TOOLS_DIR'];
  if (configured !== undefined && configured !== '') return resolve(configured);
  return join(env['HOME'] || homedir(), '.cache', 'ztp', 'tools');
}

export function toolHome(tool: ToolSpec, env: Env = process.env): string {
  return join(toolsDir(env), `${tool.name}-${tool.version}`);
}

export function cachedBinary(tool: ToolSpec, env: Env = process.env): string {
  return join(toolHome(tool, env), 'bin', tool.binary);
}

export function stampFile(tool: ToolSpec, env: Env = process.env): string {
  return join(toolHome(tool, env), 'stamp.json');
}

export function logFile(tool: ToolSpec, env: Env = process.env): string {
  return join(toolsDir(env), 'logs', `${tool.name}-${tool.version}.log`);
}

/** Prefix of the temporary directories a build of this tool works in. */
export function tempPrefix(tool: ToolSpec): string {
  return `.tmp-${tool.name}-${tool.version}-`;
}

/** Written by a build, last, before the build directory is renamed into place. */
export interface Stamp {
  readonly name: string;
  readonly version: string;
  readonly binary: string;
  readonly recipe: string;
  /** The commands the build ran, in order (cwd omitted). */
  readonly commands: readonly string[];
  readonly go: string;
  readonly builtAt: string;
  readonly seconds: number;
}

/** The stamp of a finished build, or undefined when there is none or it cannot be read. */
export async function readStamp(tool: ToolSpec, env: Env = process.env): Promise<Stamp | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(stampFile(tool, env), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const stamp = parsed as Partial<Stamp>;
    if (typeof stamp.name !== 'string' || typeof stamp.version !== 'string') return undefined;
    return stamp as Stamp;
  } catch {
    return undefined;
  }
}
