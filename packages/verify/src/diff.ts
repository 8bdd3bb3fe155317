import { readBundle } from './bundle-manifest.ts';
import { verifyBundle } from './verify.ts';

/** A bundle with its environment name. */
export interface NamedBundle {
  readonly environment: string;
  readonly files: ReadonlyMap<string, string>;
}

/** What one environment's change opens and closes. */
export interface EnvironmentDiff {
  readonly environment: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly opened: readonly string[];
  readonly closed: readonly string[];
  readonly flowsAdded: readonly string[];
  readonly flowsRemoved: readonly string[];
}

function allowedSet(files: ReadonlyMap<string, string>): Set<string> {
  return new Set(verifyBundle({ files }).checks.filter((c) => c.layer === 'all' && c.observed === 'allowed').map((c) => c.id));
}

function flowSet(files: ReadonlyMap<string, string>): Set<string> {
  const { manifest } = readBundle({ files });
  return new Set(
    manifest.intent.flows.map((f) => {
      const from = 'workload' in f.from ? f.from.workload : 'namespace' in f.from ? `namespace ${f.from.namespace}` : f.from.cidr;
      const http = f.http ? ` ${f.http.map((h) => `${(h.methods ?? ['*']).join('|')} ${(h.paths ?? ['*']).join('|')}`).join('; ')}` : '';
      return `${from} -> ${f.to}:${f.ports.map((p) => `${p.port}/${p.protocol}`).join(',')}${http}`;
    }),
  );
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

/** Compares two sets of bundles. */
export function diffBundles(base: readonly NamedBundle[], head: readonly NamedBundle[]): EnvironmentDiff[] {
  const names = [...new Set([...base.map((b) => b.environment), ...head.map((b) => b.environment)])].sort();
  return names.map((environment) => {
    const b = base.find((x) => x.environment === environment);
    const h = head.find((x) => x.environment === environment);
    const empty = new Set<string>();
    const ab = b ? allowedSet(b.files) : empty;
    const ah = h ? allowedSet(h.files) : empty;
    const fb = b ? flowSet(b.files) : empty;
    const fh = h ? flowSet(h.files) : empty;
    const opened = minus(ah, ab);
    const closed = minus(ab, ah);
    const flowsAdded = minus(fh, fb);
    const flowsRemoved = minus(fb, fh);
    const same = b && h && [...b.files].length === [...h.files].length && [...b.files].every(([k, v]) => h.files.get(k) === v);
    const status = !b ? 'added' : !h ? 'removed' : same ? 'unchanged' : 'changed';
    return { environment, status, opened, closed, flowsAdded, flowsRemoved };
  });
}

/** Text, JSON or markdown of a diff. */
export function formatDiff(d: readonly EnvironmentDiff[], format: 'txt' | 'json' | 'md'): string {
  if (format === 'json') return JSON.stringify(d, null, 2);
  const out: string[] = [];
  for (const e of d) {
    if (format === 'md') {
      out.push(`#### ${e.environment} (${e.status}): ${e.opened.length} opened, ${e.closed.length} closed`, '');
      for (const f of e.flowsAdded) out.push(`- flow added: \`${f}\``);
      for (const f of e.flowsRemoved) out.push(`- flow removed: \`${f}\``);
      for (const c of e.opened) out.push(`- opened: \`${c}\``);
      for (const c of e.closed) out.push(`- closed: \`${c}\``);
      out.push('');
    } else {
      out.push(`${e.environment}: ${e.status}, ${e.opened.length} opened, ${e.closed.length} closed`);
      for (const f of e.flowsAdded) out.push(`  + flow ${f}`);
      for (const f of e.flowsRemoved) out.push(`  - flow ${f}`);
      for (const c of e.opened) out.push(`  + ${c}`);
      for (const c of e.closed) out.push(`  - ${c}`);
    }
  }
  return out.join('\n');
}

