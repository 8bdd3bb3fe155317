/**
 * `opa test` over the conftest form and its example tests: one process, JSON results.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTool } from '@ztp/tools';
import { execa } from 'execa';
import type { AdmissionOutput } from '../contract.ts';
import { CONFTEST_DIR } from '../emit/conftest.ts';
import { writeBundleFiles } from './files.ts';
import { EngineError } from './types.ts';

/** The outcome of `opa test` on the emitted Rego. */
export interface RegoTestResult {
  readonly passed: number;
  /** Names of failing tests, with the error when there was one. */
  readonly failed: readonly string[];
}

interface OpaTestEntry {
  name: string;
  fail?: boolean;
  error?: unknown;
  skip?: boolean;
}

/**
 * Runs `opa test --format json` on the conftest files of the output (its example tests included),
 * with the pinned opa unless `binary` is given.
 */
export async function runOpaTests(output: AdmissionOutput, binary?: string): Promise<RegoTestResult> {
  const opa = binary ?? (await resolveTool('opa'));
  const dir = await mkdtemp(join(tmpdir(), 'ztp-opa-test-'));
  try {
    await writeBundleFiles(dir, output.files.filter((f) => f.path.startsWith(`${CONFTEST_DIR}/`)));
    const result = await execa(opa, ['test', join(dir, CONFTEST_DIR), '--format', 'json'], { reject: false, stdin: 'ignore' });
    let entries: OpaTestEntry[];
    try {
      entries = JSON.parse(result.stdout) as OpaTestEntry[];
    } catch {
      throw new EngineError(`opa test exited ${result.exitCode} without JSON: ${(result.stderr || result.stdout).slice(-2000)}`);
    }
    const failed = entries.filter((e) => e.fail === true || e.error !== undefined).map((e) => (e.error === undefined ? e.name : `${e.name}: ${JSON.stringify(e.error)}`));
    return { passed: entries.filter((e) => !e.skip).length - failed.length, failed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
