import type { BundleFile } from '@ztp/admission';
import { effectiveMtls, workloadId, type Layer } from '@ztp/model';
import type { IR } from './ir.ts';
import type { Emitted, K8sObject } from './object.ts';
import { schemaError } from './schema.ts';
import { canonical, sha256, toJsonRows, toYaml } from './serialize.ts';
import { syncWave, withArgoAnnotations } from './sync-waves.ts';

/** A compiled bundle, in memory: relative path → file content. Nothing is written yet. */
export interface Bundle {
  readonly environment: string;
  readonly files: ReadonlyMap<string, string>;
  /** The files that hold cluster objects (the kustomization's resources), sorted. */
  readonly objectFiles: readonly string[];
}

/** One object's entry in `manifest.json`. */
export interface ManifestObject {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly layer: Layer;
  readonly syncWave: number;
  readonly sha256: string;
  readonly sources: readonly string[];
}

/** A problem with an emitted object: a compiler bug, never the user's input. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

function fileName(o: K8sObject): string {
  const kind = o.kind.toLowerCase();
  return o.metadata.namespace ? `${kind}-${o.metadata.namespace}-${o.metadata.name}.yaml` : `${kind}-${o.metadata.name}.yaml`;
}

/**
 * The bundle's `kustomization.yaml`: the object files (sorted) and nothing else, so that Argo CD
 * applies exactly the proven objects (publish refuses any other kustomization).
 */
export function kustomization(resources: readonly string[]): string {
  return toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] });
}

/** The declared connectivity, for the verifiers: what must be allowed, everything else denied. */
export function intendedConnectivity(ir: IR) {
  const peer = (p: IR['allows'][number]['source']) =>
    p.kind === 'workload' ? { workload: p.workload.id } : p.kind === 'namespace'
        ? { managed: p.managed, namespace: p.namespace }
        : { cidr: p.cidr, ...(p.except.length > 0 ? { except: [...p.except] } : {}) };
  // keys in canonical order, as manifest.json writes them (see toJsonRows)
  return {
    dns: { namespace: ir.env.dns.namespace, podLabels: sortedLabels(ir.env.dns.podLabels), port: ir.env.dns.port },
    egress: ir.egress.map((e) => ({
      from: e.from.kind === 'workload' ? { workload: e.from.workload.id } : { namespace: e.from.namespace },
      ports: e.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
      source: e.origin,
      to: e.to.type === 'cidr' ? { cidr: e.to.cidr, except: [...e.to.except] } : { fqdn: e.to.fqdn },
    })),
    flows: ir.allows.map((a) => ({
      from: peer(a.source),
      ...(a.http !== undefined ? { http: a.http.map((r) => ({ ...(r.methods ? { methods: [...r.methods] } : {}), ...(r.paths ? { paths: [...r.paths] } : {}) })) } : {}),
      ...(a.l7 !== undefined ? { l7: a.l7 } : {}),
      ports: a.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
      source: a.origin,
      to: a.dest.id,
    })),
  };
}

/** Labels with their keys sorted (canonical order), as a new object. */
function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return canonical(labels) as Record<string, string>;
}

/** The workloads as the verifiers need them: identity, selector labels and ports. */
function workloadsOf(ir: IR) {
  return ir.workloads.map((w) => ({
    id: workloadId(w),
    images: [...w.source.images],
    labels: sortedLabels(w.labels),
    name: w.name,
    namespace: w.namespace,
    ports: w.ports.map((p) => ({ appProtocol: p.appProtocol, mtls: effectiveMtls(ir.env, p), name: p.name, port: p.port, protocol: p.protocol })),
    serviceAccount: w.serviceAccount,
    source: w.origin,
    spiffeId: w.spiffeId,
  }));
}

/**
 * Lays the emitted objects out as files: one object per file under its layer's folder, Argo CD
 * sync waves annotated, a `kustomization.yaml` listing them, the files that are not cluster
 * objects (admission scan forms, the audit policy; not in the kustomization), and
 * `manifest.json` with every object's hash and source plus the declared connectivity. Every
 * object is checked against its upstream schema first; any mismatch throws a BundleError.
 */
