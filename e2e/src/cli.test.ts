import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleBundles } from './test-bundles.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ztp-e2e-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The bundles as `ztp compile` writes them, so each CLI run reads them instead of compiling.
for (const { bundle } of await exampleBundles()) {
  for (const [file, text] of bundle.files) {
    mkdirSync(dirname(join(work, 'bundles', bundle.environment, file)), { recursive: true });
    writeFileSync(join(work, 'bundles', bundle.environment, file), text);
  }
}
const cli = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [CLI, ...args], { cwd: ROOT, reject: false, env: { ...env }, extendEnv: !('PATH' in env) });

describe('node e2e/src/cli.ts', () => {
  it('--help documents every option and the exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const o of ['--plan', '--preflight', '--dir', '--keep', '--workers', '--pod-subnet', '--service-subnet', '--concurrency', '--attempt-timeout', '--cell-timeout', '--report-dir', 'E2E_REQUIRED=1', 'install-tools', 'Exit codes']) expect(String(r.stdout)).toContain(o);
  });

  it('refuses bad usage with exit 2 and says why', async () => {
    expect((await cli(['--bogus'])).exitCode).toBe(2);
    const subnet = await cli(['--plan', '--dir', join(work, 'bundles'), '--pod-subnet', '10.0.0.0/8', '--service-subnet', '10.96.0.0/16']);
    expect([subnet.exitCode, String(subnet.stderr)]).toEqual([2, expect.stringContaining('overlap')]);
    const unknown = await cli(['--plan', '--dir', join(work, 'bundles'), 'qa']);
    expect([unknown.exitCode, String(unknown.stderr)]).toEqual([2, expect.stringContaining('no bundle for qa')]);
  });

  it('--plan prints the expected matrix of an environment without touching Docker', async () => {
    const r = await cli(['--plan', '--dir', join(work, 'bundles'), 'staging'], { PATH: dirname(process.execPath) });
    expect(r.exitCode).toBe(0);
    const out = String(r.stdout);
    // 3 workloads, a rogue, a probe, the outsider, and 5 impostors (a copy of each workload and of the cluster DNS, a plain pod in kube-system)
    expect(out).toMatch(/^staging: the plan, \d+ probes from 11 sources/);
    expect(out).toContain('ztp-verify-outsider/ztp-impostor-staging-database');
    expect(out).toContain('staging/frontend');
    expect(out).toMatch(/ok 403 403/);
    expect(out).not.toContain('PASSED');
    for (const row of out.split('\n').filter((l) => l.startsWith('staging/'))) expect(row).not.toMatch(/[✓✗]/);
  });

  it('without Docker: stops before creating anything, prints exactly what is missing, reports NOT RUN, exits 0 (3 with E2E_REQUIRED=1)', async () => {
    const reports = join(work, 'reports');
    const env = { PATH: dirname(process.execPath), HOME: process.env.HOME ?? '/root' };
    const r = await cli(['dev', '--dir', join(work, 'bundles'), '--report-dir', reports], env);
    const out = String(r.stdout);
    expect(r.exitCode, `${out}\n${String(r.stderr)}`).toBe(0);
    expect(out).toContain('MISSING Docker: Docker is not installed (the docker command is missing)');
    expect(out).toContain('dev: NOT RUN, because Docker');
    expect(out).toContain('e2e NOT RUN (set E2E_REQUIRED=1 to make this a failure)');
    expect(String(r.stderr)).not.toContain('creating kind cluster');
    const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
    const cases = junit.match(/<testcase /g)?.length ?? 0;
    expect(cases).toBeGreaterThan(20);
    expect(junit.match(/<skipped /g)?.length).toBe(cases);
    expect(junit).not.toContain('<failure');
    expect(readFileSync(join(reports, 'summary.md'), 'utf8')).toContain('⏭️ dev: NOT RUN');
    const required = await cli(['dev', '--dir', join(work, 'bundles'), '--report-dir', reports], { ...env, E2E_REQUIRED: '1' });
    expect(required.exitCode).toBe(3);
    expect(String(required.stdout)).toContain('E2E_REQUIRED=1: failing');
  });
});
