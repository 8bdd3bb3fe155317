/**
 * Fixtures shared by the tests against a real apiserver: the production example compiled in
 * memory, the CRDs its bundle needs, pods that pass and break its admission rules.
 */
import { compileEnvironments, discoverEnvironments, findRoot, loadEnvironment, loadGitOpsSettings } from '@ztp/compiler';
import { readCrdSources } from '@ztp/e2e';
import type { KubeObject } from '@ztp/local-cluster';
import type { Environment } from '@ztp/model';
import { bundleSpec, groupOf, type BundleSpec } from './bundle.ts';

/** An example environment of this repository, compiled in memory, with its bundle's expected state. */
export async function exampleEnvironment(name: string): Promise<{ environment: Environment; spec: BundleSpec; files: ReadonlyMap<string, string> }> {
  const root = findRoot(import.meta.dirname);
  const all: Environment[] = [];
  for (const s of discoverEnvironments(root)) all.push(await loadEnvironment(s));
  const environment = all.find((e) => e.name === name);
  if (environment === undefined) throw new Error(`no example environment ${name}`);
  const bundle = compileEnvironments([environment], root, loadGitOpsSettings(root), all).bundles[0];
  if (bundle === undefined) throw new Error(`${name} did not compile to a bundle`);
  return { environment, spec: bundleSpec(bundle), files: bundle.files };
}

/** The upstream CRDs (../shared/crds) of the kinds a bundle holds; throws when one is not there. */
export function crdsFor(spec: BundleSpec): KubeObject[] {
  const { dir, crds } = readCrdSources();
  const needed = new Map<string, string>();
  for (const m of spec.objects) {
    const group = groupOf(m.object.apiVersion);
    if (group === '' || group.endsWith('.k8s.io') || !group.includes('.')) continue;
    needed.set(`${group}|${m.object.kind}`, m.object.apiVersion);
  }
  const out: KubeObject[] = [];
  for (const [key, apiVersion] of needed) {
    const [group, kind] = key.split('|');
    const crd = crds.find((c) => c.group === group && c.kind === kind);
    if (crd === undefined) throw new Error(`no CRD for ${kind} (${apiVersion}) in ${dir}`);
    out.push(crd.object as unknown as KubeObject);
  }
  return out;
}

const DIGEST = `sha256:${'1'.repeat(64)}`;

/** A pod that every rule of the production example admits (restricted, trusted registry, pinned by digest, labelled). */
export function compliantPod(namespace: string, name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'frontend' } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: `registry.example.com/shop/frontend:1.8.2@${DIGEST}`,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** The same pod, but privileged (what the zero-trust brief and the restricted level forbid). */
export function privilegedPod(namespace: string, name: string): KubeObject {
  const pod = compliantPod(namespace, name) as KubeObject & { spec: { containers: Record<string, unknown>[] } };
  const [app] = pod.spec.containers;
  return { ...pod, spec: { ...pod.spec, containers: [{ ...app, securityContext: { privileged: true, capabilities: { drop: ['ALL'] } } }] } };
}
