/**
 * The cluster, read through a kubeconfig context with @kubernetes/client-node's authentication
 * (tokens, client certificates, exec plugins, its CA). Objects are read as the apiserver's raw
 * JSON: the typed models of the client would drop fields they do not know, and a field the
 * bundle does not know is exactly what a drift check must see.
 */
import type { RequestOptions } from 'node:https';
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { exchange, type KubeResponse } from '@ztp/local-cluster';
import { ClusterError } from './errors.ts';

/** A live object, as the apiserver returns it. */
export interface LiveObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly unknown[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** A kind the cluster serves, from API discovery. */
export interface KubeResource {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** The HTTP status and parsed body of one request (the local cluster client's answer type). */
export type KubeReply = KubeResponse;

/** The collection path of a resource, in one namespace or across all. */
export function collectionPath(resource: KubeResource, namespace?: string): string {
  const base = resource.group === '' ? `/api/${resource.apiVersion}` : `/apis/${resource.apiVersion}`;
  return resource.namespaced && namespace !== undefined ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}` : `${base}/${resource.plural}`;
}

/** One kubeconfig context's cluster. */
export class ClusterClient {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  readonly server: string;

  constructor(kubeConfig: KubeConfig, context: string) {
    this.kubeConfig = kubeConfig;
    this.context = context;
    this.server = kubeConfig.getCurrentCluster()?.server ?? '';
  }

  /**
   * The client of `context` in `kubeconfig` (default: KUBECONFIG, else ~/.kube/config). An
   * unknown context is a ClusterError listing the known ones.
   */
  static fromKubeconfig(options: { context: string; kubeconfig?: string | undefined }): ClusterClient {
    const kc = new KubeConfig();
    const where = options.kubeconfig ?? (process.env['KUBECONFIG'] || '~/.kube/config');
    try {
      if (options.kubeconfig !== undefined) {
        if (!existsSync(options.kubeconfig)) throw new ClusterError(`kubeconfig ${options.kubeconfig} does not exist`);
        kc.loadFromFile(options.kubeconfig);
      } else kc.loadFromDefault();
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      throw new ClusterError(`cannot read kubeconfig ${where}: ${(error as Error).message}`);
    }
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw new ClusterError(`kubeconfig ${where} has no context '${options.context}'${names.length ? `; it has ${names.join(', ')}` : ''}`);
    }
    kc.setCurrentContext(options.context);
    if (!kc.getCurrentCluster()?.server) throw new ClusterError(`context '${options.context}' of ${where} names no cluster server`);
    return new ClusterClient(kc, options.context);
  }

  /** One request; an HTTP status is returned, a broken connection is a ClusterError. */
  async request(method: string, path: string, options: { query?: Readonly<Record<string, string>>; body?: unknown; contentType?: string } = {}): Promise<KubeReply> {
    const url = new URL(`${this.server.replace(/\/$/, '')}${path}`); // the server may carry a path prefix (proxies)
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const opts: RequestOptions = { method, headers: { accept: 'application/json' } };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) (opts.headers as Record<string, string>)['content-type'] = options.contentType ?? 'application/json';
    return exchange(url, opts, payload).catch((e: Error) => {
      throw new ClusterError(`cannot reach the cluster of context '${this.context}' at ${this.server}: ${e.message}`);
    });
  }

  /** Like request, but a status of 400 or more is a ClusterError in the apiserver's words. */
  async call(what: string, method: string, path: string, options: { query?: Readonly<Record<string, string>>; body?: unknown } = {}): Promise<any> {
    const reply = await this.request(method, path, options);
    if (reply.status >= 400) {
      const message = typeof reply.body?.message === 'string' ? reply.body.message : JSON.stringify(reply.body);
      throw new ClusterError(`${what} on context '${this.context}': ${reply.status} ${message}`);
    }
    return reply.body;
  }

  /**
   * Every kind a group serves, from discovery: the preferred version first, then the other
   * served versions. Empty when the group is not served. Not cached: APIs come and go (a CRD
   * installed, Kyverno removed); a check plans its reads once (read.ts).
   */
  groupResources(group: string): Promise<KubeResource[]> {
    return this.#discoverGroup(group);
  }

  async #discoverGroup(group: string): Promise<KubeResource[]> {
    let versions: string[];
    if (group === '') versions = ['v1'];
    else {
      const g = await this.request('GET', `/apis/${group}`);
      if (g.status === 404) return [];
      if (g.status >= 400) throw new ClusterError(`discovery of API group ${group} on context '${this.context}': ${g.status} ${g.body?.message ?? ''}`);
      const preferred = g.body?.preferredVersion?.version as string | undefined;
      const all = ((g.body?.versions ?? []) as { version: string }[]).map((v) => v.version);
      versions = [...(preferred ? [preferred] : []), ...all.filter((v) => v !== preferred)];
    }
    const out: KubeResource[] = [];
    for (const version of versions) {
      const apiVersion = group === '' ? version : `${group}/${version}`;
      const r = await this.request('GET', group === '' ? `/api/${version}` : `/apis/${apiVersion}`);
      if (r.status === 404) continue;
      if (r.status >= 400) throw new ClusterError(`discovery of ${apiVersion} on context '${this.context}': ${r.status} ${r.body?.message ?? ''}`);
      for (const res of (r.body?.resources ?? []) as { name: string; kind: string; namespaced: boolean }[]) {
        if (res.name.includes('/')) continue; // subresources
        out.push({ apiVersion, group, kind: res.kind, plural: res.name, namespaced: res.namespaced });
      }
    }
    return out;
  }

  /**
   * Every object of a resource (one namespace, or all), page by page, with `apiVersion` and
   * `kind` set on each (list items come without them), and the list's resourceVersion.
   */
  async list(resource: KubeResource, namespace?: string): Promise<{ items: LiveObject[]; resourceVersion: string }> {
    const items: LiveObject[] = [];
    let next: string | undefined;
    let resourceVersion = '';
    do {
      const query: Record<string, string> = { limit: '500' };
      if (next) query['continue'] = next;
      const body = await this.call(`list ${resource.kind}${namespace ? ` in ${namespace}` : ''}`, 'GET', collectionPath(resource, namespace), { query });
      for (const item of (body?.items ?? []) as LiveObject[]) items.push({ ...item, apiVersion: resource.apiVersion, kind: resource.kind });
      next = body?.metadata?.continue || undefined;
      resourceVersion = body?.metadata?.resourceVersion ?? resourceVersion;
    } while (next);
    return { items, resourceVersion };
  }
}
