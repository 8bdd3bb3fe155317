/**
 * The only module that touches files: reads manifests (multi-document YAML, JSON) from files
 * and directories (recursively) and builds `Resources` from them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildResourcesFromDocuments, ManifestError } from './resources.ts';
import type { BuildOptions, ManifestDocument } from './resources.ts';
import type { Resources } from './model.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Lists manifest files (`.yaml`, `.yml`, `.json`) under `path` (a file or a directory), sorted. */
export function listManifestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...listManifestFiles(full));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

/** Parses one file's text into documents; throws ManifestError on syntax errors. */
export function parseManifestText(text: string, file: string): ManifestDocument[] {
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return [{ object: JSON.parse(text) as unknown, origin: { file } }];
    } catch (error) {
      throw new ManifestError([`${file}: invalid JSON: ${(error as Error).message}`]);
    }
  }
  const docs = parseAllDocuments(text, { uniqueKeys: false, version: '1.1' });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: ManifestDocument[] = [];
  const problems: string[] = [];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      problems.push(...doc.errors.map((e) => `${file} #${index}: ${e.message}`));
      return;
    }
    out.push({ object: doc.toJS({ maxAliasCount: 1000 }) as unknown, origin: { file, index } });
  });
  if (problems.length > 0) throw new ManifestError(problems);
  return out;
}

/** Reads every manifest document under the given files or directories. */
export function readManifestDocuments(paths: readonly string[]): ManifestDocument[] {
  const docs: ManifestDocument[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    for (const file of listManifestFiles(path)) {
      try {
        docs.push(...parseManifestText(readFileSync(file, 'utf8'), file));
      } catch (error) {
        if (error instanceof ManifestError) problems.push(...error.problems);
        else throw error;
      }
    }
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return docs;
}

/**
 * Loads manifests from files or directories (recursively) into `Resources`.
 * Throws `ManifestError` listing syntax errors and invalid objects.
 */
export function loadManifests(paths: string | readonly string[], options: BuildOptions = {}): Resources {
  return buildResourcesFromDocuments(readManifestDocuments(typeof paths === 'string' ? [paths] : paths), options);
}
