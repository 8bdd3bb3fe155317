import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneUnavailable, eventually, startLocalCluster, type LocalCluster } from '@ztp/local-cluster';
import { discoverEnvironments, emitSecrets, loadEnvironment, toIR } from '@ztp/compiler';
import { startPostgres, startVaultDev, vaultProofUnavailable, type Postgres, type VaultDev } from './testing.ts';

/*
 * The proof of the secrets layer's Vault side, with real components only: the pinned Vault (dev
 * server), a private PostgreSQL cluster, and the local kube-apiserver, which issues the
 * ServiceAccount tokens and answers Vault's TokenReviews. The production example's bundle is
 * applied with `ztp vault apply`, and then the workload's identity is exercised the way External
 * Secrets uses it.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'src', 'bin.ts');

/** What External Secrets does with the production bundle's own objects: who logs in, as which role, and what it reads. */
async function externalSecretsOf(environment: string) {
  const source = discoverEnvironments(REPO).find((e) => e.name === environment);
  if (source === undefined) throw new Error(`no environment ${environment}`);
  const objects = emitSecrets(toIR(await loadEnvironment(source), REPO)).map((e) => e.object as any);
  const generator = objects.find((o) => o.kind === 'VaultDynamicSecret');
  const store = objects.find((o) => o.kind === 'SecretStore');
  const external = objects.find((o) => o.kind === 'ExternalSecret' && o.spec.secretStoreRef?.name === store?.metadata.name);
  const loginOf = (o: any, auth: any) => ({ namespace: o.metadata.namespace as string, serviceAccount: auth.serviceAccountRef.name as string, audiences: auth.serviceAccountRef.audiences as string[], mount: auth.mountPath as string, role: auth.role as string });
  return {
    /** The api-server's VaultDynamicSecret: its login and the path it reads. */
    dynamic: { ...loginOf(generator, generator.spec.provider.auth.kubernetes), method: generator.spec.method as string, path: generator.spec.path as string },
    /** The frontend's SecretStore and ExternalSecret: its login and the KV v2 API path it reads. */
    kv: { ...loginOf(store, store.spec.provider.vault.auth.kubernetes), path: `${store.spec.provider.vault.path}/data/${external.spec.data[0].remoteRef.key}`, property: external.spec.data[0].remoteRef.property as string },
  };
}
const ESO = await externalSecretsOf('production');
const API_ROLE = ESO.dynamic.role;
const FRONTEND_ROLE = ESO.kv.role;

