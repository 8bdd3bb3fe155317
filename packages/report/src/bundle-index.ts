import type { NamedBundle } from '@ztp/verify';

/** One object's entry in `manifest.json`, as far as the report needs it. */
export interface ObjectEntry {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly layer: string;
  readonly syncWave?: number;
  readonly sources: readonly string[];
}

/** An admission module as `manifest.json` lists it. */
export interface AdmissionModule {
  readonly id: string;
  readonly description: string;
}

/** What the report reads from one bundle: its files, its objects by file, its admission modules. */
export interface BundleIndex {
  readonly files: ReadonlyMap<string, string>;
  readonly objects: ReadonlyMap<string, ObjectEntry>;
  readonly admission: readonly AdmissionModule[];
}

/** The files derived from the objects, listed without a diff: the manifest and the kustomization. */
export const DERIVED_FILES: ReadonlySet<string> = new Set(['manifest.json', 'kustomization.yaml']);

/**
 * Indexes a bundle by its `manifest.json`. A bundle without a readable manifest still indexes (its
 * files are then all "other files"), so a broken head bundle is reported rather than hidden.
 */
export function indexBundle(bundle: NamedBundle | undefined): BundleIndex {
  if (bundle === undefined) return { files: new Map(), objects: new Map(), admission: [] };
  let manifest: { objects?: ObjectEntry[]; admission?: AdmissionModule[] } = {};
  try {
    manifest = JSON.parse(bundle.files.get('manifest.json') ?? '{}') as typeof manifest;
  } catch {
    manifest = {};
  }
  const objects = new Map((manifest.objects ?? []).map((o) => [o.file, o] as const));
  const admission = [...(manifest.admission ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { files: bundle.files, objects, admission };
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function objectName(o: Pick<ObjectEntry, 'kind' | 'namespace' | 'name'>): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}
