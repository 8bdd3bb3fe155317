import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedBinary, toolHome } from './cache.ts';
import { ToolMissingError, UnknownToolError } from './errors.ts';
import { getTool } from './registry.ts';
import { locateTool, resolveTool, toolStatus } from './resolve.ts';
import { fakeBinary, isolatedEnv, scratch } from './test-helpers.ts';
import { requireTools } from './testing.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => {
  await cleanup();
});

const opaOutput = (version: string) => `Version: ${version}\nBuild Commit: \nGo Version: go1.26.8`;

describe('resolveTool', () => {
  it('finds a binary on PATH that reports the pinned version', async () => {
    const fake = await fakeBinary(join(dir, 'bin'), 'opa', opaOutput('1.22.3'));
    const env = isolatedEnv([join(dir, 'bin')], join(dir, 'tools'));
    expect(await resolveTool('opa', { env })).toBe(fake);
    const status = await locateTool(getTool('opa'), { env });
    expect(status).toMatchObject({ source: 'path', path: fake, foundVersion: '1.22.3', verifiedBy: 'command' });
  });

  it('asks an unchanged binary its version once per process, and again once it is replaced', async () => {
    const log = join(dir, 'probes.log');
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    const script = (version: string) => `#!/bin/sh\necho probed >> '${log}'\necho 'Version: ${version}'\n`;
    const fake = join(bin, 'opa');
    await writeFile(fake, script('1.22.3'), { mode: 0o755 });
    const env = isolatedEnv([bin], join(dir, 'tools'));
    const probes = async () => (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '').length;
    expect(await resolveTool('opa', { env })).toBe(fake);
    expect(await resolveTool('opa', { env })).toBe(fake);
    expect(await probes()).toBe(1);
    // rebuilt at another version, at the same path: probed again, and refused
    await rm(fake);
    await writeFile(fake, script('1.21.0'), { mode: 0o755 });
    await expect(resolveTool('opa', { env })).rejects.toThrow(`${fake} reports 1.21.0`);
    expect(await probes()).toBe(2);
  });

  it('ignores a binary on PATH at another version', async () => {
    const fake = await fakeBinary(join(dir, 'bin'), 'opa', opaOutput('1.21.0'));
    const env = isolatedEnv([join(dir, 'bin')], join(dir, 'tools'));
    await expect(resolveTool('opa', { env })).rejects.toThrow(ToolMissingError);
    await expect(resolveTool('opa', { env })).rejects.toThrow(
      `opa 1.22.3 is not installed (${fake} reports 1.21.0)\ninstall with: node scripts/src/install-tools.ts opa`,
    );
  });

  it('takes the first binary on PATH at the pinned version, skipping others', async () => {
    await fakeBinary(join(dir, 'old'), 'opa', opaOutput('0.70.0'));
    await fakeBinary(join(dir, 'broken'), 'opa', 'segmentation fault', 139);
    const good = await fakeBinary(join(dir, 'good'), 'opa', opaOutput('1.22.3'));
    await fakeBinary(join(dir, 'later'), 'opa', opaOutput('1.22.3'));
    const env = isolatedEnv(['old', 'broken', 'good', 'later'].map((d) => join(dir, d)), join(dir, 'tools'));
    expect(await resolveTool('opa', { env })).toBe(good);
    expect((await locateTool(getTool('opa'), { env })).rejected).toEqual([
      `${join(dir, 'old', 'opa')} reports 0.70.0`,
      `${join(dir, 'broken', 'opa')} reports no version`,
    ]);
  });

  it('accepts versions with or without a leading v', async () => {
    const fake = await fakeBinary(join(dir, 'bin'), 'kind', 'kind 0.33.0 go1.26.8 linux/amd64');
    const env = isolatedEnv([join(dir, 'bin')], join(dir, 'tools'));
    // kind's pattern wants "kind v…", so a version without the v does not match at all ...
    await expect(resolveTool('kind', { env })).rejects.toThrow(ToolMissingError);
    await fakeBinary(join(dir, 'bin'), 'kind', 'kind v0.33.0 go1.26.8 linux/amd64');
    // ... while opa's pinned "1.22.3" equals a reported "v1.22.3".
    await fakeBinary(join(dir, 'bin'), 'opa', opaOutput('v1.22.3'));
    expect(await resolveTool('kind', { env })).toBe(fake);
    expect(await resolveTool('opa', { env })).toBe(join(dir, 'bin', 'opa'));
  });

  it('gives the exact error for a tool that is nowhere', async () => {
    const env = isolatedEnv([join(dir, 'empty')], join(dir, 'tools'));
    const error = await resolveTool('kyverno', { env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as ToolMissingError).message).toBe(
      'kyverno v1.19.1 is not installed\ninstall with: node scripts/src/install-tools.ts kyverno',
    );
    expect((error as ToolMissingError).installCommand).toBe('node scripts/src/install-tools.ts kyverno');
    expect((error as ToolMissingError).missing).toEqual([{ name: 'kyverno', version: 'v1.19.1', rejected: [] }]);
  });

  it('throws UnknownToolError for a name not in the registry', async () => {
    await expect(resolveTool('terraform')).rejects.toThrow(UnknownToolError);
  });

  it('never takes a stamp-only tool from PATH', async () => {
    const fake = await fakeBinary(join(dir, 'bin'), 'netpolicy', 'netpolicy v1.4.4');
    const env = isolatedEnv([join(dir, 'bin')], join(dir, 'tools'));
    await expect(resolveTool('netpolicy', { env })).rejects.toThrow(
      `netpolicy v1.4.4 is not installed (${fake} on PATH is ignored: netpolicy has no version command, so only a build of ours counts)`,
    );
  });
});