/** A JWT with the claims of a ServiceAccount token and no signature (alg none). */
function unsignedToken(namespace: string, name: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({
    iss: 'https://kubernetes.default.svc.cluster.local',
    sub: `system:serviceaccount:${namespace}:${name}`,
    aud: ['vault'],
    iat: now,
    exp: now + 600,
    'kubernetes.io': { namespace, serviceaccount: { name, uid: '00000000-0000-0000-0000-000000000000' } },
  })}.`;
}

const reason = (await vaultProofUnavailable(true)) ?? (await controlPlaneUnavailable());
if (reason !== undefined) console.log(`Vault dynamic-secrets proof: ${reason}`);

describe.skipIf(reason !== undefined)('Vault dynamic secrets, proven with a real Vault, PostgreSQL and kube-apiserver', () => {
  let cluster: LocalCluster;
  let vault: VaultDev;
  let pg: Postgres;
  let applyOutput: string;

  /** Logs in to Vault's Kubernetes auth method as ServiceAccount namespace/name (TokenRequest for `audiences`). */
  const login = async (namespace: string, name: string, role: string, audiences: readonly string[] = ['vault']) => {
    const jwt = await cluster.serviceAccountToken(namespace, name, { audiences, expirationSeconds: 600 });
    return vault.call('POST', `auth/${ESO.dynamic.mount}/login`, { role, jwt });
  };

  beforeAll(async () => {
    [cluster, vault, pg] = await Promise.all([startLocalCluster(), startVaultDev(), startPostgres()]);

    // The cluster: the workloads' service accounts, and the one Vault reviews tokens with.
    await cluster.ensureNamespace('production');
    await cluster.ensureNamespace('other');
    await cluster.ensureNamespace('vault');
    for (const [ns, sa] of [['production', 'api-server'], ['production', 'frontend'], ['production', 'default'], ['production', 'ztp-new'], ['other', 'api-server'], ['vault', 'token-reviewer']] as const) await cluster.ensureServiceAccount(ns, sa);
    await cluster.grantAuthDelegator('vault', 'token-reviewer');

    // The database: the group role the creation statement grants.
    const group = await pg.psql('postgres', pg.superuserPassword, 'CREATE ROLE shop_app NOLOGIN');
    expect(group.exitCode, group.stderr).toBe(0);

    // The operator's part of Vault: the Kubernetes auth method pointed at the cluster, the database
    // engine with its connection (admin password), a KV entry for the frontend.
    const ok = (r: { status: number; body: unknown }) => expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    ok(await vault.call('POST', 'sys/auth/kubernetes', { type: 'kubernetes' }));
    ok(await vault.call('POST', 'auth/kubernetes/config', {
      kubernetes_host: cluster.server,
      kubernetes_ca_cert: cluster.caPem,
      token_reviewer_jwt: await cluster.serviceAccountToken('vault', 'token-reviewer', { expirationSeconds: 3600 }),
      disable_local_ca_jwt: true,
    }));
    ok(await vault.call('POST', 'sys/mounts/database', { type: 'database' }));
    ok(await vault.call('POST', 'database/config/production-postgres', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${pg.port}/postgres?sslmode=disable`,
      username: 'postgres',
      password: pg.superuserPassword,
      allowed_roles: ['api-server'],
    }));
    ok(await vault.call('POST', ESO.kv.path, { data: { [ESO.kv.property]: 'session-signing-key', other: 'not-copied' } }));

    // ztp's part, through the CLI as operators run it.
    const apply = await execa('node', [BIN, 'vault', 'apply', 'production', '--address', vault.address], { cwd: REPO, reject: false, env: { VAULT_TOKEN: vault.rootToken } });
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(apply.stderr).toBe('');
    applyOutput = apply.stdout;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([cluster?.stop(), vault?.stop(), pg?.stop()]);
  });

  it('applies the bundle\'s policies and roles, and a second apply changes nothing', async () => {
    expect(applyOutput).toMatch(/5 changes applied\./);
    const again = await execa('node', [BIN, 'vault', 'apply', 'production', '--address', vault.address], { cwd: REPO, env: { VAULT_TOKEN: vault.rootToken } });
    expect(again.stdout).toMatch(/already in sync with the bundle; nothing changed\./);
  });

  it('is what the bundle\'s External Secrets objects use: the workload\'s own service account, the vault audience, its role', () => {
    expect(ESO.dynamic).toEqual({ namespace: 'production', serviceAccount: 'api-server', audiences: ['vault'], mount: 'kubernetes', role: 'ztp.production.production.api-server', method: 'GET', path: 'database/creds/api-server' });
    expect(ESO.kv).toEqual({ namespace: 'production', serviceAccount: 'frontend', audiences: ['vault'], mount: 'kubernetes', role: 'ztp.production.production.frontend', path: 'secret/data/production/frontend/session', property: 'key' });
  });

  it('gives the workload, logged in with its own ServiceAccount token, only its own policy', async () => {
    const r = await login(ESO.dynamic.namespace, ESO.dynamic.serviceAccount, API_ROLE, ESO.dynamic.audiences);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.auth.policies).toEqual([API_ROLE]);
    expect(r.body.auth.metadata).toMatchObject({ service_account_name: 'api-server', service_account_namespace: 'production' });
    expect(r.body.auth.lease_duration).toBe(3600);
  });

  it('issues a database credential that logs in to PostgreSQL until its lease is revoked', async () => {
    const token = (await login(ESO.dynamic.namespace, ESO.dynamic.serviceAccount, API_ROLE, ESO.dynamic.audiences)).body.auth.client_token as string;
    const creds = await vault.call(ESO.dynamic.method, ESO.dynamic.path, undefined, token);
    expect(creds.status, JSON.stringify(creds.body)).toBe(200);
    expect(creds.body.lease_duration).toBe(3600);
    const { username, password } = creds.body.data as { username: string; password: string };

    const session = await pg.psql(username, password, "SELECT current_user || ' ' || pg_has_role(current_user, 'shop_app', 'member')");
    expect(session.exitCode, session.stderr).toBe(0);
    expect(session.stdout).toBe(`${username} true`);
    expect((await pg.psql(username, `${password}x`, 'SELECT 1')).stderr).toMatch(/password authentication failed/);
    // PostgreSQL itself ends the login at the TTL, too (VALID UNTIL '{{expiration}}').
    const validFor = await pg.psql('postgres', pg.superuserPassword, `SELECT round(extract(epoch FROM rolvaliduntil - now())) FROM pg_roles WHERE rolname = '${username}'`);
    expect(Number(validFor.stdout)).toBeGreaterThan(3500);
    expect(Number(validFor.stdout)).toBeLessThanOrEqual(3660);

    const revoke = await vault.call('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(204);
    const after = await pg.psql(username, password, 'SELECT 1');
    expect(after.exitCode).not.toBe(0);
    expect(after.stderr).toMatch(/password authentication failed|does not exist/);
    expect((await pg.psql('postgres', pg.superuserPassword, `SELECT count(*) FROM pg_roles WHERE rolname = '${username}'`)).stdout).toBe('0');
  });

  it('revokes the credentials with the Vault token that obtained them (why the role\'s token lives as long as the credential)', async () => {
    const token = (await login(ESO.dynamic.namespace, ESO.dynamic.serviceAccount, API_ROLE, ESO.dynamic.audiences)).body.auth.client_token as string;
    const creds = await vault.call(ESO.dynamic.method, ESO.dynamic.path, undefined, token);
    const { username, password } = creds.body.data as { username: string; password: string };
    expect((await pg.psql(username, password, 'SELECT 1')).exitCode).toBe(0);
    expect((await vault.call('POST', 'auth/token/revoke', { token })).status).toBe(204);
    await eventually(`credential ${username} dropped`, 15_000, async () => (await pg.psql(username, password, 'SELECT 1')).exitCode !== 0);
  });

  it('refuses the workload\'s token on every other path (403)', async () => {
    const token = (await login(ESO.dynamic.namespace, ESO.dynamic.serviceAccount, API_ROLE, ESO.dynamic.audiences)).body.auth.client_token as string;
    for (const [method, path] of [
      ['GET', 'database/creds/frontend'],
      ['GET', 'database/roles/api-server'],
      ['POST', 'database/roles/api-server'],
      ['GET', 'database/config/production-postgres'],
      ['GET', 'secret/data/production/frontend/session'],
      ['GET', 'sys/policies/acl'],
      ['GET', `sys/policies/acl/${API_ROLE}`],
      ['GET', `auth/kubernetes/role/${API_ROLE}`],
      ['GET', 'auth/token/lookup-self'],
      ['POST', 'auth/token/create'],
      ['GET', 'cubbyhole/anything'],
      ['PUT', 'sys/leases/lookup'],
    ] as const) {
      const r = await vault.call(method, path, method === 'GET' ? undefined : {}, token);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(403);
    }
  });

  it('refuses every other ServiceAccount, and the workload\'s own token minted for another audience', async () => {
    for (const [ns, sa, audiences, why, error] of [
      ['production', 'frontend', ['vault'], 'another workload of the namespace', /^service account name not authorized$/],
      ['production', 'default', ['vault'], "the namespace's default service account", /^service account name not authorized$/],
      ['production', 'ztp-new', ['vault'], 'a service account nobody declared', /^service account name not authorized$/],
      ['other', 'api-server', ['vault'], 'the same name in another namespace', /^namespace not authorized$/],
      ['vault', 'token-reviewer', ['vault'], 'Vault\'s own reviewer', /^service account name not authorized$/],
      ['production', 'api-server', [], 'a token for the Kubernetes API, not for Vault', /audience claim does not match/],
    ] as const) {
      const r = await login(ns, sa, API_ROLE, audiences);
      expect(r.status, `${why}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.errors?.[0], why).toMatch(error);
      expect(r.body.auth ?? undefined, why).toBeUndefined();
    }
    // An unsigned token claiming the api-server's identity: the apiserver's TokenReview rejects it.
    const forged = await vault.call('POST', 'auth/kubernetes/login', { role: API_ROLE, jwt: unsignedToken('production', 'api-server') });
    expect(forged.status, JSON.stringify(forged.body)).toBe(403);
    expect(forged.body.auth ?? undefined).toBeUndefined();
  });

  it('lets the frontend read its static KV secret through its own role, and nothing of the api-server', async () => {
    const r = await login(ESO.kv.namespace, ESO.kv.serviceAccount, FRONTEND_ROLE, ESO.kv.audiences);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const token = r.body.auth.client_token as string;
    const kv = await vault.call('GET', ESO.kv.path, undefined, token);
    expect(kv.status).toBe(200);
    expect(kv.body.data.data[ESO.kv.property]).toBe('session-signing-key');
    expect((await vault.call('GET', 'secret/metadata/production/frontend/session', undefined, token)).status).toBe(403);
    expect((await vault.call('GET', ESO.dynamic.path, undefined, token)).status).toBe(403);
    // read only, and only that key: not its neighbours, not a write, a listing, a delete or a destroy
    for (const [method, path, body] of [
      ['GET', 'secret/data/production/frontend/other', undefined],
      ['GET', 'secret/data/production/frontend/session/deeper', undefined],
      ['POST', ESO.kv.path, { data: { [ESO.kv.property]: 'overwritten' } }],
      ['PUT', ESO.kv.path, { data: { [ESO.kv.property]: 'overwritten' } }],
      ['LIST', 'secret/metadata/production/frontend', undefined],
      ['DELETE', ESO.kv.path, undefined],
      ['POST', 'secret/delete/production/frontend/session', { versions: [1] }],
      ['POST', 'secret/destroy/production/frontend/session', { versions: [1] }],
    ] as const) {
      const r = await vault.call(method, path, body, token);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(403);
    }
    expect((await vault.call('GET', ESO.kv.path, undefined, token)).body.data.data[ESO.kv.property]).toBe('session-signing-key');
  });
});
