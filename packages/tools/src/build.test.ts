import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTool, goEnvironment, pruneGoCaches, removeStaleBuilds } from './build.ts';
import { readStamp } from './cache.ts';
import { ToolBuildError } from './errors.ts';
import { locateTool } from './resolve.ts';
import { fakeBinary, scratch } from './test-helpers.ts';
import type { BuildRecipe, Env, ToolSpec } from './types.ts';

let dir: string;
let cleanup: () => Promise<void>;
let env: Env;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
  env = { ...process.env, ZTP_TOOLS_DIR: join(dir, 'tools'), CI: undefined };
});
afterEach(async () => {
  await cleanup();
});

function fakeTool(recipe: BuildRecipe): ToolSpec {
  return {
    name: 'fake',
    version: '1.0.0',
    binary: 'fake',
    description: 'a tool made up for tests',
    check: { kind: 'command', args: ['--version'], pattern: /^fake (\S+)$/m },
    recipe,
  };
}

/** A recipe that writes a script printing `fake <version>` as the binary. */
function scriptRecipe(version: string): BuildRecipe {
  return {
    summary: 'write a script',
    async build(ctx) {
      await ctx.run('sh', ['-c', 'echo compiling fake']);
      await fakeBinary(ctx.binDir, ctx.tool.binary, `fake ${version}`);
    },
  };
}

const entries = async (path: string) => (await readdir(path)).sort();

