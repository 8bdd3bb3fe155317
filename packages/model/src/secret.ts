import { callSite, type SourceLocation } from './source.ts';
import { unknownKeys } from './unknown-keys.ts';
import type { Workload } from './workload.ts';

/** What a Vault policy may grant on a declared path. */
export type VaultCapability = 'read' | 'create' | 'update' | 'list';

/**
 * The database secrets-engine role behind a dynamic secret at `<mount>/creds/<role>`: ztp writes
 * it to `<mount>/roles/<role>`. The connection itself (`<mount>/config/<connection>`, with its
 * admin password) stays with the operator, who lists the role in its `allowed_roles`.
 */
export interface DatabaseRoleProps {
  /** Name of the Vault database connection the role uses (`db_name`). */
  readonly connection: string;
  /**
   * SQL run to create each credential. Vault fills in `{{name}}`, `{{password}}` and
   * `{{expiration}}`; at least one statement must use `{{name}}` (or `{{username}}`).
   */
  readonly creationStatements: readonly string[];
  /** SQL run when a credential is revoked or expires. @default [] (the plugin's own: PostgreSQL revokes its privileges and drops the role) */
  readonly revocationStatements?: readonly string[];
  /** Longest life of a credential, renewals included; at least the secret's `ttl`. @default the secret's ttl */
  readonly maxTtl?: string;
}

/** A Vault secret a workload reads. */
export interface SecretProps {
  /** The only workload allowed to mount it. */
  readonly workload: Workload;
  /** Name of the Kubernetes Secret that holds it (DNS-1123 subdomain), unique in the namespace. */
  readonly name: string;
  /**
   * Vault path. Dynamic: the engine's path, e.g. `database/creds/api-server`. Static: the plain
   * KV v2 path `<mount>/<key>`, as `vault kv get` takes it, e.g. `secret/frontend/session` (ztp
   * adds the `data/` that the KV v2 API and policies need).
   */
  readonly path: string;
  /**
   * `dynamic`: generated on demand by a Vault secrets engine and expiring after `ttl`
   * (External Secrets `VaultDynamicSecret`). `static`: a KV v2 entry.
   */
  readonly kind: 'dynamic' | 'static';
  /**
   * Lifetime of a dynamic credential, e.g. `1h`; the secret is refreshed well before it ends.
   * Required for dynamic secrets.
   */
  readonly ttl?: string;
  /** KV keys to copy, for static secrets. @default all keys */
  readonly keys?: readonly string[];
  /**
   * What the workload's Vault policy grants on `path`. Static secrets are only read.
   * @default ['read']
   */
  readonly capabilities?: readonly VaultCapability[];
  /** For a dynamic database credential: the secrets-engine role ztp writes to Vault. @default none (the engine role is managed elsewhere) */
  readonly database?: DatabaseRoleProps;
}

/** A database role as declared (see {@link DatabaseRoleProps}). */
export interface DatabaseRole {
  readonly connection: string;
  readonly creationStatements: readonly string[];
  readonly revocationStatements: readonly string[];
  readonly maxTtl: string | undefined;
  /** Properties given that a database role does not have (reported by validation). */
  readonly unknown: readonly string[];
}

/** A declared secret. Create with {@link secret}. */
export interface Secret {
  readonly type: 'secret';
  readonly workload: Workload;
  readonly name: string;
  readonly path: string;
  readonly kind: 'dynamic' | 'static';
  readonly ttl: string | undefined;
  readonly keys: readonly string[] | undefined;
  readonly capabilities: readonly VaultCapability[];
  readonly database: DatabaseRole | undefined;
  /** Properties given that a secret does not have (reported by validation). */
  readonly unknown: readonly string[];
  readonly at: SourceLocation;
}

/**
 * Declares that a workload reads a Vault secret. Nothing else may mount it.
 *
 * @example
 * secret({ workload: apiServer, name: 'db-credentials', kind: 'dynamic',
 *   path: 'database/creds/api-server', ttl: '1h',
 *   database: { connection: 'shop', creationStatements: [
 *     `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE shop_app;`] } })
 */
export function secret(props: SecretProps): Secret {
  return {
    type: 'secret',
    workload: props.workload,
    name: props.name,
    path: props.path,
    kind: props.kind,
    ttl: props.ttl,
    keys: props.keys === undefined ? undefined : [...props.keys],
    capabilities: [...(props.capabilities ?? ['read'])],
    database:
      props.database === undefined
        ? undefined
        : {
            connection: props.database.connection,
            creationStatements: [...(props.database.creationStatements ?? [])],
            revocationStatements: [...(props.database.revocationStatements ?? [])],
            maxTtl: props.database.maxTtl,
            unknown: unknownKeys(props.database, ['connection', 'creationStatements', 'revocationStatements', 'maxTtl']),
          },
    unknown: unknownKeys(props, ['workload', 'name', 'path', 'kind', 'ttl', 'keys', 'capabilities', 'database']),
    at: callSite(),
  };
}

/**
 * Where a dynamic database credential's engine role lives: `<mount>/creds/<role>` gives its mount
 * and role name (a Vault name: letters, digits, `_`, `-`, `.`), anything else undefined.
 */
/**
 * The SecretStore through which a workload reads the static secrets of one KV mount:
 * `ztp-<workload>-vault-<mount>`, the mount lower-cased with other characters as '-' and cut at 40.
 * Different mounts can share a name (`kv_a` and `kv-a`): validation refuses them, or one secret
 * would be read from the other mount.
 */
export function secretStoreName(workloadName: string, mount: string): string {
  const label = mount.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'x';
  return `ztp-${workloadName}-vault-${label}`;
}

export function databaseRoleOf(path: string): { mount: string; role: string } | undefined {
  const m = /^(.+)\/creds\/(\w(?:[\w.-]*\w)?)$/.exec(path);
  return m ? { mount: m[1] ?? '', role: m[2] ?? '' } : undefined;
}

/** Parses a Go-style duration made of `h`, `m` and `s` parts (`1h`, `30m`, `1h30m`) into seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Seconds as a Go duration (`1h30m`, `45s`). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out === '' ? '0s' : out;
}
