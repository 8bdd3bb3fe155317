/**
 * For tests against a real apiserver (the local cluster of @ztp/local-cluster): applying a
 * bundle for real, as a sync would, and a PolicyReport API for clusters without Kyverno.
 */
import { ensureNamespace, ensureServiceAccount, type KubeObject, type KubeRest } from '@ztp/local-cluster';
import type { BundleSpec } from './bundle.ts';
import { describeRef } from './bundle.ts';

/** What applying a bundle did. */
export interface Applied {
  readonly applied: readonly string[];
  /** Namespaces objects live in that the bundle does not create (made first, as an operator would). */
  readonly createdNamespaces: readonly string[];
}

/**
 * Applies a bundle for real (server-side apply, field manager `ztp`, strict field validation):
 * its Namespaces first, then every other object in sync-wave order (the bundle's order within
 * a wave). A namespace an object needs but the bundle does not create is created first. Any
 * rejection throws, naming the file and the object.
 */
export async function applyBundle(rest: KubeRest, spec: BundleSpec): Promise<Applied> {
  const applied: string[] = [];
  const createdNamespaces: string[] = [];
  const known = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
  const isNamespace = (o: BundleSpec['objects'][number]) => o.object.apiVersion === 'v1' && o.object.kind === 'Namespace';
  const apply = async (file: string, object: KubeObject) => {
    const r = await rest.apply(object, { strict: true });
    if (r.status >= 400) throw new Error(`${file}: ${describeRef(object.kind, String(object.metadata.name), object.metadata.namespace)} refused: ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
    applied.push(describeRef(object.kind, String(object.metadata.name), object.metadata.namespace));
  };
  for (const m of spec.objects.filter(isNamespace)) {
    await apply(m.file, m.object as KubeObject);
    // Its default ServiceAccount, as the controller-manager would make it. (Not ensureNamespace:
    // its apply, under the same field manager, would take the bundle's labels away again.)
    await ensureServiceAccount(rest, m.object.metadata.name, 'default');
    known.add(m.object.metadata.name);
  }
  for (const m of spec.objects.filter((o) => !isNamespace(o))) {
    const ns = m.object.metadata.namespace;
    if (ns !== undefined && !known.has(ns)) {
      await ensureNamespace(rest, ns);
      createdNamespaces.push(ns);
      known.add(ns);
    }
    await apply(m.file, m.object as KubeObject);
  }
  return { applied, createdNamespaces: createdNamespaces.sort() };
}

/**
 * A minimal CustomResourceDefinition of `wgpolicyk8s.io/v1alpha2` PolicyReport (the API Kyverno
 * writes its reports to), for a cluster without Kyverno: a TEST FIXTURE with an open schema, not
 * Kyverno's own CRD. It lets a test show that reports are read and summarized where the API is
 * served.
 */
export const POLICY_REPORT_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'policyreports.wgpolicyk8s.io' },
  spec: {
    group: 'wgpolicyk8s.io',
    names: { kind: 'PolicyReport', listKind: 'PolicyReportList', plural: 'policyreports', singular: 'policyreport', shortNames: ['polr'] },
    scope: 'Namespaced',
    versions: [{ name: 'v1alpha2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

export { compliantPod, crdsFor, exampleEnvironment, privilegedPod } from './testing-fixtures.ts';
