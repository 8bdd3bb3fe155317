import { diffBundles, verifyBundle, type EnvironmentDiff, type NamedBundle } from '@ztp/verify';
import { indexBundle } from './bundle-index.ts';
import { fileChanges, moduleChanges, type ChangeStatus, type FileChange, type ModuleChange } from './changes.ts';

/** Added, removed and changed counts. */
export interface Counts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** Whether the head bundle proves its declared intent (`undefined`: not verified, or no head bundle). */
export interface Proof {
  readonly ok: boolean;
  readonly checks: number;
  readonly failures: readonly string[];
}

/** Everything the report says about one environment. */
export interface EnvironmentReport {
  readonly environment: string;
  readonly status: EnvironmentDiff['status'];
  readonly connectivity: EnvironmentDiff;
  readonly files: readonly FileChange[];
  readonly modules: readonly ModuleChange[];
  /** Admission: modules plus admission-layer objects. */
  readonly admission: Counts;
  /** Every other cluster object. */
  readonly objects: Counts;
  readonly proof: Proof | undefined;
}

/** The report's data, before rendering. */
export interface ReportModel {
  readonly environments: readonly EnvironmentReport[];
}

/** Options that decide what the model holds. */
export interface ModelOptions {
  /** Prove each head bundle and show the result (default true). */
  readonly verify?: boolean;
  /** Context lines around each change in the file diffs (default 3). */
  readonly context?: number;
}

function count(statuses: readonly ChangeStatus[]): Counts {
  return {
    added: statuses.filter((s) => s === 'added').length,
    removed: statuses.filter((s) => s === 'removed').length,
    changed: statuses.filter((s) => s === 'changed').length,
  };
}

function prove(bundle: NamedBundle): Proof {
  const r = verifyBundle(bundle);
  return { ok: r.ok, checks: r.checks.length, failures: r.failures.map((f) => `${f.id}: declared ${f.expected}, bundle says ${f.observed}`) };
}

/**
 * Compares base and head bundles environment by environment: the connectivity delta (from
 * `@ztp/verify`'s `diffBundles`), every file that differs with its unified diff, the admission
 * modules and admission-layer objects added, removed or changed, the other objects likewise, and,
 * unless `verify` is false, whether each head bundle proves its declared intent. Pure.
 */
export function buildReportModel(base: readonly NamedBundle[], head: readonly NamedBundle[], options: ModelOptions = {}): ReportModel {
  const connectivity = diffBundles(base, head);
  const environments = connectivity.map((c): EnvironmentReport => {
    const b = base.find((x) => x.environment === c.environment);
    const h = head.find((x) => x.environment === c.environment);
    const files = fileChanges(indexBundle(b), indexBundle(h), options.context ?? 3);
    const modules = moduleChanges(indexBundle(b), indexBundle(h));
    const objectFiles = files.filter((f) => f.object !== undefined);
    return {
      environment: c.environment,
      status: c.status,
      connectivity: c,
      files,
      modules,
      admission: count([...modules.map((m) => m.status), ...objectFiles.filter((f) => f.admission).map((f) => f.status)]),
      objects: count(objectFiles.filter((f) => !f.admission).map((f) => f.status)),
      proof: h !== undefined && options.verify !== false ? prove(h) : undefined,
    };
  });
  return { environments };
}