export function assembleBundle(ir: IR, objects: readonly Emitted[], extraFiles: readonly BundleFile[]): Bundle {
  const entries: FileEntry[] = [];
  const problems: string[] = [];
  for (const e of objects) {
    const object = withArgoAnnotations(e.object);
    const error = schemaError(object);
    const id = () => `${object.kind} ${object.metadata.namespace ? object.metadata.namespace + '/' : ''}${object.metadata.name}`;
    if (error !== undefined) problems.push(`${id()} (from ${e.sources.join(', ')}): ${error}`);
    const file = `${e.layer}/${fileName(object)}`;
    const text = toYaml(object);
    entries.push({
      path: file,
      content: text,
      id,
      // keys in canonical order, as manifest.json writes them (see toJsonRows)
      object: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        file,
        layer: e.layer,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        sha256: sha256(text),
        sources: e.sources,
        syncWave: syncWave(object),
      },
    });
  }
  for (const f of extraFiles) {
    if (f.path === 'kustomization.yaml' || f.path === 'manifest.json') problems.push(`file ${f.path} is emitted by an emitter`);
    entries.push({ path: f.path, content: f.content.endsWith('\n') ? f.content : f.content + '\n' });
  }
  // one sort: the files in order, and a file emitted twice next to its twin
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.path === entries[i - 1]!.path) problems.push(`${e.id === undefined ? 'file' : e.id()} is emitted twice (${e.path})`);
  }
  if (problems.length > 0) throw new BundleError(`environment ${ir.env.name}: the emitted objects are not valid (a ztp bug; please report it):\n  ${problems.join('\n  ')}`);
  const manifest = entries.flatMap((e) => (e.object === undefined ? [] : [e.object]));
  const extras = entries.filter((e) => e.object === undefined);
  const resources = manifest.map((m) => m.file);
  // keys in canonical order (toJsonRows writes them as they are; bundle.test.ts checks it)
  const manifestJson = toJsonRows({
    // Only what the bundle carries: before phase 3 the admission layer is off.
    admission: ir.layers.has('admission') ? ir.env.admission.map((m) => ({ description: m.description, id: m.id })) : [],
    cluster: ir.env.cluster,
    // only when declared, so bundles of environments without it keep their bytes
    ...(ir.env.clusterCidrs.length > 0 ? { clusterCidrs: [...ir.env.clusterCidrs] } : {}),
    cni: ir.env.cni,
    enforcement: ir.env.enforcement,
    environment: ir.env.name,
    files: extras.map((f) => ({ file: f.path, sha256: sha256(f.content) })),
    intent: intendedConnectivity(ir),
    layers: [...ir.layers].sort(),
    mesh:
      ir.env.mesh.mode === 'none'
        ? { mode: 'none' }
        : { istiod: { labels: sortedLabels(ir.env.mesh.istiodLabels), namespace: ir.env.mesh.istiodNamespace }, mode: ir.env.mesh.mode, mtls: ir.env.mesh.mtls },
    namespaces: ir.namespaces.map((n) => n.name),
    objects: manifest,
    phase: ir.env.phase,
    schemaVersion: 1,
    source: ir.envOrigin,
    trustDomain: ir.env.trustDomain,
    workloads: workloadsOf(ir),
  });
  // the two derived files, merged into the sorted files ('kustomization.yaml' < 'manifest.json')
  const derived: [string, string][] = [
    ['kustomization.yaml', kustomization(resources)],
    ['manifest.json', manifestJson],
  ];
  const files = new Map<string, string>();
  let d = 0;
  for (const e of entries) {
    for (; d < derived.length && derived[d]![0] < e.path; d++) files.set(...derived[d]!);
    files.set(e.path, e.content);
  }
  for (; d < derived.length; d++) files.set(...derived[d]!);
  return { environment: ir.env.name, files, objectFiles: resources };
}

/** A file of the bundle; an object's file carries its manifest entry and how to name it. */
interface FileEntry {
  readonly path: string;
  readonly content: string;
  readonly object?: ManifestObject;
  readonly id?: () => string;
}
