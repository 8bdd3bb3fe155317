/**
 * The form the apiserver stores a bundle object in, with its defaults filled in: learned by a
 * dry-run create of the object under a generated name (`dryRun=All`: admission and defaulting
 * run, nothing is stored). Comparing the live object with that form sees every field someone
 * added, and no server default as drift. Needs `create` on the kind (dry runs only); when the
 * server refuses, the object is compared on its own fields (`subset`) and the report says so.
 */
import type { ManagedObject } from './bundle.ts';
import type { ComparableForm } from './judge.ts';
import { collectionPath, type ClusterClient, type KubeResource } from './kube.ts';

/** The prefix of the generated names of the dry runs. */
export const DRY_RUN_PREFIX = 'ztp-compliance-';

/**
 * Server forms of bundle objects, each asked once per client (the bundle does not change). A
 * refusal that may pass (throttling, a server or webhook error, no answer) is not kept: the next
 * check asks again, so one bad moment does not leave a whole `--watch` comparing subsets.
 */
export class ServerForms {
  readonly #client: ClusterClient;
  readonly #cache = new Map<string, Promise<ComparableForm>>();

  constructor(client: ClusterClient) {
    this.#client = client;
  }

  /** The form of `object` (of `resource`) to compare the live object with. */
  form(resource: KubeResource, object: ManagedObject['object']): Promise<ComparableForm> {
    const key = JSON.stringify([resource.apiVersion, resource.kind, object]);
    let cached = this.#cache.get(key);
    if (cached === undefined) {
      const asked = this.#ask(resource, object);
      cached = asked.then((a) => a.form);
      this.#cache.set(key, cached);
      asked.then(
        (a) => a.transient && this.#cache.delete(key),
        () => this.#cache.delete(key),
      );
    }
    return cached;
  }

  async #ask(resource: KubeResource, object: ManagedObject['object']): Promise<{ form: ComparableForm; transient: boolean }> {
    const { name: _name, ...metadata } = object.metadata;
    const body = { ...object, metadata: { ...metadata, generateName: DRY_RUN_PREFIX } };
    const reply = await this.#client.request('POST', collectionPath(resource, object.metadata.namespace), {
      body,
      query: { dryRun: 'All', fieldManager: 'ztp-compliance' },
    });
    if (reply.status >= 300 || typeof reply.body !== 'object' || reply.body === null) {
      const reason = typeof reply.body?.reason === 'string' && reply.body.reason !== '' ? reply.body.reason : typeof reply.body?.message === 'string' ? reply.body.message : 'no reason given';
      // 429 and 5xx (a webhook that failed or timed out is a 500) may pass; a 4xx refusal stays
      return { form: { object, mode: 'subset', reason: `${resource.kind}: HTTP ${reply.status} ${reason}` }, transient: reply.status === 429 || reply.status >= 500 };
    }
    // The bundle's own metadata: only its labels and annotations are compared.
    return { form: { object: { ...(reply.body as Record<string, unknown>), metadata: object.metadata }, mode: 'exact' }, transient: false };
  }
}
