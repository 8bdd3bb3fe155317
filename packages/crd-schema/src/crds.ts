import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { unknownFields, type StructuralSchema } from './schema-walk.ts';

/** One served version of a CRD. */
interface CrdVersion {
  readonly file: string;
  readonly schema: StructuralSchema;
  /** Compiled on first use: some CRDs are megabytes of schema. */
  validate?: ValidateFunction;
}

/** The CRDs folder: `ZTP_CRDS_DIR`, else `../shared/crds` beside the repository. */
export function crdsDir(): string {
  if (process.env.ZTP_CRDS_DIR) return resolve(process.env.ZTP_CRDS_DIR);
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  return resolve(repo, '..', 'shared', 'crds');
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/**
 * The schema with Go (RE2) regular expressions rewritten for JavaScript: `\pL` / `\PC` one-letter
 * Unicode classes become `\p{L}` / `\P{C}`. A pattern JavaScript still cannot read is an error.
 */
function toJsRegexes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsRegexes);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === 'pattern' && typeof v === 'string') {
      const js = v.replace(/\\([pP])([A-Z])/g, '\\$1{$2}');
      new RegExp(js, 'u');
      out[k] = js;
    } else out[k] = toJsRegexes(v);
  }
  return out;
}

/**
 * The served versions of every CRD in a folder, keyed `group/version/Kind`, each with an Ajv
 * validator of its `openAPIV3Schema`. Formats and CEL rules (`x-kubernetes-validations`) are
 * left to the apiserver; types, enums, required fields, patterns and bounds are checked here.
 */
export class CrdRegistry {
  readonly dir: string;
  private readonly versions = new Map<string, CrdVersion>();
  private readonly ajv: Ajv;

  constructor(dir: string = crdsDir()) {
    this.dir = dir;
    if (!existsSync(dir)) throw new Error(`no CRDs folder at ${dir} (set ZTP_CRDS_DIR)`);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    for (const file of yamlFiles(dir)) {
      const crd = parse(readFileSync(file, 'utf8')) as {
        kind?: string;
        spec?: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: StructuralSchema } }[] };
      };
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      for (const v of crd.spec.versions) {
        if (!v.served || !v.schema) continue;
        const schema = v.schema.openAPIV3Schema;
        this.versions.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, { file, schema });
      }
    }
  }

  /** Whether a served CRD version exists for this apiVersion and kind. */
  has(apiVersion: string, kind: string): boolean {
    return this.versions.has(`${apiVersion}/${kind}`);
  }

  /** Every problem of `object` against its CRD: schema errors and fields the apiserver would prune. */
  check(object: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
    const v = this.versions.get(`${object.apiVersion}/${object.kind}`);
    if (v === undefined) return [`no served CRD for ${object.apiVersion} ${object.kind} in ${this.dir}`];
    const problems: string[] = [];
    v.validate ??= this.ajv.compile(toJsRegexes(v.schema) as object);
    if (!v.validate(object)) {
      for (const e of v.validate.errors ?? []) problems.push(`${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`);
    }
    // The apiserver always keeps apiVersion, kind and metadata; some CRDs do not declare them.
    const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...rest } = object;
    for (const f of unknownFields(rest, v.schema)) problems.push(`unknown field ${f} (the apiserver would drop it)`);
    return problems;
  }
}
