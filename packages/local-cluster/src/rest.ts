import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';

/** A Kubernetes object as JSON. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** An answer of the apiserver: the HTTP status and the parsed body (a Status object on errors). */
export interface KubeResponse {
  readonly status: number;
  readonly body: any; // JSON from the server; callers read the fields they need
}

/**
 * Sends one request and reads the answer: the body as JSON when it parses, else as text (e.g.
 * `/readyz`), undefined when empty. Rejects only for a broken connection, never for an HTTP status.
 */
export function exchange(url: URL, options: HttpsRequestOptions, payload?: string): Promise<KubeResponse> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A rejection by the apiserver, with its own words. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  readonly body: unknown;
  constructor(what: string, response: KubeResponse) {
    const message = typeof response.body?.message === 'string' ? response.body.message : JSON.stringify(response.body);
    super(`${what}: ${response.status} ${message}`);
    this.name = 'KubeApiError';
    this.status = response.status;
    this.reason = response.body?.reason;
    this.body = response.body;
  }
  /** The apiserver's message alone (what a user should read). */
  get apiMessage(): string {
    const body = this.body as { message?: unknown } | undefined;
    return typeof body?.message === 'string' ? body.message : this.message;
  }
}

/** Where the API of one kind lives. */
export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly contentType?: string;
}

/**
 * A small Kubernetes REST client over node:https: bearer token, the cluster's own CA, and API
 * discovery (kind to resource) cached per client. Enough for what the proofs need: create,
 * server-side apply, dry runs, status writes, reads.
 */
export class KubeRest {
  readonly server: string;
  readonly #token: string;
  readonly #ca: string;
  readonly #resources = new Map<string, ResourceInfo>();
  readonly #loadedGroups = new Set<string>();

  constructor(server: string, token: string, caPem: string) {
    this.server = server;
    this.#token = token;
    this.#ca = caPem;
  }

  /** One HTTP request; never throws for an HTTP status, only for a broken connection. */
  request(method: string, path: string, options: RequestOptions = {}): Promise<KubeResponse> {
    const url = new URL(path, this.server);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const payload =
      options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    return exchange(
      url,
      {
        method,
        ca: this.#ca,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
        },
      },
      payload,
    );
  }

  /** Like request, but a status of 400 or more becomes a KubeApiError. */
  async call(what: string, method: string, path: string, options: RequestOptions = {}): Promise<any> {
    const response = await this.request(method, path, options);
    if (response.status >= 400) throw new KubeApiError(what, response);
    return response.body;
  }

  /** The resource of `apiVersion`/`kind`, from discovery (refreshed once when unknown, e.g. after a CRD is added). */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const key = `${apiVersion}/${kind}`;
    let info = this.#resources.get(key);
    if (info !== undefined) return info;
    await this.#discover(apiVersion, true);
    info = this.#resources.get(key);
    if (info === undefined) throw new Error(`the apiserver serves no ${kind} in ${apiVersion} (is its CRD installed?)`);
    return info;
  }

  async #discover(apiVersion: string, refresh: boolean): Promise<void> {
    if (this.#loadedGroups.has(apiVersion) && !refresh) return;
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const response = await this.request('GET', path);
    if (response.status === 404) return;
    if (response.status >= 400) throw new KubeApiError(`discovery of ${apiVersion}`, response);
    for (const r of (response.body?.resources ?? []) as { name: string; kind: string; namespaced: boolean }[]) {
      if (r.name.includes('/')) continue; // subresources
      this.#resources.set(`${apiVersion}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
    }
    this.#loadedGroups.add(apiVersion);
  }

  /** The collection path of an object's kind (in its namespace when namespaced). */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const { plural, namespaced } = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (!namespaced) return `${base}/${plural}`;
    return `${base}/namespaces/${namespace ?? 'default'}/${plural}`;
  }

  /** The path of one object. */
  async objectPath(object: KubeObject): Promise<string> {
    const name = object.metadata.name;
    if (name === undefined) throw new Error(`${object.kind} has no metadata.name`);
    return `${await this.collectionPath(object.apiVersion, object.kind, object.metadata.namespace)}/${encodeURIComponent(name)}`;
  }

  /**
   * POST; with `dryRun` the server admits or rejects it without storing it; with `strict`,
   * unknown and duplicate fields are errors (`fieldValidation=Strict`).
   */
  async create(object: KubeObject, options: { dryRun?: boolean; strict?: boolean } = {}): Promise<KubeResponse> {
    const path = await this.collectionPath(object.apiVersion, object.kind, object.metadata.namespace);
    const query: Record<string, string> = {};
    if (options.dryRun) query['dryRun'] = 'All';
    if (options.strict) query['fieldValidation'] = 'Strict';
    return this.request('POST', path, { body: object, query });
  }

  /**
   * Server-side apply (create or update), optionally as a dry run; field manager `ztp`. With
   * `strict`, unknown and duplicate fields are errors (`fieldValidation=Strict`) instead of
   * being dropped with a warning.
   */
  async apply(object: KubeObject, options: { dryRun?: boolean; strict?: boolean } = {}): Promise<KubeResponse> {
    const path = await this.objectPath(object);
    const query: Record<string, string> = { fieldManager: 'ztp', force: 'true' };
    if (options.dryRun) query['dryRun'] = 'All';
    if (options.strict) query['fieldValidation'] = 'Strict';
    return this.request('PATCH', path, { body: object, contentType: 'application/apply-patch+yaml', query });
  }

  /** Server-side apply that throws a KubeApiError when rejected. */
  async applyOrThrow(object: KubeObject): Promise<any> {
    const response = await this.apply(object);
    if (response.status >= 400) {
      throw new KubeApiError(`apply ${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`, response);
    }
    return response.body;
  }

  /** GET one object; undefined when it does not exist. */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<any | undefined> {
    const path = `${await this.collectionPath(apiVersion, kind, namespace)}/${encodeURIComponent(name)}`;
    const response = await this.request('GET', path);
    if (response.status === 404) return undefined;
    if (response.status >= 400) throw new KubeApiError(`get ${kind} ${name}`, response);
    return response.body;
  }

  /** DELETE one object (absent is fine). */
  async delete(object: KubeObject): Promise<void> {
    const response = await this.request('DELETE', await this.objectPath(object));
    if (response.status >= 400 && response.status !== 404) throw new KubeApiError(`delete ${object.kind} ${object.metadata.name}`, response);
  }
}
