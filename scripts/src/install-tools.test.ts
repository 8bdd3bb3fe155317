import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolNames, UnknownToolError } from '@ztp/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, parseArgs } from './install-tools.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ztp-install-tools-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fake(name: string, output: string): Promise<string> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  const path = join(dir, 'bin', name);
  await writeFile(path, `#!/bin/sh\necho '${output}'\n`);
  await chmod(path, 0o755);
  return path;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    tty: false,
    // Only the fakes on PATH: no go, so any build fails at once.
    env: { PATH: join(dir, 'bin'), HOME: dir, ZTP_TOOLS_DIR: join(dir, 'tools') },
  });
  return { code, out, err };
}

describe('parseArgs', () => {
  it('installs every tool by default and with --all', () => {
    const all = toolNames();
    for (const args of [[], ['--all']]) {
      const command = parseArgs(args);
      expect(command.kind).toBe('install');
      if (command.kind !== 'help') expect(command.tools.map((t) => t.name)).toEqual(all);
    }
  });

  it('takes tool names, once each, in the order given', () => {
    const command = parseArgs(['kind', 'opa', 'kind']);
    expect(command.kind !== 'help' && command.tools.map((t) => t.name)).toEqual(['kind', 'opa']);
    expect(parseArgs(['--status', 'opa'])).toMatchObject({ kind: 'status' });
    expect(parseArgs(['--prune', 'opa'])).toMatchObject({ kind: 'install', prune: true });
    expect(parseArgs(['opa'])).toMatchObject({ kind: 'install', prune: false });
  });

  it('rejects unknown tools and options', () => {
    expect(() => parseArgs(['terraform'])).toThrow(UnknownToolError);
    expect(() => parseArgs(['--force'])).toThrow('unknown option --force');
    expect(() => parseArgs(['--all', 'opa'])).toThrow('--all and tool names cannot be combined');
    expect(() => parseArgs(['--status', '--prune'])).toThrow('--status and --prune cannot be combined');
  });
});

describe('main', () => {
  it('prints one line per tool already at its pinned version', async () => {
    const opa = await fake('opa', 'Version: 1.22.3');
    const kind = await fake('kind', 'kind v0.33.0 go1.26.8 linux/amd64');
    const { code, out, err } = await run(['opa', 'kind']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toBe(`opa 1.22.3: found on PATH at ${opa}\nkind v0.33.0: found on PATH at ${kind}\n`);
  });

  it('removes the shared Go caches with --prune once everything is installed', async () => {
    await fake('kind', 'kind v0.33.0 go1.26.8 linux/amd64');
    await mkdir(join(dir, 'tools', 'go-mod', 'cache'), { recursive: true });
    const { code, out } = await run(['kind', '--prune']);
    expect(code).toBe(0);
    expect(out).toContain(`install-tools: removed the Go caches: ${join(dir, 'tools', 'go-mod')}\n`);
    expect(await readdir(join(dir, 'tools'))).toEqual([]);
  });

  it('exits 1 with the reason and the log tail when a build fails, and installs nothing', async () => {
    await fake('opa', 'Version: 1.0.0');
    const { code, out, err } = await run(['opa']);
    expect(code).toBe(1);
    expect(out).toMatch(/^opa 1\.22\.3: FAILED after \d+ s: building opa 1\.22\.3 failed: the Go toolchain is needed/);
    expect(out).toContain(`(log: ${join(dir, 'tools', 'logs', 'opa-1.22.3.log')})`);
    expect(out).toContain('    # opa 1.22.3: go install -trimpath github.com/open-policy-agent/opa@<version>');
    expect(err).toMatch(/^install-tools: 1 of 1 failed to build: opa \(\d+ s\)\n$/);
    expect(await readdir(join(dir, 'tools'))).toEqual(['logs']);
  });

  it('reports status without building', async () => {
    const opa = await fake('opa', 'Version: 1.22.3');
    const { code, out } = await run(['--status', 'opa', 'netpolicy']);
    expect(code).toBe(1);
    expect(out).toBe(`opa 1.22.3: found on PATH at ${opa} (reports 1.22.3)\nnetpolicy v1.4.4: missing\n`);
  });

  it('exits 2 on an unknown tool', async () => {
    const { code, err } = await run(['terraform']);
    expect(code).toBe(2);
    expect(err).toContain('unknown tool "terraform"; the pinned tools are: opa,');
  });
});
