import type { LocalCluster } from './cluster.ts';
import { ensureNamespace, eventually } from './bootstrap.ts';
import type { KubeObject } from './rest.ts';

/** An object to validate and the file it came from. */
export interface ObjectToValidate {
  readonly file: string;
  readonly object: KubeObject;
}

/** One object the apiserver refused, in its own words. */
export interface Rejection {
  readonly file: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly status: number;
  readonly message: string;
}

/** What validating a set of objects gave. */
export interface ValidationResult {
  readonly accepted: readonly string[];
  readonly rejected: readonly Rejection[];
  /** Namespaces objects live in that the set does not create, made so their objects can be checked. */
  readonly createdNamespaces: readonly string[];
}

export function describeObject(object: KubeObject): string {
  const m = object.metadata;
  return `${object.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? '(no name)'}`;
}

/**
 * Installs CustomResourceDefinitions (server-side apply) and waits until each is Established and
 * its kind is served, so objects of it can be validated right after.
 */
export async function installCrds(cluster: LocalCluster, crds: readonly KubeObject[], timeoutMs = 60_000): Promise<void> {
  for (const crd of crds) await cluster.rest.applyOrThrow(crd);
  for (const crd of crds) {
    const name = String(crd.metadata.name);
    await eventually(`CRD ${name} to be Established`, timeoutMs, async () => {
      const got = await cluster.rest.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name);
      return (got?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
    });
  }
  for (const crd of crds) {
    const spec = crd['spec'] as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
    const version = spec.versions.find((v) => v.served)?.name;
    if (version === undefined) continue;
    await eventually(`${spec.names.kind} to be served`, timeoutMs, async () => {
      await cluster.rest.resource(`${spec.group}/${version}`, spec.names.kind);
      return true;
    });
  }
}

/**
 * Has the apiserver check every object as it would on a real sync: Namespaces are created (the
 * others need them to exist), every other object is created with `dryRun=All` and
 * `fieldValidation=Strict`, in the given order (sync waves). The apiserver runs its schema
 * checks, the CRDs' structural schemas and CEL rules, and its admission chain; nothing but the
 * namespaces is stored. A namespace an object needs but the set does not create is created and
 * reported.
 */
export async function validateObjects(cluster: LocalCluster, objects: readonly ObjectToValidate[]): Promise<ValidationResult> {
  const accepted: string[] = [];
  const rejected: Rejection[] = [];
  const createdNamespaces: string[] = [];
  const known = new Set<string>(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
  const reject = (file: string, object: KubeObject, status: number, message: string) => rejected.push({ file, object: describeObject(object), status, message });

  for (const { file, object } of objects.filter((o) => o.object.kind === 'Namespace' && o.object.apiVersion === 'v1')) {
    let r = await cluster.rest.create(object, { strict: true });
    if (r.status === 409) r = await cluster.rest.apply(object, { dryRun: true, strict: true });
    if (r.status >= 400) reject(file, object, r.status, r.body?.message ?? JSON.stringify(r.body));
    else {
      accepted.push(describeObject(object));
      known.add(String(object.metadata.name));
    }
  }
  for (const { file, object } of objects.filter((o) => !(o.object.kind === 'Namespace' && o.object.apiVersion === 'v1'))) {
    const ns = object.metadata.namespace;
    try {
      if (ns !== undefined && !known.has(ns)) {
        const info = await cluster.rest.resource(object.apiVersion, object.kind);
        if (info.namespaced) {
          await ensureNamespace(cluster.rest, ns);
          createdNamespaces.push(ns);
        }
        known.add(ns);
      }
      // A create, as on a first sync, so the apiserver's messages are its validation's own.
      const r = await cluster.rest.create(object, { dryRun: true, strict: true });
      if (r.status >= 400) reject(file, object, r.status, r.body?.message ?? JSON.stringify(r.body));
      else accepted.push(describeObject(object));
    } catch (error) {
      reject(file, object, 0, error instanceof Error ? error.message : String(error));
    }
  }
  return { accepted, rejected, createdNamespaces: createdNamespaces.sort() };
}
