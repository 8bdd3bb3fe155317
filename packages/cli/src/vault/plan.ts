import { isDeepStrictEqual } from 'node:util';
import { VaultError, type VaultClient } from './client.ts';

/** What a `vault/` file configures. */
export type VaultObjectKind = 'policy' | 'auth role' | 'database role';

/** One object the bundle wants in Vault: its API path and the body written there. */
export interface DesiredVaultObject {
  readonly kind: VaultObjectKind;
  /** API path without `/v1/`, e.g. `sys/policies/acl/ztp.prod.shop.api`. */
  readonly path: string;
  /** The body written (for a policy: `{ policy: <HCL> }`). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** One difference between the bundle and Vault. */
export interface VaultChange {
  readonly action: 'create' | 'update' | 'delete';
  readonly kind: VaultObjectKind;
  readonly path: string;
  /** For updates: the fields that differ, sorted. */
  readonly fields: readonly string[];
  /** For creates and updates: the body to write. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** What `ztp vault plan` found. */
export interface VaultPlan {
  readonly environment: string;
  readonly address: string;
  /** In the order they must be applied: deletions (logins first), then policies, engine roles, logins. */
  readonly changes: readonly VaultChange[];
  /** Prerequisites the operator owns that look wrong but do not stop the apply. */
  readonly warnings: readonly string[];
}

/** Where ztp manages names in Vault for one environment. */
export interface VaultScope {
  readonly environment: string;
  /** Prefix of every policy and auth role name ztp manages for the environment (`ztp.<env>.`). */
  readonly prefix: string;
  /** Mount path of the Kubernetes auth method. */
  readonly authMount: string;
}

const KIND_ORDER: Record<VaultObjectKind, number> = { policy: 0, 'database role': 1, 'auth role': 2 };

/**
 * The objects a bundle's `vault/` files describe: `vault/<api path>.hcl` is a policy,
 * `vault/<api path>.json` a body to write at that path. Anything else there is a ztp bug.
 */
export function desiredFromFiles(files: ReadonlyMap<string, string>): DesiredVaultObject[] {
  const out: DesiredVaultObject[] = [];
  for (const [file, content] of files) {
    if (!file.startsWith('vault/')) continue;
    const rel = file.slice('vault/'.length);
    if (rel.startsWith('sys/policies/acl/') && rel.endsWith('.hcl')) {
      out.push({ kind: 'policy', path: rel.slice(0, -'.hcl'.length), body: { policy: content } });
    } else if (rel.endsWith('.json') && /^auth\/.+\/role\/[^/]+\.json$/.test(rel)) {
      out.push({ kind: 'auth role', path: rel.slice(0, -'.json'.length), body: JSON.parse(content) as Record<string, unknown> });
    } else if (rel.endsWith('.json') && /\/roles\/[^/]+\.json$/.test(rel)) {
      out.push({ kind: 'database role', path: rel.slice(0, -'.json'.length), body: JSON.parse(content) as Record<string, unknown> });
    } else {
      throw new Error(`bundle file ${file} is not a Vault policy or role ztp knows`);
    }
  }
  return out.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.path < b.path ? -1 : 1));
}

/** Vault reads an empty list back as null; a desired [] matches it. */
function normalized(desired: unknown, actual: unknown): unknown {
  if (Array.isArray(desired) && (actual === null || actual === undefined)) return [];
  return actual;
}

/** The fields of `desired` whose value Vault holds differently. Fields Vault adds are not ours. */
export function differingFields(desired: Readonly<Record<string, unknown>>, actual: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(desired)
    .filter((k) => !isDeepStrictEqual(desired[k], normalized(desired[k], actual[k])))
    .sort();
}

function mountOf(mounts: VaultData, path: string): { path: string; type: string } | undefined {
  if (mounts === undefined) return undefined;
  let best: { path: string; type: string } | undefined;
  for (const [mount, info] of Object.entries(mounts)) {
    const type = (info as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !(path + '/').startsWith(mount)) continue;
    if (best === undefined || mount.length > best.path.length) best = { path: mount, type };
  }
  return best;
}

type VaultData = Readonly<Record<string, unknown>> | undefined;

/**
 * Compares the bundle's Vault objects with Vault: what to create or update (only the fields the
 * bundle sets count), and which policies and auth roles named `<prefix>*` (on any Kubernetes auth
 * mount) no longer belong to the environment and must go. Database engine roles are never
 * deleted (ztp cannot tell them from roles others manage; without a policy granting them nobody
 * reads them). Checks the operator's
 * part first: the Kubernetes auth method and database mounts exist (else a VaultError), and each
 * database connection allows its role (else a warning). Reads only.
 */
