import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { kustomization } from '@ztp/compiler';

/** A bundle's files as bytes: relative path → content. */
export type BundleBytes = ReadonlyMap<string, Uint8Array>;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Whether a bundle is whole: UTF-8 text, a manifest for this environment listing every file with
 * its hash, and a kustomization listing exactly the manifest's objects. Problems, if any.
 */
export function checkIntegrity(environment: string, files: BundleBytes): string[] {
  const problems: string[] = [];
  const text = (f: string) => {
    const b = files.get(f);
    return b === undefined ? undefined : new TextDecoder('utf-8').decode(b);
  };
  for (const [f, bytes] of files) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      problems.push(`${f} is not UTF-8 text`);
    }
  }
  let manifest: { environment?: string; objects?: { file: string; sha256: string }[]; files?: { file: string; sha256: string }[] };
  let resources: string[];
  try {
    manifest = JSON.parse(text('manifest.json') ?? 'null') as typeof manifest;
    resources = ((parse(text('kustomization.yaml') ?? 'null') as { resources?: string[] } | null)?.resources ?? []).slice().sort();
  } catch (e) {
    return [...problems, `manifest.json or kustomization.yaml cannot be read: ${(e as Error).message}`];
  }
  if (manifest === null || !Array.isArray(manifest.objects) || !files.has('kustomization.yaml')) return [...problems, 'not a ztp bundle: manifest.json (with objects) or kustomization.yaml is missing'];
  if (manifest.environment !== environment) problems.push(`manifest.json says environment ${manifest.environment}, the folder is ${environment}`);
  const listed = new Map([...manifest.objects, ...(manifest.files ?? [])].map((o) => [o.file, o.sha256]));
  for (const [f, bytes] of files) {
    if (f === 'manifest.json' || f === 'kustomization.yaml') continue;
    const expected = listed.get(f);
    if (expected === undefined) problems.push(`${f} is not listed in manifest.json (an object the compiler did not emit)`);
    else if (expected !== sha256(bytes)) problems.push(`${f} does not match its sha256 in manifest.json (edited after compiling)`);
  }
  for (const f of listed.keys()) if (!files.has(f)) problems.push(`${f} is listed in manifest.json but missing`);
  const objects = manifest.objects.map((o) => o.file).sort();
  if (JSON.stringify(objects) !== JSON.stringify(resources)) {
    const extra = resources.filter((r) => !objects.includes(r));
    const missing = objects.filter((o) => !resources.includes(o));
    problems.push(`kustomization.yaml does not list exactly the manifest's objects${extra.length ? `; extra: ${extra.join(', ')}` : ''}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
  } else if (text('kustomization.yaml') !== kustomization(objects)) {
    // kustomize would apply any other field too (patches, namePrefix, components...), and the proof reads only resources
    problems.push(`kustomization.yaml is not the one the compiler writes for the manifest's objects (it holds more than their list, e.g. patches, which Argo CD would apply and the proof never saw)`);
  }
  return problems;
}
