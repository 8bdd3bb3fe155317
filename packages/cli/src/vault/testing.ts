import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { freePort, proveRequired, startProcess, type Started } from '@ztp/local-cluster';
import { requireTools, resolveTool } from '@ztp/tools';

/*
 * Test helpers: a real Vault dev server and a real private PostgreSQL cluster, each on a free
 * loopback port, as the Vault proofs need them. Not part of the CLI.
 */

/** A running `vault server -dev`. */
export interface VaultDev {
  /** `http://127.0.0.1:<port>` */
  readonly address: string;
  readonly rootToken: string;
  /** Calls Vault's HTTP API with `token` (default: the root token); returns status and parsed body. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** Starts the pinned Vault in dev mode (in memory, unsealed, root token known) on 127.0.0.1. */
export async function startVaultDev(): Promise<VaultDev> {
  const bin = await resolveTool('vault');
  const port = await freePort();
  const rootToken = `root-${randomBytes(8).toString('hex')}`;
  const home = await mkdtemp(join(tmpdir(), 'ztp-vault-'));
  const address = `http://127.0.0.1:${port}`;
  const vault = startProcess('vault', bin, ['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${rootToken}`, '-dev-no-store-token'], {
    env: { HOME: home, PATH: process.env['PATH'] ?? '/usr/bin:/bin', VAULT_LOG_LEVEL: 'warn' },
  });
  const call = async (method: string, path: string, body?: unknown, token = rootToken) => {
    const r = await fetch(`${address}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text === '' ? {} : JSON.parse(text) };
  };
  const stop = async () => {
    await vault.stop();
    await rm(home, { recursive: true, force: true });
  };
  await waitFor('vault /v1/sys/health', 30_000, vault, async () => (await fetch(`${address}/v1/sys/health`)).status === 200, stop);
  return { address, rootToken, call, stop };
}

async function waitFor(what: string, timeoutMs: number, process: Started, check: () => Promise<boolean>, cleanup: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process.exited()) {
      await cleanup();
      throw new Error(`${process.name} exited while waiting for ${what}:\n${process.output()}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      await cleanup();
      throw new Error(`timed out waiting for ${what}:\n${process.output()}`);
    }
    await sleep(100);
  }
}

/** The Debian PostgreSQL server binaries (`/usr/lib/postgresql/<major>/bin`), newest first, or undefined. */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

/**
 * Undefined when the Vault proofs can run (the pinned Vault, PostgreSQL's server binaries and
 * psql); else the reason to print when skipping. Under CI or ZTP_PROVE_REQUIRED a missing piece
 * throws instead: it is a failure there, never a skip.
 */
export async function vaultProofUnavailable(needPostgres: boolean): Promise<string | undefined> {
  const tools = await requireTools(['vault']);
  if (tools !== undefined) return tools;
  if (!needPostgres) return undefined;
  const missing = postgresBinDir() === undefined ? 'PostgreSQL (initdb, pg_ctl: apt-get install postgresql)' : !existsSync('/usr/bin/psql') ? 'psql (apt-get install postgresql-client)' : undefined;
  if (missing === undefined) return undefined;
  if (proveRequired()) throw new Error(`the Vault dynamic-secrets proof cannot run here, and CI/ZTP_PROVE_REQUIRED makes that a failure: ${missing} is not installed`);
  return `not run, because ${missing} is not installed`;
}

/** A running private PostgreSQL cluster. */
export interface Postgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The superuser (`postgres`) password; password authentication (SCRAM) everywhere. */
  readonly superuserPassword: string;
  /** Runs SQL with psql as `user`/`password`; resolves with its exit code, stdout and stderr (never throws on a refusal). */
  psql(user: string, password: string, sql: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/**
 * initdb into a fresh temporary directory and `pg_ctl start` on a free loopback port, sockets in
 * that directory, SCRAM password authentication for every connection. PostgreSQL refuses to run
 * as root, so as root the cluster belongs to and runs as the `postgres` user (runuser).
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const dir = await mkdtemp(join(tmpdir(), 'ztp-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = async (command: string, args: readonly string[]) => {
    const argv = asRoot ? ['runuser', '-u', 'postgres', '--', command, ...args] : [command, ...args];
    const r = await execa(argv[0]!, argv.slice(1), { reject: false, all: true });
    if (r.exitCode !== 0) throw new Error(`${command} failed (${r.exitCode}):\n${r.all}`);
  };
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const data = join(dir, 'data');
  let started = false;
  const stop = async () => {
    if (started) await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pwfile = join(dir, 'pw');
    await writeFile(pwfile, password + '\n', { mode: 0o600 });
    if (asRoot) {
      const { stdout } = await execa('id', ['-u', 'postgres']);
      const { stdout: gid } = await execa('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout), Number(gid));
      await chown(pwfile, Number(stdout), Number(gid));
    }
    await chmod(dir, 0o700);
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync']);
    await run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    started = true;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    superuserPassword: password,
    async psql(user, userPassword, sql) {
      const r = await execa('psql', ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql], {
        reject: false,
        env: { PGPASSWORD: userPassword, PGCONNECT_TIMEOUT: '10', PGSSLMODE: 'disable' },
      });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout).trim(), stderr: String(r.stderr).trim() };
    },
    stop,
  };
}
