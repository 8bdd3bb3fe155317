/**
 * Comparing a bundle object with its live counterpart. Pure.
 *
 * What is compared, and why:
 * - Every top-level field but `apiVersion`, `kind`, `metadata` and `status` (`spec`, `data`,
 *   `rules`, ...) must be equal, deeply: a field set on the live object that the bundle does not
 *   set is drift too (a hand-added `ingress` rule on a default deny is exactly the drift to see).
 *   For that, the bundle object is first put in the form the apiserver stores it in (its
 *   defaults filled in, by a dry-run create: see `live.ts`), so server defaults such as
 *   `protocol: TCP` or a ValidatingAdmissionPolicy's `failurePolicy` never count as drift.
 *   When the server refuses that dry run the comparison falls back to `subset` (every field the
 *   bundle sets must be there, equal; fields only the live object has are not seen) and the
 *   report says so.
 * - Of `metadata`, the bundle's labels and annotations, each present and equal: the server
 *   and other tools add their own (uid, resourceVersion, managedFields, Argo CD's tracking
 *   annotation, `kubernetes.io/metadata.name`), which are not drift. But an added label or
 *   annotation that an enforcer reads is drift (see {@link changesEnforcement}): Istio stops
 *   enforcing an AuthorizationPolicy annotated `istio.io/dry-run: "true"`.
 * - `status` is the controllers' own and never compared.
 */

/** One place where the live object differs from the bundle. */
export interface Difference {
  /** Dotted path with list indexes, e.g. `spec.ingress[0].ports[0].port`. */
  readonly path: string;
  /** The bundle's value; undefined when the bundle does not set the field. */
  readonly expected: unknown;
  /** The live value; undefined when the live object lacks the field. */
  readonly actual: unknown;
}

/** `exact`: both sides the same (defaults filled in); `subset`: the bundle's fields only. */
export type CompareMode = 'exact' | 'subset';

const IGNORED_TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'status']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
}

function walk(expected: unknown, actual: unknown, path: string, mode: CompareMode, out: Difference[]): void {
  if (isRecord(expected) && isRecord(actual)) {
    const keys = new Set(Object.keys(expected));
    if (mode === 'exact') for (const k of Object.keys(actual)) keys.add(k);
    for (const k of [...keys].sort()) walk(expected[k], actual[k], join(path, k), mode, out);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    // Lists keep their order on the server. An extra element is a difference in either mode: the
    // server never adds list elements as defaults, and an added rule is the drift that matters.
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      if (i >= expected.length) out.push({ path: `${path}[${i}]`, expected: undefined, actual: actual[i] });
      else walk(expected[i], actual[i], `${path}[${i}]`, mode, out);
    }
    return;
  }
  if (expected === undefined && actual === undefined) return;
  if (mode === 'subset' && expected === undefined) return;
  if (expected !== actual) out.push({ path, expected, actual });
}

/**
 * Label and annotation keys that change what an enforcer does with the object or its namespace:
 * Istio's (`istio.io/dry-run` turns an AuthorizationPolicy off, `istio-injection` and
 * `istio.io/*` move a namespace in or out of the mesh), Cilium's, Pod Security admission's
 * enforcing level (its audit and warn labels change nothing) and Gatekeeper's (`admission.gatekeeper.sh/ignore` exempts a namespace). Added by hand to a ztp
 * object, they are drift.
 */
export function changesEnforcement(key: string): boolean {
  const slash = key.indexOf('/');
  const domain = slash < 0 ? '' : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  return (
    name === 'istio-injection' ||
    domain === 'istio.io' || domain.endsWith('.istio.io') ||
    domain === 'cilium.io' || domain.endsWith('.cilium.io') ||
    (domain === 'pod-security.kubernetes.io' && name.startsWith('enforce')) ||
    domain === 'admission.gatekeeper.sh'
  );
}

/** The differences between a bundle object (`desired`) and the live one, per the rules above. */
export function differences(desired: Readonly<Record<string, unknown>>, live: Readonly<Record<string, unknown>>, mode: CompareMode): Difference[] {
  const out: Difference[] = [];
  const dm = (desired['metadata'] ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  const lm = (live['metadata'] ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  for (const field of ['labels', 'annotations'] as const) {
    for (const [k, v] of Object.entries(dm[field] ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const got = lm[field]?.[k];
      if (got !== v) out.push({ path: `metadata.${field}[${JSON.stringify(k)}]`, expected: v, actual: got });
    }
    for (const [k, got] of Object.entries(lm[field] ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (dm[field]?.[k] === undefined && changesEnforcement(k)) out.push({ path: `metadata.${field}[${JSON.stringify(k)}]`, expected: undefined, actual: got });
    }
  }
  const keys = new Set(Object.keys(desired).filter((k) => !IGNORED_TOP_LEVEL.has(k)));
  if (mode === 'exact') for (const k of Object.keys(live)) if (!IGNORED_TOP_LEVEL.has(k)) keys.add(k);
  for (const k of [...keys].sort()) walk(desired[k], live[k], k, mode, out);
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `spec.ingress[0].ports[0].port: 5432 -> 5433` (the bundle's value, then the live one). */
export function formatDifference(d: Difference): string {
  return `${d.path}: ${show(d.expected)} -> ${show(d.actual)}`;
}
