import { callSite, type SourceLocation } from './source.ts';
import { unknownKeys } from './unknown-keys.ts';
import type { Workload } from './workload.ts';

/** A Vault secret a workload reads. */
export interface SecretProps {
  /** The only workload allowed to mount it. */
  readonly workload: Workload;
  /** Name of the Kubernetes Secret that holds it (DNS-1123 subdomain), unique in the namespace. */
  readonly name: string;
  /** Vault path, e.g. `database/creds/api-server` or `secret/data/frontend/session`. */
  readonly path: string;
  /**
   * `dynamic`: generated on demand by a Vault secrets engine and expiring after `ttl`
   * (External Secrets `VaultDynamicSecret`). `static`: a KV entry.
   */
  readonly kind: 'dynamic' | 'static';
  /**
   * Lifetime of a dynamic credential, e.g. `1h`; the secret is refreshed well before it ends.
   * Required for dynamic secrets.
   */
  readonly ttl?: string;
  /** KV keys to copy, for static secrets. @default all keys */
  readonly keys?: readonly string[];
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
  /** Properties given that a secret does not have (reported by validation). */
  readonly unknown: readonly string[];
  readonly at: SourceLocation;
}

/**
 * Declares that a workload reads a Vault secret. Nothing else may mount it.
 *
 * @example
 * secret({ workload: apiServer, name: 'db-credentials', kind: 'dynamic',
 *   path: 'database/creds/api-server', ttl: '1h' })
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
    unknown: unknownKeys(props, ['workload', 'name', 'path', 'kind', 'ttl', 'keys']),
    at: callSite(),
  };
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
