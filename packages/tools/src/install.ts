import { buildTool } from './build.ts';
import { ToolBuildError } from './errors.ts';
import type { ResolveOptions } from './resolve.ts';
import { locateTool } from './resolve.ts';
import type { ToolSpec } from './types.ts';

/** What installing one tool came to. */
export type InstallResult =
  | { readonly tool: ToolSpec; readonly outcome: 'cached' | 'path'; readonly path: string }
  | { readonly tool: ToolSpec; readonly outcome: 'built'; readonly path: string; readonly seconds: number; readonly logFile: string }
  | { readonly tool: ToolSpec; readonly outcome: 'failed'; readonly seconds: number; readonly error: ToolBuildError };

/**
 * Makes `tool` available: nothing to do when it is cached or on PATH at its pinned version,
 * otherwise builds it into the cache. A failed build is returned (not thrown) as `failed`.
 */
export async function installTool(tool: ToolSpec, options: ResolveOptions = {}): Promise<InstallResult> {
  const status = await locateTool(tool, options);
  if (status.path !== undefined && status.source !== 'missing') {
    return { tool, outcome: status.source === 'cache' ? 'cached' : 'path', path: status.path };
  }
  const started = Date.now();
  try {
    const built = await buildTool(tool, options);
    return { tool, outcome: 'built', path: built.path, seconds: built.seconds, logFile: built.logFile };
  } catch (error) {
    if (!(error instanceof ToolBuildError)) throw error;
    return { tool, outcome: 'failed', seconds: Math.round((Date.now() - started) / 1000), error };
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
