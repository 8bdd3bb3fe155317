/**
 * A problem talking to Vault: unreachable, refused (bad token, missing capability), or a
 * prerequisite the operator owns is missing. The CLI maps it to exit code 2, without a stack trace.
 */
export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

/** Vault's answer to a read: its `data`, or undefined when the path holds nothing (404). */
export type VaultData = Record<string, unknown> | undefined;

/** The few calls of Vault's HTTP API that `ztp vault` needs, through `fetch`. */
export interface VaultClient {
  readonly address: string;
  read(path: string): Promise<VaultData>;
  /** The keys under a path (`?list=true`); [] when there are none. */
  list(path: string): Promise<string[]>;
  write(path: string, body: Record<string, unknown>, method?: 'POST' | 'PUT'): Promise<void>;
  delete(path: string): Promise<void>;
}

/** Options of {@link vaultClient}. */
export interface VaultClientOptions {
  /** Vault's address, e.g. `https://vault.example:8200`. */
  readonly address: string;
  /** The token sent as `X-Vault-Token` (the CLI reads `VAULT_TOKEN`). */
  readonly token: string;
  /** Per-request timeout. @default 30000 */
  readonly timeoutMs?: number;
}

function errorsOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown[] };
    // Vault wraps several errors as "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n".
    const list = (parsed.errors ?? []).flatMap((e) => {
      const items = [...String(e).matchAll(/^\s*\* (.+)$/gm)].map((m) => m[1]!.trim());
      return items.length > 0 ? items : [String(e).trim()];
    });
    return list.filter((e) => e !== '').join('; ');
  } catch {
    return body.trim().slice(0, 300);
  }
}

/** A Vault client for `address`, authenticating with `token`. */
export function vaultClient(options: VaultClientOptions): VaultClient {
  const address = options.address.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new VaultError(`--address "${options.address}" is not a URL like https://vault.example:8200`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new VaultError(`--address "${options.address}" must be an http or https URL`);

  async function call(method: string, path: string, body?: Record<string, unknown>): Promise<{ status: number; text: string }> {
    let response: Response;
    try {
      response = await fetch(`${address}/v1/${path}`, {
        method,
        headers: { 'X-Vault-Token': options.token, 'X-Vault-Request': 'true', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new VaultError(`cannot reach Vault at ${address}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    const text = await response.text();
    if (response.status === 403) throw new VaultError(`Vault at ${address} refused ${method} ${path} (403 ${errorsOf(text) || 'permission denied'}); check VAULT_TOKEN and its policy`);
    if (response.status >= 400 && response.status !== 404) throw new VaultError(`Vault at ${address} answered ${method} ${path} with ${response.status}: ${errorsOf(text) || response.statusText}`);
    return { status: response.status, text };
  }

  return {
    address,
    async read(path) {
      const r = await call('GET', path);
      if (r.status === 404) return undefined;
      const parsed = JSON.parse(r.text) as { data?: Record<string, unknown> };
      return parsed.data ?? {};
    },
    async list(path) {
      const r = await call('GET', `${path}?list=true`);
      if (r.status === 404) return [];
      const parsed = JSON.parse(r.text) as { data?: { keys?: unknown[] } };
      return (parsed.data?.keys ?? []).map(String).sort();
    },
    async write(path, body, method = 'POST') {
      const r = await call(method, path, body);
      if (r.status === 404) throw new VaultError(`Vault at ${address} has nothing at ${path} (404 ${errorsOf(r.text)}); is its mount enabled?`);
    },
    async delete(path) {
      await call('DELETE', path);
    },
  };
}
