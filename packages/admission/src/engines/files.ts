/** Writing a batch to disk for the engines. The only file I/O the adapters share. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { BundleFile, K8sObject } from '../contract.ts';
import type { Case } from './types.ts';

/** Writes bundle files under `dir`, keeping their relative paths. Returns the absolute paths. */
export async function writeBundleFiles(dir: string, files: readonly BundleFile[]): Promise<string[]> {
  const paths: string[] = [];
  for (const f of files) {
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content);
    paths.push(path);
  }
  return paths;
}

/** YAML documents, `---` separated. */
export function yamlDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** Writes objects as one multi-document YAML file. */
export async function writeYaml(path: string, objects: readonly unknown[]): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, yamlDocuments(objects));
  return path;
}

/** Writes each case to `<dir>/<id>.yaml`; returns the paths in case order. */
export async function writeCaseFiles(dir: string, cases: readonly Case[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const c of cases) paths.push(await writeYaml(join(dir, `${c.id}.yaml`), [c.object]));
  return paths;
}

/** The objects of the output that have one of the given kinds. */
export function objectsOfKind(objects: readonly K8sObject[], ...kinds: string[]): K8sObject[] {
  return objects.filter((o) => kinds.includes(o.kind));
}