export async function planVault(client: VaultClient, desired: readonly DesiredVaultObject[], scope: VaultScope): Promise<VaultPlan> {
  const warnings: string[] = [];
  const auth = await client.read('sys/auth');
  const authMount = mountOf(auth, `${scope.authMount}`);
  const hasAuthMount = authMount !== undefined && authMount.path === `${scope.authMount}/` && authMount.type === 'kubernetes';
  if (!hasAuthMount && desired.some((d) => d.kind === 'auth role')) {
    throw new VaultError(`Vault at ${client.address} has no Kubernetes auth method at auth/${scope.authMount}/; enable and configure it first (vault auth enable -path=${scope.authMount} kubernetes; vault write auth/${scope.authMount}/config kubernetes_host=... kubernetes_ca_cert=@ca.crt token_reviewer_jwt=...)`);
  }
  const dbRoles = desired.filter((d) => d.kind === 'database role');
  if (dbRoles.length > 0) {
    const mounts = await client.read('sys/mounts');
    for (const d of dbRoles) {
      const mount = mountOf(mounts, d.path);
      if (mount === undefined || mount.type !== 'database') {
        throw new VaultError(`Vault at ${client.address} has no database secrets engine for ${d.path}; enable it and configure its connection first (vault secrets enable database)`);
      }
      const connection = String(d.body['db_name']);
      const config = await client.read(`${mount.path}config/${connection}`);
      const role = d.path.slice(d.path.lastIndexOf('/') + 1);
      if (config === undefined) warnings.push(`database connection ${mount.path}config/${connection} does not exist; ${d.path} cannot issue credentials until the operator configures it`);
      else {
        const allowed = Array.isArray(config['allowed_roles']) ? config['allowed_roles'].map(String) : [];
        if (!allowed.includes(role) && !allowed.includes('*')) warnings.push(`database connection ${mount.path}config/${connection} does not list ${role} in allowed_roles; ${d.path} cannot issue credentials until it does`);
      }
    }
  }

  const changes: VaultChange[] = [];
  for (const d of desired) {
    const actual = await client.read(d.path);
    if (actual === undefined) changes.push({ action: 'create', kind: d.kind, path: d.path, fields: [], body: d.body });
    else {
      const fields = differingFields(d.body, actual);
      if (fields.length > 0) changes.push({ action: 'update', kind: d.kind, path: d.path, fields, body: d.body });
    }
  }

  const wanted = new Set(desired.map((d) => d.path));
  const deletions: VaultChange[] = [];
  // on every Kubernetes auth mount, not only the environment's: after kubernetesAuthMount changes,
  // the old mount's roles still log in with the same (still declared) policies
  const kubernetesMounts = Object.entries(auth ?? {})
    .filter(([mount, info]) => mount.endsWith('/') && (info as { type?: unknown } | null)?.type === 'kubernetes')
    .map(([mount]) => mount.slice(0, -1))
    .sort();
  for (const mount of kubernetesMounts) {
    for (const name of await client.list(`auth/${mount}/role`)) {
      const path = `auth/${mount}/role/${name}`;
      if (name.startsWith(scope.prefix) && !wanted.has(path)) deletions.push({ action: 'delete', kind: 'auth role', path, fields: [] });
    }
  }
  for (const name of await client.list('sys/policies/acl')) {
    const path = `sys/policies/acl/${name}`;
    if (name.startsWith(scope.prefix) && !wanted.has(path)) deletions.push({ action: 'delete', kind: 'policy', path, fields: [] });
  }
  return { environment: scope.environment, address: client.address, changes: [...deletions, ...changes], warnings };
}

/**
 * Applies a plan in its order (logins removed before their policies; policies written before
 * the roles that use them) and returns the changes made. Stops at the first refusal.
 */
export async function applyVaultPlan(client: VaultClient, plan: VaultPlan): Promise<VaultChange[]> {
  const done: VaultChange[] = [];
  for (const c of plan.changes) {
    if (c.action === 'delete') await client.delete(c.path);
    else if (c.kind === 'policy') await client.write(c.path, { ...c.body }, 'PUT');
    else await client.write(c.path, { ...c.body });
    done.push(c);
  }
  return done;
}

/** One line per change, as plan and apply print them. */
export function formatChange(c: VaultChange, applied: boolean): string {
  const sign = c.action === 'create' ? '+' : c.action === 'update' ? '~' : '-';
  const verb = applied ? { create: 'created', update: 'updated', delete: 'deleted' }[c.action] : c.action;
  const why = c.action === 'update' ? ` (${c.fields.join(', ')})` : c.action === 'delete' ? ' (no longer declared)' : '';
  return `  ${sign} ${verb} ${c.kind} ${c.path}${why}`;
}
