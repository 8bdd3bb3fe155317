/**
 * The rule language as Rego v1: one rule body per violation clause. Shared by the conftest/opa
 * form (input is the object) and the Gatekeeper form (input.review.object). Pure.
 */
import type { Atom, Clause, Condition, Ref, Scalar, Target, Test, ValidationRule } from '../rule/ast.ts';
import { POD_KINDS } from '../rule/build.ts';

/** How the surrounding file reaches the helpers and the object. */
export interface RegoDialect {
  /** Prefix of helper calls: `lib.` when the helpers live in another package, `''` when inlined. */
  readonly lib: string;
  /** The expression of the object under review. */
  readonly object: string;
  /**
   * Review each object of this collection instead (`object` unused): a scanned document may be a
   * List whose items `kubectl apply` creates one by one.
   */
  readonly each?: string;
}

/** The helpers every rule body may call, Rego v1, for the top of a package. */
export const REGO_HELPERS = `# Helpers of the ztp rule language (generated).
pod_kinds := {
	"Pod": "",
	"Deployment": "apps",
	"StatefulSet": "apps",
	"DaemonSet": "apps",
	"ReplicaSet": "apps",
	"Job": "batch",
	"CronJob": "batch",
}

api_group(obj) := split(obj.apiVersion, "/")[0] if contains(obj.apiVersion, "/")

api_group(obj) := "" if not contains(obj.apiVersion, "/")

kind_of(obj) := [api_group(obj), obj.kind]

is_pod_bearing(obj) if pod_kinds[obj.kind] == api_group(obj)

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

as_list(x) := x if is_array(x)

as_list(x) := [] if not is_array(x)

pod_template(obj) := as_object(object.get(obj, ["spec", "jobTemplate", "spec", "template"], {})) if obj.kind == "CronJob"

pod_template(obj) := as_object(object.get(obj, ["spec", "template"], {})) if not obj.kind in {"Pod", "CronJob"}

pod_spec(obj) := as_object(object.get(obj, "spec", {})) if obj.kind == "Pod"

pod_spec(obj) := as_object(object.get(pod_template(obj), "spec", {})) if obj.kind != "Pod"

pod_meta(obj) := as_object(object.get(obj, "metadata", {})) if obj.kind == "Pod"

pod_meta(obj) := as_object(object.get(pod_template(obj), "metadata", {})) if obj.kind != "Pod"

containers(spec) := array.concat(
	array.concat(as_list(object.get(spec, "containers", [])), as_list(object.get(spec, "initContainers", []))),
	as_list(object.get(spec, "ephemeralContainers", [])),
)

starts_with_any(s, prefixes) if {
	is_string(s)
	some p in prefixes
	startswith(s, p)
}

ends_with_any(s, suffixes) if {
	is_string(s)
	some x in suffixes
	endswith(s, x)
}

matches(s, pattern) if {
	is_string(s)
	regex.match(pattern, s)
}

list_contains(l, x) if {
	is_array(l)
	some y in l
	y == x
}

has_key(m, k) if {
	is_object(m)
	k in object.keys(m)
}
`;

/** A Rego literal for a string or scalar (Rego strings are JSON strings). */
export function regoLiteral(value: Scalar | readonly Scalar[]): string {
  return Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value);
}

const ROOT_NAMES: Readonly<Record<string, string>> = { object: 'obj', spec: 'spec', meta: 'meta' };

function varName(name: string): string {
  return ROOT_NAMES[name] ?? name;
}

/** Names of the entry variables: `{key, value}` of an entry named e become `e_key`, `e_value`. */
function entryParts(name: string): { key: string; value: string } {
  return { key: `${name}_key`, value: `${name}_value` };
}

function valueOf(ref: Ref, entries: ReadonlySet<string>): string {
  if (entries.has(ref.var)) {
    const [first, ...rest] = ref.path;
    const parts = entryParts(ref.var);
    const base = first === 'key' ? parts.key : parts.value;
    return rest.length === 0 ? base : `object.get(${base}, ${regoLiteral(rest)}, null)`;
  }
  const base = varName(ref.var);
  return ref.path.length === 0 ? base : `object.get(${base}, ${regoLiteral(ref.path)}, null)`;
}

