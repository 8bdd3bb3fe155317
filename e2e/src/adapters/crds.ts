import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { crdsDir } from '@ztp/crd-schema';
import type { CrdSource } from '../sync-plan.ts';

/**
 * The upstream CRDs ztp checks bundles against (`ZTP_CRDS_DIR`, default `../shared/crds`), as
 * installable sources. An absent folder yields none (the layers needing them are then left out,
 * with the reason).
 */
export function readCrdSources(dir: string = crdsDir()): { dir: string; crds: CrdSource[] } {
  if (!existsSync(dir)) return { dir, crds: [] };
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : /\.ya?ml$/.test(n) ? [join(d, n)] : []));
  const crds: CrdSource[] = [];
  for (const file of walk(dir).sort()) {
    const object = parse(readFileSync(file, 'utf8')) as { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] } } | null;
    if (object?.kind !== 'CustomResourceDefinition' || !object.spec) continue;
    crds.push({ file: relative(dir, file), group: object.spec.group, kind: object.spec.names.kind, served: object.spec.versions.filter((v) => v.served).map((v) => v.name), object: object as Record<string, unknown> });
  }
  return { dir, crds };
}
