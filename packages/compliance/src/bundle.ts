/**
 * What a bundle says should be on the cluster: its objects (from `manifest.json`, with their
 * file, layer and sync wave) and the namespaces the environment manages. Pure.
 */
import { parse } from 'yaml';
import { bundleObjects } from '@ztp/e2e';
import { BundleReadError } from './errors.ts';

/** A bundle as files (compiled in memory or read from disk): relative path to content. */
export interface BundleFiles {
  readonly environment: string;
  readonly files: ReadonlyMap<string, string>;
}

/** An object of the bundle. */
export interface ManagedObject {
  /** The bundle file it comes from, e.g. `network/networkpolicy-production-ztp-default-deny.yaml`. */
  readonly file: string;
  readonly layer: string;
  readonly syncWave: number;
  readonly object: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
    readonly [key: string]: unknown;
  };
}

/** One environment's expected state. */
export interface BundleSpec {
  readonly environment: string;
  /** The namespaces the environment manages (`manifest.json` `namespaces`). */
  readonly namespaces: readonly string[];
  /** In apply order: sync wave, then the bundle's own order. */
  readonly objects: readonly ManagedObject[];
  /** The Istio root namespace (istiod's, as the compiler treats it), when the environment has a mesh: its policies apply mesh-wide. */
  readonly meshRootNamespace?: string;
}

/** The group of an apiVersion (`''` for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** `Kind namespace/name` or `Kind name`. */
export function describeRef(kind: string, name: string, namespace?: string): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The identity of an object for matching bundle and cluster: group, kind, namespace, name. */
export function objectKey(apiVersion: string, kind: string, name: string, namespace?: string): string {
  return `${groupOf(apiVersion)}|${kind}|${namespace ?? ''}|${name}`;
}

/** Reads a bundle's expected state. */
export function bundleSpec(bundle: BundleFiles): BundleSpec {
  const manifestText = bundle.files.get('manifest.json');
  if (manifestText === undefined) throw new BundleReadError(`the bundle of ${bundle.environment} has no manifest.json`);
  let manifest: { namespaces?: string[]; environment?: string; mesh?: { mode?: string; istiod?: { namespace?: string } } };
  try {
    manifest = JSON.parse(manifestText) as typeof manifest;
  } catch (error) {
    throw new BundleReadError(`manifest.json of ${bundle.environment} is not JSON: ${(error as Error).message}`);
  }
  let listed: ReturnType<typeof bundleObjects>['objects'];
  try {
    listed = bundleObjects(bundle.files, parse).objects;
  } catch (error) {
    throw new BundleReadError(`the bundle of ${bundle.environment}: ${(error as Error).message}`);
  }
  const objects: ManagedObject[] = listed.map((o) => {
    const object = o.object as ManagedObject['object'];
    if (typeof object?.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') {
      throw new BundleReadError(`${o.file} of ${bundle.environment} is not a Kubernetes object with apiVersion, kind and metadata.name`);
    }
    return { file: o.file, layer: o.layer, syncWave: o.syncWave, object };
  });
  const order = new Map(objects.map((o, i) => [o, i]));
  objects.sort((a, b) => a.syncWave - b.syncWave || (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const root = manifest.mesh?.mode !== 'none' ? manifest.mesh?.istiod?.namespace : undefined;
  return { environment: bundle.environment, namespaces: [...(manifest.namespaces ?? [])].sort(), objects, ...(root !== undefined ? { meshRootNamespace: root } : {}) };
}
