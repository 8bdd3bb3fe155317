import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

const FIRST: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'metadata'],
  metadata: ['name', 'namespace', 'labels', 'annotations'],
};

/**
 * The object with its keys in one canonical order: `apiVersion`, `kind`, `metadata` (name,
 * namespace, labels, annotations) first, everything else alphabetical. Arrays keep their order,
 * which carries meaning. Undefined values are dropped.
 */
export function canonical(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const first = FIRST[parentKey] ?? [];
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((a, b) => {
      const ia = first.indexOf(a);
      const ib = first.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? first.length : ia) - (ib < 0 ? first.length : ib);
      return a < b ? -1 : a > b ? 1 : 0;
    });
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = canonical(obj[k], parentKey === '' && k === 'metadata' ? 'metadata' : '\0');
  return out;
}

/** Canonical YAML of one object: the same bytes for the same object on every run. */
export function toYaml(value: unknown): string {
  return stringify(canonical(value), { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false });
}

/** Canonical JSON, pretty-printed, ending with a newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(canonical(value), null, 2) + '\n';
}

/** sha256 of a text, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
