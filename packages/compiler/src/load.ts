import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, type Environment } from '@ztp/model';
import type { GitOpsSettings } from './emitters/argocd.ts';

/** Where an environment's source lives, relative to its project folder. */
export const ENVIRONMENT_ENTRY = 'src/environment.ts';

/** An environment project found in the repository. */
export interface EnvironmentSource {
  /** Folder name under `environments/`. */
  readonly name: string;
  /** Absolute path of `environments/<name>/src/environment.ts`. */
  readonly file: string;
}

/** The repository root: the nearest folder upwards with an `nx.json`. */
export function findRoot(from: string = process.cwd()): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'nx.json')) && existsSync(join(dir, 'environments'))) return dir;
    const parent = join(dir, '..');
    if (parent === dir) throw new InputError([{ file: from, line: 0, object: 'repository', message: 'no ztp repository here: found no folder with nx.json and environments/ above it; run ztp inside the policy repository or pass --root' }]);
    dir = parent;
  }
}

/** Every `environments/<name>/src/environment.ts`, sorted by name. */
export function discoverEnvironments(root: string): EnvironmentSource[] {
  const dir = join(root, 'environments');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, ENVIRONMENT_ENTRY)))
    .map((d) => ({ name: d.name, file: join(dir, d.name, ENVIRONMENT_ENTRY) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * Imports an environment file and returns its default export. A file that fails to load, or does
 * not export `defineEnvironment(...)` as default, is an InputError naming the file.
 */
export async function loadEnvironment(src: EnvironmentSource): Promise<Environment> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(src.file).href)) as { default?: unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new InputError([{ file: src.file, line: 0, object: `environment ${src.name}`, message: `could not be loaded: ${message}` }]);
  }
  const env = mod.default as Environment | undefined;
  const at = (env as { at?: { file?: unknown } } | null | undefined)?.at;
  if (env === undefined || env === null || (env as { type?: unknown }).type !== 'environment' || typeof at?.file !== 'string') {
    throw new InputError([{ file: src.file, line: 0, object: `environment ${src.name}`, message: `must export defineEnvironment({...}) as its default export` }]);
  }
  if (env.name !== src.name) {
    throw new InputError([{ file: env.at.file, line: env.at.line, object: `environment ${env.name}`, message: `is declared in environments/${src.name}/ but named "${env.name}"; the folder and the name must match` }]);
  }
  return env;
}

const GITOPS_DEFAULTS = { revision: 'ztp-bundles', path: 'bundles', argocdNamespace: 'argocd', project: 'default' };

/** Reads `ztp.config.json` at the root: where Argo CD finds the published bundles. */
export function loadGitOpsSettings(root: string): GitOpsSettings {
  const file = join(root, 'ztp.config.json');
  const problem = (message: string) => new InputError([{ file, line: 0, object: 'gitops', message }]);
  if (!existsSync(file)) throw problem('ztp.config.json is missing; it says where Argo CD reads the bundles: {"gitops": {"repoURL": "https://git.example.com/policies.git"}}');
  let parsed: { gitops?: Partial<GitOpsSettings> };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as { gitops?: Partial<GitOpsSettings> };
  } catch (e) {
    throw problem(`is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(parsed) || (parsed.gitops !== undefined && !isObject(parsed.gitops))) throw problem('must be an object like {"gitops": {"repoURL": "https://git.example.com/policies.git"}}');
  const known = ['repoURL', ...Object.keys(GITOPS_DEFAULTS)];
  // a misspelt key would leave its default in force without a word (project "default", say)
  for (const k of Object.keys(parsed.gitops ?? {})) if (!known.includes(k)) throw problem(`gitops has no setting '${k}' (misspelt?); its settings are ${known.join(', ')}`);
  const g = { ...GITOPS_DEFAULTS, ...(parsed.gitops ?? {}) };
  if (typeof g.repoURL !== 'string' || g.repoURL === '') throw problem('gitops.repoURL is required: the Git repository Argo CD reads the bundles from');
  for (const k of ['revision', 'path', 'argocdNamespace', 'project'] as const) if (typeof g[k] !== 'string' || g[k] === '') throw problem(`gitops.${k} must be a non-empty string`);
  return g as GitOpsSettings;
}
