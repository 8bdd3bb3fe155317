/**
 * The netpol-analyzer adapter: the only place that runs `netpolicy` (np-guard/netpol-analyzer).
 * `netpolicy list --dirpath <dir> -o json` reads every manifest under the folder (recursively)
 * and prints the allowed connections as a JSON array. One process per manifest set.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { resolveTool } from '@ztp/tools';
import { parseConnlistJson } from './parse.ts';
import type { ConnlistLine } from './parse.ts';

/** Options of the netpol-analyzer adapter. */
export interface NetpolAnalyzerOptions {
  /** The netpolicy binary (default: the pinned build from @ztp/tools). */
  readonly binary?: string;
}

/** What one netpolicy process said. */
export interface NetpolAnalyzerRun {
  readonly lines: readonly ConnlistLine[];
  /** Its log (warnings such as unmatched named ports). */
  readonly stderr: string;
  readonly milliseconds: number;
}

/** Thrown when netpolicy refuses its input or fails; carries its stderr. */
export class NetpolAnalyzerError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(`${message}\n${stderr.slice(-4000)}`);
    this.name = 'NetpolAnalyzerError';
    this.stderr = stderr;
  }
}

/** Runs `netpolicy list --dirpath dir -o json`. */
export async function runNetpolAnalyzer(dir: string, options: NetpolAnalyzerOptions = {}): Promise<NetpolAnalyzerRun> {
  const binary = options.binary ?? (await resolveTool('netpolicy'));
  const args = ['list', '--dirpath', dir, '-o', 'json'];
  const started = performance.now();
  const result = await execa(binary, args, { reject: false, maxBuffer: 1_000_000_000 });
  const milliseconds = performance.now() - started;
  if (result.exitCode !== 0 || result.failed) {
    throw new NetpolAnalyzerError(`netpolicy ${args.join(' ')} failed (exit ${result.exitCode ?? result.signal})`, result.stderr);
  }
  return { lines: parseConnlistJson(result.stdout), stderr: result.stderr, milliseconds };
}

/** Writes each object set into its own subfolder of a temporary folder, runs netpolicy once on it, and removes it. */
export async function runNetpolAnalyzerOnObjects(sets: readonly (readonly unknown[])[], options: NetpolAnalyzerOptions = {}): Promise<NetpolAnalyzerRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ztp-netpolicy-'));
  try {
    for (const [i, objects] of sets.entries()) {
      await mkdir(join(dir, `set-${i}`));
      await writeFile(join(dir, `set-${i}`, 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 1));
    }
    return await runNetpolAnalyzer(dir, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
