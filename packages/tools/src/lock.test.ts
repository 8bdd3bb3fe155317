import { execa } from 'execa';
import { readFile, writeFile, mkdir, access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedBinary, toolHome } from './cache.ts';
import { installTool } from './install.ts';
import { acquireToolLock, isAlive, lockFile } from './lock.ts';
import { fakeBinary, scratch } from './test-helpers.ts';
import type { Env, ToolSpec } from './types.ts';

let dir: string;
let cleanup: () => Promise<void>;
let env: Env;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
  env = { PATH: process.env['PATH'], HOME: dir, ZTP_TOOLS_DIR: join(dir, 'tools') };
  await mkdir(join(dir, 'tools'));
});
afterEach(async () => {
  await cleanup();
});

const tool: ToolSpec = {
  name: 'fake',
  version: '2.0.0',
  binary: 'fake',
  description: 'a tool made up for tests',
  check: { kind: 'command', args: ['--version'], pattern: /^fake (\S+)$/m },
  recipe: {
    summary: 'must not run',
    async build() {
      throw new Error('the recipe ran although another process had built the tool');
    },
  },
};

describe('the build lock', () => {
  it('holds the pid of its owner and is gone after release', async () => {
    const release = await acquireToolLock(tool, { env });
    expect(await readFile(lockFile(tool, env), 'utf8')).toBe(`${process.pid}\n`);
    await release();
    await expect(access(lockFile(tool, env))).rejects.toThrow('ENOENT');
  });

  it('takes over a lock whose process is gone', async () => {
    expect(isAlive(999_999_999)).toBe(false);
    await writeFile(lockFile(tool, env), '999999999\n');
    let waited = false;
    const release = await acquireToolLock(tool, { env, onWait: () => (waited = true) });
    expect(waited).toBe(false);
    expect(await readFile(lockFile(tool, env), 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });

  it('waits for a live holder, then uses what it built instead of building again', async () => {
    const holder = execa('sleep', ['30'], { reject: false });
    const pid = holder.pid ?? 0;
    await writeFile(lockFile(tool, env), `${pid}\n`);
    const waitedFor: number[] = [];
    const installing = installTool(tool, {
      env,
      pollMs: 50,
      onWait: (p) => {
        waitedFor.push(p);
        // The "other process" finishes its build and exits.
        void (async () => {
          await fakeBinary(join(toolHome(tool, env), 'bin'), 'fake', 'fake 2.0.0');
          await writeFile(join(toolHome(tool, env), 'stamp.json'), JSON.stringify({ name: 'fake', version: '2.0.0' }));
          holder.kill();
        })();
      },
    });
    const result = await installing;
    await holder;
    expect(waitedFor).toEqual([pid]);
    expect(result).toMatchObject({ outcome: 'cached', path: cachedBinary(tool, env) });
    await expect(access(lockFile(tool, env))).rejects.toThrow('ENOENT');
  });
});
