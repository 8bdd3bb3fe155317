import { readBundle, type BundleManifest } from '@ztp/verify';
import { compileBundles, type NamedBundle } from './adapters/bundles.ts';

let cache: Promise<NamedBundle[]> | undefined;

/** Every example environment, compiled in memory once per test file (tests only). */
export async function exampleBundles(): Promise<{ bundle: NamedBundle; manifest: BundleManifest }[]> {
  cache ??= compileBundles([]);
  return (await cache).map((bundle) => ({ bundle, manifest: readBundle(bundle).manifest }));
}
