import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from './types.ts';

/** A scratch directory for one test; `cleanup` removes it. */
export async function scratch(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ztp-tools-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes an executable shell script `dir/name` that prints `output` and exits with `code`. */
export async function fakeBinary(dir: string, name: string, output: string, code = 0): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const quoted = output.replaceAll("'", "'\\''");
  await writeFile(path, `#!/bin/sh\nprintf '%s\\n' '${quoted}'\nexit ${code}\n`);
  await chmod(path, 0o755);
  return path;
}

/** An environment with only the given PATH and tools directory (plus HOME), and CI unset. */
export function isolatedEnv(path: readonly string[], toolsDir: string): Env {
  return { PATH: path.join(':'), HOME: process.env['HOME'], ZTP_TOOLS_DIR: toolsDir };
}
