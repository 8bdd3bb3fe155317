/**
 * Running one engine over a batch: resolving its pinned binary through @ztp/tools, a scratch
 * folder, the adapter. A missing binary is a "not run" with the reason, or an error under CI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCI, resolveTool } from '@ztp/tools';
import type { AdmissionOutput } from '../contract.ts';
import { adapterFor } from '../engines/index.ts';
import { ENGINE_TOOL, type Case, type EngineName, type EngineReport } from '../engines/types.ts';

/** An engine run: its report, or why it did not run or failed. */
export type EngineRun =
  | { readonly engine: EngineName; readonly status: 'ran'; readonly report: EngineReport }
  | { readonly engine: EngineName; readonly status: 'not-run' | 'failed'; readonly reason: string };

export interface RunOptions {
  /** Keep the scratch folders (their paths are in the reports' commands). @default false */
  readonly keep?: boolean;
}

/** Runs `engine` over the cases against the emitted output. */
export async function runEngine(engine: EngineName, output: AdmissionOutput, cases: readonly Case[], options: RunOptions = {}): Promise<EngineRun> {
  const adapter = adapterFor(engine);
  if (adapter === undefined) return { engine, status: 'not-run', reason: `not run, because ztp has no ${engine} adapter yet` };
  let binary: string;
  try {
    binary = await resolveTool(ENGINE_TOOL[engine]);
  } catch (error) {
    if (isCI()) throw error;
    return { engine, status: 'not-run', reason: `not run, because ${(error as Error).message}` };
  }
  const workDir = await mkdtemp(join(tmpdir(), `ztp-${engine}-`));
  try {
    const report = await adapter({ output, cases, workDir, binary });
    return { engine, status: 'ran', report };
  } catch (error) {
    return { engine, status: 'failed', reason: `${engine} failed: ${(error as Error).message}` };
  } finally {
    if (!options.keep) await rm(workDir, { recursive: true, force: true });
  }
}
