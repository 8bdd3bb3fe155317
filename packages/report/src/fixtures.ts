import { compileEnvironment, sha256, toYaml } from '@ztp/compiler';
import { defineEnvironment, flow, fromNamespace, workload, type EnvironmentProps } from '@ztp/model';
import type { NamedBundle } from '@ztp/verify';

/** Test helpers: real bundles compiled from small environments, and edits of them. Not exported. */

const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, appProtocol: 'http' } } });
const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
const db = workload({ namespace: 'shop', name: 'db', ports: { pg: { port: 5432 } } });

/** The flows a fixture environment can declare, by name. */
export const FLOWS = {
  ingressToWeb: flow({ from: fromNamespace('istio-ingress'), to: web, ports: ['http'] }),
  webToApi: flow({ from: web, to: api, ports: ['http'] }),
  apiToDb: flow({ from: api, to: db, ports: ['pg'] }),
  webToDb: flow({ from: web, to: db, ports: ['pg'] }),
};

/** A compiled bundle of a three-workload shop with the given flows. */
export function shopBundle(name: string, flows: readonly (keyof typeof FLOWS)[], over: Partial<EnvironmentProps> = {}): NamedBundle {
  const env = defineEnvironment({
    name,
    cni: 'cilium',
    mesh: { mode: 'istio-sidecar', mtls: 'STRICT', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } },
    dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 },
    enforcement: 'enforce',
    phase: 2,
    namespaces: ['shop'],
    workloads: [web, api, db],
    flows: flows.map((f) => FLOWS[f]),
    ...over,
  });
  const b = compileEnvironment(env, '/repo');
  return { environment: b.environment, files: b.files };
}

type Manifest = { objects: Record<string, unknown>[]; admission: { id: string; description: string }[] };

/**
 * The bundle with an extra object file added as the compiler would: listed in `kustomization.yaml`
 * and in `manifest.json` (layer, wave, hash, source). Optionally an admission module too.
 */
export function withObject(b: NamedBundle, object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, layer: string, syncWave: number, module?: { id: string; description: string }): NamedBundle {
  const kind = object.kind.toLowerCase();
  const file = `${layer}/${object.metadata.namespace ? `${kind}-${object.metadata.namespace}-${object.metadata.name}` : `${kind}-${object.metadata.name}`}.yaml`;
  const text = toYaml(object);
  const files = new Map(b.files);
  files.set(file, text);
  const manifest = JSON.parse(files.get('manifest.json') ?? '{}') as Manifest;
  manifest.objects.push({ file, apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, layer, syncWave, sha256: sha256(text), sources: ['policies/fixture/src/index.ts:1'] });
  if (module) manifest.admission.push(module);
  files.set('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  const resources = [...(files.get('kustomization.yaml') ?? '').matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1] ?? '');
  files.set('kustomization.yaml', toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources, file].sort() }));
  return { environment: b.environment, files: new Map([...files].sort((x, y) => (x[0] < y[0] ? -1 : 1))) };
}

/** A ValidatingAdmissionPolicy, as an admission-layer object. */
export function admissionPolicy(name: string, expression = 'object.spec.containers.all(c, has(c.securityContext))') {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] }, validations: [{ expression }] },
  };
}

/** A NetworkPolicy that allows every pod of `namespace` to be reached from anywhere. */
export function allowAll(namespace: string) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all', namespace }, spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] } };
}
