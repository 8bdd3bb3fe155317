import { mkdir } from 'node:fs/promises';
import { buildTool } from './build.ts';
import { toolsDir } from './cache.ts';
import { ToolBuildError } from './errors.ts';
import type { LockOptions } from './lock.ts';
import { acquireToolLock } from './lock.ts';
import type { ResolveOptions } from './resolve.ts';
import { locateTool } from './resolve.ts';
import type { ToolSpec } from './types.ts';

/** What installing one tool came to. */
export type InstallResult =
  | { readonly tool: ToolSpec; readonly outcome: 'cached' | 'path'; readonly path: string }
  | { readonly tool: ToolSpec; readonly outcome: 'built'; readonly path: string; readonly seconds: number; readonly logFile: string }
  | { readonly tool: ToolSpec; readonly outcome: 'failed'; readonly seconds: number; readonly error: ToolBuildError };

export interface InstallOptions extends ResolveOptions, Pick<LockOptions, 'pollMs' | 'onWait'> {}

/**
 * Makes `tool` available: nothing to do when it is cached or on PATH at its pinned version,
 * otherwise builds it into the cache, one build per tool at a time across processes (waiting for
 * another process's build of the same tool, then using it). A failed build is returned (not
 * thrown) as `failed`.
 */
export async function installTool(tool: ToolSpec, options: InstallOptions = {}): Promise<InstallResult> {
  const found = async (): Promise<InstallResult | undefined> => {
    const status = await locateTool(tool, options);
    if (status.path === undefined || status.source === 'missing') return undefined;
    return { tool, outcome: status.source === 'cache' ? 'cached' : 'path', path: status.path };
  };
  const before = await found();
  if (before !== undefined) return before;

  await mkdir(toolsDir(options.env), { recursive: true });
  const release = await acquireToolLock(tool, options);
  const started = Date.now();
  try {
    // Another process may have built it while we waited for the lock.
    const after = await found();
    if (after !== undefined) return after;
    const built = await buildTool(tool, options);
    return { tool, outcome: 'built', path: built.path, seconds: built.seconds, logFile: built.logFile };
  } catch (error) {
    if (!(error instanceof ToolBuildError)) throw error;
    return { tool, outcome: 'failed', seconds: Math.round((Date.now() - started) / 1000), error };
  } finally {
    await release();
  }
}

/** One line for people: `opa 1.22.3: cached at …`, `… built in 42 s (…)`, `… FAILED after 3 s …`. */
export function describeInstall(result: InstallResult): string {
  const head = `${result.tool.name} ${result.tool.version}`;
  switch (result.outcome) {
    case 'cached':
      return `${head}: cached at ${result.path}`;
    case 'path':
      return `${head}: found on PATH at ${result.path}`;
    case 'built':
      return `${head}: built in ${Math.round(result.seconds)} s (${result.path})`;
    case 'failed':
      return `${head}: FAILED after ${result.seconds} s: ${result.error.message}`;
  }
}