function positive(value: string, test: Test, lib: string): string {
  switch (test.op) {
    case 'set':
      return `${value} != null`;
    case 'equals':
      return `${value} == ${regoLiteral(test.value)}`;
    case 'oneOf':
      return `${value} in {${test.values.map((v) => regoLiteral(v)).join(', ')}}`;
    case 'startsWith':
      return `${lib}starts_with_any(${value}, ${regoLiteral(test.prefixes)})`;
    case 'endsWith':
      return `${lib}ends_with_any(${value}, ${regoLiteral(test.suffixes)})`;
    case 'matches':
      return `${lib}matches(${value}, ${regoLiteral(test.pattern)})`;
    case 'contains':
      return `${lib}list_contains(${value}, ${regoLiteral(test.value)})`;
    case 'hasKey':
      return `${lib}has_key(${value}, ${regoLiteral(test.key)})`;
  }
}

function atomLine(a: Atom, entries: ReadonlySet<string>, lib: string): string {
  const v = valueOf(a.ref, entries);
  if (a.negate && a.test.op === 'set') return `${v} == null`;
  if (a.negate && a.test.op === 'equals') return `${v} != ${regoLiteral(a.test.value)}`;
  const p = positive(v, a.test, lib);
  return a.negate ? `not ${p}` : p;
}

function conditionLines(conditions: readonly Condition[], entries: ReadonlySet<string>, lib: string): string[] {
  const lines: string[] = [];
  for (const c of conditions) {
    if (c.kind === 'atom') {
      lines.push(atomLine(c, entries, lib));
      continue;
    }
    switch (c.source.kind) {
      case 'containers':
        lines.push(`some ${c.var} in ${lib}containers(spec)`);
        lines.push(...conditionLines(c.where, entries, lib));
        break;
      case 'items':
        lines.push(`some ${c.var} in ${lib}as_list(${valueOf(c.source.of, entries)})`);
        lines.push(...conditionLines(c.where, entries, lib));
        break;
      case 'entries': {
        const parts = entryParts(c.var);
        lines.push(`some ${parts.key}, ${parts.value} in ${lib}as_object(${valueOf(c.source.of, entries)})`);
        lines.push(...conditionLines(c.where, new Set([...entries, c.var]), lib));
        break;
      }
    }
  }
  return lines;
}

function usesRoot(conditions: readonly Condition[], name: string): boolean {
  return conditions.some((c) =>
    c.kind === 'atom'
      ? c.ref.var === name
      : (c.source.kind === 'containers' && name === 'spec') || (c.source.kind !== 'containers' && c.source.of.var === name) || usesRoot(c.where, name),
  );
}

function targetLines(target: Target, lib: string): string[] {
  if (target.kind === 'pods') return [`${lib}is_pod_bearing(obj)`];
  const kinds = target.resources.map((r) => regoLiteral([r.group, r.kind]));
  return [`${lib}kind_of(obj) in {${kinds.join(', ')}}`];
}

/**
 * The body lines of one clause, binding `obj` (and `spec`/`meta` when used) first. The caller
 * adds the message line and wraps the body in its rule head.
 */
export function regoClauseBody(rule: ValidationRule, clause: Clause, dialect: RegoDialect): string[] {
  const lib = dialect.lib;
  const lines = [dialect.each !== undefined ? `some obj in ${dialect.each}` : `obj := ${dialect.object}`, ...targetLines(rule.target, lib)];
  if (usesRoot(clause.when, 'spec')) lines.push(`spec := ${lib}pod_spec(obj)`);
  if (usesRoot(clause.when, 'meta')) lines.push(`meta := ${lib}pod_meta(obj)`);
  lines.push(...conditionLines(clause.when, new Set(), lib));
  return lines;
}

/** The kinds a pods target covers, for comments. */
export function podKindNames(): string {
  return POD_KINDS.map((k) => k.kind).join(', ');
}

/** Indents body lines with one tab. */
export function indentBody(lines: readonly string[]): string {
  return lines.map((l) => `\t${l}`).join('\n');
}
