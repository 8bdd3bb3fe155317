/**
 * Where the data written by other projects lives (never copied into the repository), and whether
 * an engine is there. Missing data or a missing engine is a reason to skip, except under CI.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCI, requireTools } from '@ztp/tools';
import { ENGINE_TOOL, type EngineName } from '../engines/types.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

function sharedDir(variable: string, folder: string): { dir: string; skip?: string } {
  const configured = process.env[variable];
  const dir = configured !== undefined && configured !== '' ? resolve(configured) : resolve(REPO_ROOT, '..', 'shared', folder);
  if (existsSync(dir)) return { dir };
  const reason = `not run, because ${dir} does not exist (set ${variable})`;
  if (isCI()) throw new Error(`${reason}; CI must have it`);
  return { dir, skip: reason };
}

/** The conformance data folder: `ZTP_CONFORMANCE_DIR`, else `../shared/conformance` from the repository root. */
export function conformanceDir(): { dir: string; skip?: string } {
  return sharedDir('ZTP_CONFORMANCE_DIR', 'conformance');
}

/** The upstream CRDs folder: `ZTP_CRDS_DIR`, else `../shared/crds` from the repository root. */
export function crdsDir(): { dir: string; skip?: string } {
  return sharedDir('ZTP_CRDS_DIR', 'crds');
}

/** Undefined when the engine's binary is installed; else why the engine is not run (throws under CI). */
export async function engineMissing(engine: EngineName): Promise<string | undefined> {
  return requireTools([ENGINE_TOOL[engine]]);
}
