import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@ztp/local-cluster';
import { describeError } from '../exit-codes.ts';
import { startVaultDev, vaultProofUnavailable, type VaultDev } from '../vault/testing.ts';
import { runVault } from './vault.ts';

/*
 * `ztp vault plan|apply` against a real Vault dev server: what it creates is exactly the bundle's
 * vault/ files, a second apply changes nothing, drift is found and repaired, leftovers of the
 * environment are deleted and nothing else is, and Vault problems exit 2.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'src', 'bin.ts');
const GOLDEN = join(REPO, 'environments', 'production', '__golden__', 'vault');
const API = 'ztp.production.production.api-server';
const FRONTEND = 'ztp.production.production.frontend';

const reason = await vaultProofUnavailable(false);
if (reason !== undefined) console.log(`ztp vault: ${reason}`);

async function ztp(vault: VaultDev, args: readonly string[], token = vault.rootToken) {
  const r = await execa('node', [BIN, 'vault', ...args, '--address', vault.address], { cwd: REPO, reject: false, env: { VAULT_TOKEN: token, VAULT_ADDR: '' } });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

async function plan(vault: VaultDev) {
  const r = await ztp(vault, ['plan', 'production', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { changes: { action: string; kind: string; path: string; fields: string[] }[]; warnings: string[] };
}

describe.skipIf(reason !== undefined)('ztp vault plan and apply, against a real Vault', () => {
  let vault: VaultDev;
  beforeAll(async () => {
    vault = await startVaultDev();
    // The operator's part: the Kubernetes auth method and the database engine.
    expect((await vault.call('POST', 'sys/auth/kubernetes', { type: 'kubernetes' })).status).toBe(204);
    expect((await vault.call('POST', 'sys/mounts/database', { type: 'database' })).status).toBe(204);
  }, 60_000);
  afterAll(async () => {
    await vault?.stop();
  });

  it('plans the creation of every policy and role of the bundle, applies nothing, and warns about the missing connection', async () => {
    const p = await plan(vault);
    expect(p.changes.map((c) => `${c.action} ${c.kind} ${c.path}`)).toEqual([
      `create policy sys/policies/acl/${API}`,
      `create policy sys/policies/acl/${FRONTEND}`,
      'create database role database/roles/api-server',
      `create auth role auth/kubernetes/role/${API}`,
      `create auth role auth/kubernetes/role/${FRONTEND}`,
    ]);
    expect(p.warnings).toEqual(['database connection database/config/production-postgres does not exist; database/roles/api-server cannot issue credentials until the operator configures it']);
    expect((await vault.call('GET', `sys/policies/acl/${API}`)).status).toBe(404);
    const check = await ztp(vault, ['plan', 'production', '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`  + create auth role auth/kubernetes/role/${API}`);
    expect(check.stdout).toMatch(/5 changes; nothing applied/);
  });

  it('applies exactly the bundle\'s files, reports each change, and a second apply changes nothing', async () => {
    const first = await ztp(vault, ['apply', 'production']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`  + created policy sys/policies/acl/${API}`);
    expect(first.stdout).toMatch(/5 changes applied\./);

    const policy = await vault.call('GET', `sys/policies/acl/${API}`);
    expect(policy.body.data.policy).toBe(readFileSync(join(GOLDEN, 'sys', 'policies', 'acl', `${API}.hcl`), 'utf8'));
    const role = (await vault.call('GET', `auth/kubernetes/role/${API}`)).body.data;
    expect(role).toMatchObject(JSON.parse(readFileSync(join(GOLDEN, 'auth', 'kubernetes', 'role', `${API}.json`), 'utf8')));
    const dbRole = (await vault.call('GET', 'database/roles/api-server')).body.data;
    expect(dbRole).toMatchObject(JSON.parse(readFileSync(join(GOLDEN, 'database', 'roles', 'api-server.json'), 'utf8')));

    const second = await ztp(vault, ['apply', 'production']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already in sync with the bundle; nothing changed\./);
    expect((await ztp(vault, ['plan', 'production', '--check'])).code).toBe(0);
  });

  it('finds drift field by field and repairs it', async () => {
    const widened = { token_ttl: '24h', token_max_ttl: '24h', bound_service_account_names: ['api-server', 'frontend'], bound_service_account_namespace_selector: '{"matchLabels":{"team":"shop"}}' };
    expect((await vault.call('POST', `auth/kubernetes/role/${API}`, widened)).status).toBeLessThan(300);
    await vault.call('PUT', `sys/policies/acl/${FRONTEND}`, { policy: 'path "secret/data/*" { capabilities = ["read"] }' });
    const p = await plan(vault);
    expect(p.changes).toEqual([
      { action: 'update', kind: 'policy', path: `sys/policies/acl/${FRONTEND}`, fields: ['policy'] },
      { action: 'update', kind: 'auth role', path: `auth/kubernetes/role/${API}`, fields: ['bound_service_account_names', 'bound_service_account_namespace_selector', 'token_max_ttl', 'token_ttl'] },
    ]);
    const apply = await ztp(vault, ['apply', 'production']);
    expect(apply.stdout).toContain(`  ~ updated auth role auth/kubernetes/role/${API} (bound_service_account_names, bound_service_account_namespace_selector, token_max_ttl, token_ttl)`);
    expect((await vault.call('GET', `auth/kubernetes/role/${API}`)).body.data).toMatchObject({ token_ttl: 3600, bound_service_account_names: ['api-server'], bound_service_account_namespace_selector: '' });
    expect((await plan(vault)).changes).toEqual([]);
  });

  it('deletes the environment\'s leftovers (logins first) and nothing that is not its own', async () => {
    await vault.call('PUT', 'sys/policies/acl/ztp.production.production.old', { policy: 'path "database/creds/old" { capabilities = ["read"] }' });
    await vault.call('POST', 'auth/kubernetes/role/ztp.production.production.old', { bound_service_account_names: ['old'], bound_service_account_namespaces: ['production'], token_policies: ['ztp.production.production.old'] });
    for (const other of ['ztp.production-eu.production.api', 'ztp.staging.staging.api', 'team-policy']) {
      await vault.call('PUT', `sys/policies/acl/${other}`, { policy: 'path "x/y" { capabilities = ["read"] }' });
      await vault.call('POST', `auth/kubernetes/role/${other}`, { bound_service_account_names: ['x'], bound_service_account_namespaces: ['x'] });
    }
    // a mount the environment used before (kubernetesAuthMount changed): its roles still log in with declared policies
    expect((await vault.call('POST', 'sys/auth/clusters/old', { type: 'kubernetes' })).status).toBe(204);
    await vault.call('POST', 'auth/clusters/old/role/ztp.production.production.api-server', { bound_service_account_names: ['api-server'], bound_service_account_namespaces: ['production'], token_policies: ['ztp.production.production.api-server'] });
    await vault.call('POST', 'auth/clusters/old/role/team-role', { bound_service_account_names: ['x'], bound_service_account_namespaces: ['x'] });
    const p = await plan(vault);
    expect(p.changes).toEqual([
      { action: 'delete', kind: 'auth role', path: 'auth/clusters/old/role/ztp.production.production.api-server', fields: [] },
      { action: 'delete', kind: 'auth role', path: 'auth/kubernetes/role/ztp.production.production.old', fields: [] },
      { action: 'delete', kind: 'policy', path: 'sys/policies/acl/ztp.production.production.old', fields: [] },
    ]);
    const apply = await ztp(vault, ['apply', 'production', '--json']);
    expect(JSON.parse(apply.stdout).changes).toHaveLength(3);
    expect((await vault.call('GET', 'auth/clusters/old/role/ztp.production.production.api-server')).status).toBe(404);
    expect((await vault.call('GET', 'auth/clusters/old/role/team-role')).status).toBe(200);
    expect((await vault.call('GET', 'sys/policies/acl/ztp.production.production.old')).status).toBe(404);
    expect((await vault.call('GET', 'auth/kubernetes/role/ztp.production.production.old')).status).toBe(404);
    for (const other of ['ztp.production-eu.production.api', 'ztp.staging.staging.api', 'team-policy']) {
      expect((await vault.call('GET', `sys/policies/acl/${other}`)).status).toBe(200);
      expect((await vault.call('GET', `auth/kubernetes/role/${other}`)).status).toBe(200);
    }
  });

  it('exits 2 when Vault refuses the token, cannot be reached, or lacks the Kubernetes auth method', async () => {
    const refused = await ztp(vault, ['plan', 'production'], 'not-a-token');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: Vault at http:\/\/127\.0\.0\.1:\d+ refused GET sys\/auth \(403 permission denied; invalid token\); check VAULT_TOKEN/);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const closed = await freePort();
    const unreachable = await execa('node', [BIN, 'vault', 'apply', 'production', '--address', `http://127.0.0.1:${closed}`], { cwd: REPO, reject: false, env: { VAULT_TOKEN: 'x' } });
    expect(unreachable.exitCode).toBe(2);
    expect(unreachable.stderr).toBe(`error: cannot reach Vault at http://127.0.0.1:${closed}: ECONNREFUSED`);
    expect((await vault.call('DELETE', 'sys/auth/kubernetes')).status).toBe(204);
    const policies = (await vault.call('GET', 'sys/policies/acl?list=true')).body.data.keys;
    const noAuth = await ztp(vault, ['apply', 'production']);
    expect(noAuth.code).toBe(2);
    expect(noAuth.stderr).toMatch(/has no Kubernetes auth method at auth\/kubernetes\//);
    expect(noAuth.stdout).toBe('');
    // Refused before writing anything.
    expect((await vault.call('GET', 'sys/policies/acl?list=true')).body.data.keys).toEqual(policies);
  });
});

describe('ztp vault usage', () => {
  it('exits 2 on a missing action, environment, address or token, before contacting Vault', async () => {
    for (const [args, env, message] of [
      [['frob', 'production'], {}, /needs 'plan' or 'apply'/],
      [['plan'], {}, /takes exactly one environment/],
      [['plan', 'production'], { VAULT_TOKEN: 't' }, /--address is required/],
      [['apply', 'production', '--address', 'http://127.0.0.1:9'], {}, /VAULT_TOKEN is not set/],
      [['apply', 'production', '--check', '--address', 'http://127.0.0.1:9'], { VAULT_TOKEN: 't' }, /--check is for ztp vault plan/],
      [['plan', 'nowhere', '--address', 'http://127.0.0.1:9'], { VAULT_TOKEN: 't' }, /unknown environment nowhere/],
    ] as const) {
      const io = { out: () => undefined, err: () => undefined, cwd: REPO };
      const { code, message: text } = await runVault([...args], io, env).then(
        (c) => ({ code: c, message: '' }),
        (e: unknown) => describeError(e),
      );
      expect(code, args.join(' ')).toBe(2);
      expect(text).toMatch(message);
    }
  });
});
