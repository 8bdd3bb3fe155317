import { DERIVED_FILES, type AdmissionModule, type BundleIndex, type ObjectEntry } from './bundle-index.ts';
import { unifiedDiff, type FileDiff } from './unified-diff.ts';

export type ChangeStatus = 'added' | 'removed' | 'changed';

/** One bundle file that differs between base and head. */
export interface FileChange {
  readonly file: string;
  readonly status: ChangeStatus;
  /** The cluster object the file holds (head's entry, or base's for a removed file); none for other files. */
  readonly object: ObjectEntry | undefined;
  /** Whether the object belongs to the admission layer. */
  readonly admission: boolean;
  /** The unified diff; none for the derived files (manifest.json, kustomization.yaml). */
  readonly diff: FileDiff | undefined;
}

/** An admission module added, removed, or whose description changed. */
export interface ModuleChange {
  readonly status: ChangeStatus;
  readonly module: AdmissionModule;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every file that differs between the two bundles, sorted by path, each with its diff. */
export function fileChanges(base: BundleIndex, head: BundleIndex, context = 3): FileChange[] {
  const paths = [...new Set([...base.files.keys(), ...head.files.keys()])].sort(byName);
  const out: FileChange[] = [];
  for (const file of paths) {
    const before = base.files.get(file);
    const after = head.files.get(file);
    if (before === after) continue;
    const status: ChangeStatus = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    const object = head.objects.get(file) ?? base.objects.get(file);
    out.push({
      file,
      status,
      object,
      admission: object?.layer === 'admission',
      diff: DERIVED_FILES.has(file) ? undefined : unifiedDiff(file, before, after, context),
    });
  }
  return out;
}

/** The admission modules added, removed or changed, by id. */
export function moduleChanges(base: BundleIndex, head: BundleIndex): ModuleChange[] {
  const before = new Map(base.admission.map((m) => [m.id, m]));
  const after = new Map(head.admission.map((m) => [m.id, m]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(byName);
  const out: ModuleChange[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    if (b && a) {
      if (b.description !== a.description) out.push({ status: 'changed', module: a });
    } else if (a) out.push({ status: 'added', module: a });
    else if (b) out.push({ status: 'removed', module: b });
  }
  return out;
}
