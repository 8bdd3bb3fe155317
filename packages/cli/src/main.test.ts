import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles } from '@ztp/compiler';
import { main } from './main.ts';
import type { Io } from './io.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'src', 'bin.ts');
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

/** A copy of the repository's environments in a temporary folder, sharing node_modules. */
function scratchRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztp-cli-'));
  temps.push(dir);
  cpSync(join(REPO, 'environments'), join(dir, 'environments'), { recursive: true, filter: (p) => !p.includes('__golden__') });
  for (const f of ['nx.json', 'ztp.config.json', 'package.json']) cpSync(join(REPO, f), join(dir, f));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function captureIo(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, stdout, stderr };
}

/** Runs the real `ztp` binary: environment files are loaded by Node itself, as users run it. */
async function ztp(cwd: string, ...args: string[]) {
  const r = await execa('node', [BIN, ...args], { cwd, reject: false });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('ztp CLI', () => {
  it('prints help and exits 0', async () => {
    const io = captureIo(REPO);
    expect(await main(['help'], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/^  compile +compile environments/m);
    expect(await main(['compile', '--help'], io)).toBe(0);
    expect(io.stdout.join('')).toContain('--check');
  });

  it('exits 2 on usage errors, without a stack trace', async () => {
    for (const argv of [['frobnicate'], ['compile', '--bogus'], ['compile', 'nope'], ['help', 'nope']]) {
      const io = captureIo(REPO);
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/^error: /);
      expect(io.stderr.join('\n')).not.toMatch(/\n\s+at /);
    }
  });

  it('compiles, then --check passes; a hand edit makes --check exit 1 naming the file', async () => {
    const repo = scratchRepo();
    const first = await ztp(repo, 'compile', '--json');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { ok: boolean; bundles: { environment: string }[] };
    expect(result.bundles.map((b) => b.environment)).toEqual(['dev', 'production', 'staging']);
    expect((await ztp(repo, 'compile', '--check')).code).toBe(0);
    const file = join(repo, 'dist', 'bundles', 'production', 'network', 'networkpolicy-production-ztp-default-deny.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Egress', 'Ingress'));
    const check = await ztp(repo, 'compile', '--check');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('~ network/networkpolicy-production-ztp-default-deny.yaml');
  });

  it('leaves every previous bundle untouched when an environment has bad input, and names file and object', async () => {
    const repo = scratchRepo();
    expect((await ztp(repo, 'compile')).code).toBe(0);
    const before = snapshot(join(repo, 'dist'));
    const envFile = join(repo, 'environments', 'staging', 'src', 'environment.ts');
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace("ports: ['postgres']", "ports: ['postgress' as 'postgres']"));
    const r = await ztp(repo, 'compile');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: environments\/staging\/src\/environment\.ts:\d+: flow staging\/api-server -> staging\/database: port "postgress" is not a port of staging\/database/m);
    expect(r.stderr).toContain('nothing was written');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(join(repo, 'dist'))).toEqual(before);
  });

  it('reports an environment file that does not load, or exports something else, by file', async () => {
    const repo = scratchRepo();
    writeFileSync(join(repo, 'environments', 'dev', 'src', 'environment.ts'), 'export default 42;\n');
    const r = await ztp(repo, 'compile');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environments/dev/src/environment.ts: environment dev: must export defineEnvironment({...}) as its default export');
    writeFileSync(join(repo, 'environments', 'dev', 'src', 'environment.ts'), 'export default {;\n');
    const s = await ztp(repo, 'compile');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/environments\/dev\/src\/environment\.ts: environment dev: could not be loaded: .+/);
    expect(s.stderr).not.toMatch(/\n\s+at /);
  });

  it('writes byte-identical bundles from separate processes', async () => {
    const a = scratchRepo();
    const b = scratchRepo();
    expect((await ztp(a, 'compile')).code).toBe(0);
    expect((await ztp(join(b, 'environments', 'dev'), 'compile')).code).toBe(0);
    expect(snapshot(join(b, 'dist'))).toEqual(snapshot(join(a, 'dist')));
    // Compiling one environment rewrites its bundle to the same bytes and leaves the others alone.
    expect((await ztp(b, 'compile', 'production')).code).toBe(0);
    expect(snapshot(join(b, 'dist'))).toEqual(snapshot(join(a, 'dist')));
    expect((await ztp(a, 'compile', '--out')).code).toBe(2);
  });
});
