/** The subset of an OpenAPI v3 structural schema that decides which fields exist. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: boolean | StructuralSchema;
  items?: StructuralSchema;
  allOf?: StructuralSchema[];
  anyOf?: StructuralSchema[];
  oneOf?: StructuralSchema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

function branches(s: StructuralSchema): StructuralSchema[] {
  return [s, ...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])];
}

/**
 * The fields of `value` that the apiserver would prune because `schema` does not declare them:
 * a misspelt field in an emitted object would otherwise vanish silently. Paths are JSON-pointer-ish
 * (`spec.ingress[0].fromEndpoint`).
 */
export function unknownFields(value: unknown, schema: StructuralSchema, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const all = branches(schema);
  if (Array.isArray(value)) {
    const items = all.map((b) => b.items).filter((i): i is StructuralSchema => i !== undefined);
    if (items.length === 0) return [];
    return value.flatMap((v, i) => unknownFields(v, mergeSchemas(items), `${path}[${i}]`));
  }
  if (all.some((b) => b['x-kubernetes-preserve-unknown-fields'] === true)) {
    // Declared properties are still checked; the rest is kept as is.
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const props = all.map((b) => b.properties?.[k]).filter((p): p is StructuralSchema => p !== undefined);
      return props.length > 0 ? unknownFields(v, mergeSchemas(props), join(path, k)) : [];
    });
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const props = all.map((b) => b.properties?.[k]).filter((p): p is StructuralSchema => p !== undefined);
    if (props.length > 0) {
      out.push(...unknownFields(v, mergeSchemas(props), join(path, k)));
      continue;
    }
    const extra = all.map((b) => b.additionalProperties).find((a) => a !== undefined && a !== false);
    if (extra === true) continue;
    if (extra !== undefined) out.push(...unknownFields(v, extra, join(path, k)));
    else out.push(join(path, k));
  }
  return out;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function mergeSchemas(list: StructuralSchema[]): StructuralSchema {
  if (list.length === 1) return list[0] as StructuralSchema;
  return { allOf: list };
}