describe('buildTool', () => {
  it('installs a build atomically, with a stamp, and resolves it from the cache', async () => {
    const tool = fakeTool(scriptRecipe('1.0.0'));
    const result = await buildTool(tool, { env });
    expect(result.path).toBe(join(dir, 'tools', 'fake-1.0.0', 'bin', 'fake'));
    expect(await entries(join(dir, 'tools'))).toEqual(['fake-1.0.0', 'logs']);
    expect(await entries(join(dir, 'tools', 'fake-1.0.0'))).toEqual(['bin', 'stamp.json']);
    expect(await readStamp(tool, env)).toMatchObject({ name: 'fake', version: '1.0.0', recipe: 'write a script' });
    expect((await readStamp(tool, env))?.go).toMatch(/^go1\.\d+/);
    expect((await readStamp(tool, env))?.commands).toEqual(['sh -c echo compiling fake']);
    const log = await readFile(result.logFile, 'utf8');
    expect(log).toContain('$ sh -c echo compiling fake');
    expect(log).toContain('compiling fake\n');
    expect(await locateTool(tool, { env })).toMatchObject({ source: 'cache', path: result.path, foundVersion: '1.0.0' });
  });

  it('leaves nothing behind when the recipe fails, and shows the tail of the log', async () => {
    const tool = fakeTool({
      summary: 'fail halfway',
      async build(ctx) {
        await fakeBinary(ctx.binDir, ctx.tool.binary, 'fake 1.0.0'); // a binary that looks done ...
        await ctx.run('sh', ['-c', 'echo step one; echo "boom: no space left" >&2; exit 3']); // ... then the build dies
      },
    });
    const error = await buildTool(tool, { env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolBuildError);
    const buildError = error as ToolBuildError;
    expect(buildError.message).toMatch(/^building fake 1\.0\.0 failed: Command failed with exit code 3: sh -c/);
    expect(buildError.logTail).toContain('step one\n');
    expect(buildError.logTail).toContain('boom: no space left');
    expect(buildError.logFile).toBe(join(dir, 'tools', 'logs', 'fake-1.0.0.log'));
    expect(await entries(join(dir, 'tools'))).toEqual(['logs']);
    expect((await locateTool(tool, { env })).source).toBe('missing');
  });

  it('rejects a build whose binary reports another version', async () => {
    const tool = fakeTool(scriptRecipe('0.9.0'));
    await expect(buildTool(tool, { env })).rejects.toThrow('the built binary reports version 0.9.0, expected 1.0.0');
    expect(await entries(join(dir, 'tools'))).toEqual(['logs']);
  });

  it('rejects a recipe that writes no binary', async () => {
    const tool = fakeTool({ summary: 'nothing', async build() {} });
    await expect(buildTool(tool, { env })).rejects.toThrow('the recipe finished but wrote no executable fake into');
    expect(await entries(join(dir, 'tools'))).toEqual(['logs']);
  });

  it('replaces an earlier install of the same version', async () => {
    const tool = fakeTool(scriptRecipe('1.0.0'));
    const first = await buildTool(tool, { env });
    const second = await buildTool(tool, { env });
    expect(second.path).toBe(first.path);
    expect(second.stamp.builtAt >= first.stamp.builtAt).toBe(true);
    expect(await entries(join(dir, 'tools'))).toEqual(['fake-1.0.0', 'logs']);
  });

  it('says so when there is no Go toolchain', async () => {
    await mkdir(join(dir, 'empty'));
    const tool = fakeTool(scriptRecipe('1.0.0'));
    await expect(buildTool(tool, { env: { ...env, PATH: join(dir, 'empty') } })).rejects.toThrow(
      'the Go toolchain is needed to build the engines',
    );
    expect(await entries(join(dir, 'tools'))).toEqual(['logs']);
  });
});

describe('removeStaleBuilds', () => {
  it('removes temporary directories of dead builds and keeps live ones', async () => {
    const tools = join(dir, 'tools');
    const dead = join(tools, '.tmp-opa-1.22.3-999999999-AbC123');
    const deadOld = join(tools, '.tmp-opa-1.22.3-999999999-XyZ789.old');
    const live = join(tools, `.tmp-opa-1.22.3-${process.pid}-Qwe456`);
    for (const path of [dead, deadOld, live, join(tools, 'opa-1.22.3')]) await mkdir(path, { recursive: true });
    expect((await removeStaleBuilds(env)).sort()).toEqual(['.tmp-opa-1.22.3-999999999-AbC123', '.tmp-opa-1.22.3-999999999-XyZ789.old']);
    await access(live);
    expect(await entries(tools)).toEqual([`.tmp-opa-1.22.3-${process.pid}-Qwe456`, 'opa-1.22.3']);
  });
});

describe('goEnvironment', () => {
  it('shares module and build caches under the tools directory and writes binaries to binDir', () => {
    const goEnv = goEnvironment({ PATH: '/usr/bin', ZTP_TOOLS_DIR: '/cache/tools' }, '/cache/tools/.tmp-x/bin');
    expect(goEnv).toMatchObject({
      PATH: '/usr/bin',
      GOMODCACHE: '/cache/tools/go-mod',
      GOCACHE: '/cache/tools/go-build',
      GOPATH: '/cache/tools/go-path',
      GOBIN: '/cache/tools/.tmp-x/bin',
      GOFLAGS: '-modcacherw -buildvcs=false',
      GOWORK: 'off',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
    });
  });
});

describe('pruneGoCaches', () => {
  it('removes the shared Go caches and keeps the tools', async () => {
    const tools = join(dir, 'tools');
    for (const sub of ['go-mod/cache', 'go-build/00', 'opa-1.22.3/bin']) await mkdir(join(tools, sub), { recursive: true });
    expect(await pruneGoCaches(env)).toEqual([join(tools, 'go-build'), join(tools, 'go-mod')]);
    expect(await entries(tools)).toEqual(['opa-1.22.3']);
  });

  it('refuses while a live process holds a build lock', async () => {
    const tools = join(dir, 'tools');
    await mkdir(join(tools, 'go-mod'), { recursive: true });
    await writeFile(join(tools, '.lock-opa-1.22.3'), `${process.pid}\n`);
    await expect(pruneGoCaches(env)).rejects.toThrow(`not pruning the Go caches: process ${process.pid} is building`);
    await access(join(tools, 'go-mod'));
  });
});