describe('the cache', () => {
  async function fakeCached(name: string, output: string, stamp: object | undefined, env: ReturnType<typeof isolatedEnv>) {
    const tool = getTool(name);
    await fakeBinary(join(toolHome(tool, env), 'bin'), tool.binary, output);
    if (stamp !== undefined) await writeFile(join(toolHome(tool, env), 'stamp.json'), JSON.stringify(stamp));
    return cachedBinary(tool, env);
  }

  it('uses a stamped build in the cache before anything on PATH', async () => {
    await fakeBinary(join(dir, 'bin'), 'opa', opaOutput('1.22.3'));
    const env = isolatedEnv([join(dir, 'bin')], join(dir, 'tools'));
    const cached = await fakeCached('opa', opaOutput('1.22.3'), { name: 'opa', version: '1.22.3' }, env);
    expect(cached).toBe(join(dir, 'tools', 'opa-1.22.3', 'bin', 'opa'));
    expect(await locateTool(getTool('opa'), { env })).toMatchObject({ source: 'cache', path: cached });
  });

  it('does not trust a cached binary without a stamp, nor one whose version is wrong', async () => {
    const env = isolatedEnv([join(dir, 'empty')], join(dir, 'tools'));
    const unstamped = await fakeCached('opa', opaOutput('1.22.3'), undefined, env);
    await expect(resolveTool('opa', { env })).rejects.toThrow(`(${unstamped} has no valid stamp)`);
    await fakeCached('opa', opaOutput('1.20.0'), { name: 'opa', version: '1.22.3' }, env);
    await expect(resolveTool('opa', { env })).rejects.toThrow(`(${unstamped} reports 1.20.0)`);
  });

  it('trusts the stamp for a tool without a version command', async () => {
    const env = isolatedEnv([join(dir, 'empty')], join(dir, 'tools'));
    const wrong = await fakeCached('netpolicy', 'Usage: netpolicy [command]', { name: 'netpolicy', version: 'v1.4.3' }, env);
    await expect(resolveTool('netpolicy', { env })).rejects.toThrow(`(${wrong} has no valid stamp)`);
    const cached = await fakeCached('netpolicy', 'Usage: netpolicy [command]', { name: 'netpolicy', version: 'v1.4.4' }, env);
    expect(await locateTool(getTool('netpolicy'), { env })).toMatchObject({
      source: 'cache',
      path: cached,
      foundVersion: 'v1.4.4',
      verifiedBy: 'stamp',
    });
  });
});

describe('toolStatus', () => {
  it('reports every tool in registry order', async () => {
    await fakeBinary(join(dir, 'bin'), 'conftest', 'Conftest: 0.71.1\nOPA: 1.22.3');
    const env = isolatedEnv([join(dir, 'bin')], join(dir, 'tools'));
    const statuses = await toolStatus(undefined, { env });
    expect(statuses.map((s) => `${s.name}:${s.source}`)).toEqual([
      'opa:missing',
      'conftest:path',
      'kyverno-json:missing',
      'gator:missing',
      'cyclonus:missing',
      'netpolicy:missing',
      'kyverno:missing',
      'kind:missing',
      'etcd:missing',
      'kube-apiserver:missing',
      'kube-network-policies:missing',
      'registry:missing',
      'crane:missing',
      'cosign:missing',
      'actionlint:missing',
      'vault:missing',
    ]);
  });
});

describe('requireTools', () => {
  it('returns undefined when every tool is there', async () => {
    await fakeBinary(join(dir, 'bin'), 'opa', opaOutput('1.22.3'));
    const env = isolatedEnv([join(dir, 'bin')], join(dir, 'tools'));
    expect(await requireTools(['opa'], { env })).toBeUndefined();
    expect(await requireTools(['opa'], { env: { ...env, CI: 'true' } })).toBeUndefined();
  });

  it('outside CI, returns the reason to print when skipping', async () => {
    await mkdir(join(dir, 'empty'));
    const env = isolatedEnv([join(dir, 'empty')], join(dir, 'tools'));
    expect(await requireTools(['kyverno'], { env })).toBe(
      'not run, because kyverno v1.19.1 is not installed (node scripts/src/install-tools.ts kyverno)',
    );
    expect(await requireTools(['kyverno', 'gator', 'opa'], { env: { ...env, CI: 'false' } })).toBe(
      'not run, because kyverno v1.19.1, gator v3.23.1 and opa 1.22.3 are not installed' +
        ' (node scripts/src/install-tools.ts kyverno gator opa)',
    );
  });

  it('under CI, throws instead of skipping', async () => {
    const env = { ...isolatedEnv([join(dir, 'empty')], join(dir, 'tools')), CI: 'true' };
    await expect(requireTools(['kyverno', 'gator'], { env })).rejects.toThrow(
      'kyverno v1.19.1 is not installed\ngator v3.23.1 is not installed\ninstall with: node scripts/src/install-tools.ts kyverno gator',
    );
  });
});
