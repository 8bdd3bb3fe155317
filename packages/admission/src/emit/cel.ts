/**
 * The rule language as CEL: one boolean "violated" expression per clause, over `object` and the
 * variables `podSpec`, `podMeta` and `containers`. Shared by the Kyverno ValidatingPolicy and
 * the ValidatingAdmissionPolicy forms. Missing fields are read with optional selection
 * (`a.?b.orValue(x)`), so no expression fails on a sparse object. Pure.
 */
import type { Atom, Clause, Condition, Ref, Scalar, Test, ValidationRule } from '../rule/ast.ts';

/** A CEL variable of a policy. */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

/** A CEL string literal. */
export function celString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function literal(value: Scalar): string {
  return typeof value === 'string' ? celString(value) : String(value);
}

const POD_SPEC = `object.kind == 'Pod' ? object.?spec.orValue({}) : (object.kind == 'CronJob' ? object.?spec.?jobTemplate.?spec.?template.?spec.orValue({}) : object.?spec.?template.?spec.orValue({}))`;
const POD_META = `object.kind == 'Pod' ? object.?metadata.orValue({}) : (object.kind == 'CronJob' ? object.?spec.?jobTemplate.?spec.?template.?metadata.orValue({}) : object.?spec.?template.?metadata.orValue({}))`;
const CONTAINERS = `variables.podSpec.?containers.orValue([]) + variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])`;

function base(name: string, entries: ReadonlyMap<string, string>): string {
  if (name === 'object') return 'object';
  if (name === 'spec') return 'variables.podSpec';
  if (name === 'meta') return 'variables.podMeta';
  return entries.get(name) ?? name;
}

/** The value of a ref with a default for a missing field. */
function read(ref: Ref, entries: ReadonlyMap<string, string>, fallback: string): string {
  const entryMap = entries.get(ref.var);
  if (entryMap !== undefined) {
    const [first, ...rest] = ref.path;
    const head = first === 'key' ? ref.var : `${entryMap}[${ref.var}]`;
    return rest.length === 0 ? head : `${head}${rest.map(selector).join('')}.orValue(${fallback})`;
  }
  const b = base(ref.var, entries);
  if (ref.path.length === 0) return b;
  return `${b}${ref.path.map(selector).join('')}.orValue(${fallback})`;
}

/** An optional selection of a field: `.?name`, or `[?'key']` for keys that are not identifiers. */
function selector(field: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? `.?${field}` : `[?${celString(field)}]`;
}

function typed(v: string, type: 'string' | 'list' | 'map', body: string): string {
  return `(type(${v}) == ${type} && ${body})`;
}

function positive(ref: Ref, test: Test, entries: ReadonlyMap<string, string>): string {
  const v = read(ref, entries, 'null');
  // Comparisons and the type-tested operations read the value as dyn: where the apiserver knows
  // the object's schema, `x.?f.orValue(null)` can have the static type null (a label's value, for
  // one), and `== 'x'` or `matches` would not compile on it (a ValidatingAdmissionPolicy is then
  // refused). At run time dyn changes nothing.
  const d = `dyn(${v})`;
  switch (test.op) {
    case 'set':
      return `${v} != null`;
    case 'equals':
      return `${d} == ${literal(test.value)}`;
    case 'oneOf':
      return `${d} in [${test.values.map(literal).join(', ')}]`;
    case 'startsWith':
      return typed(d, 'string', `(${test.prefixes.map((p) => `${d}.startsWith(${celString(p)})`).join(' || ')})`);
    case 'endsWith':
      return typed(d, 'string', `(${test.suffixes.map((s) => `${d}.endsWith(${celString(s)})`).join(' || ')})`);
    case 'matches':
      return typed(d, 'string', `${d}.matches(${celString(test.pattern)})`);
    case 'contains':
      return typed(d, 'list', `${literal(test.value)} in ${d}`);
    case 'hasKey':
      return typed(d, 'map', `${celString(test.key)} in ${d}`);
  }
}

function atom(a: Atom, entries: ReadonlyMap<string, string>): string {
  if (a.negate && a.test.op === 'set') return `${read(a.ref, entries, 'null')} == null`;
  if (a.negate && a.test.op === 'equals') return `dyn(${read(a.ref, entries, 'null')}) != ${literal(a.test.value)}`;
  const p = positive(a.ref, a.test, entries);
  return a.negate ? `!(${p})` : p;
}

function conjunction(conditions: readonly Condition[], entries: ReadonlyMap<string, string>): string {
  return conditions.map((c) => condition(c, entries)).join(' && ');
}

function condition(c: Condition, entries: ReadonlyMap<string, string>): string {
  if (c.kind === 'atom') return atom(c, entries);
  switch (c.source.kind) {
    case 'containers':
      return `variables.containers.exists(${c.var}, ${conjunction(c.where, entries)})`;
    case 'items':
      return `${read(c.source.of, entries, '[]')}.exists(${c.var}, ${conjunction(c.where, entries)})`;
    case 'entries': {
      const map = read(c.source.of, entries, '{}');
      const inner = new Map(entries);
      inner.set(c.var, map);
      return `${map}.exists(${c.var}, ${conjunction(c.where, inner)})`;
    }
  }
}

/** True when the clause holds (the object violates the rule). */
export function celViolated(clause: Clause): string {
  return conjunction(clause.when, new Map());
}

function uses(conditions: readonly Condition[], name: string): boolean {
  return conditions.some((c) =>
    c.kind === 'atom'
      ? c.ref.var === name
      : (c.source.kind === 'containers' && (name === 'containers' || name === 'spec')) ||
        (c.source.kind !== 'containers' && c.source.of.var === name) ||
        uses(c.where, name),
  );
}

/** The variables the rule's expressions read, in dependency order. */
export function celVariables(rule: ValidationRule): CelVariable[] {
  const all = rule.violations.flatMap((v) => v.when);
  const vars: CelVariable[] = [];
  const needContainers = uses(all, 'containers');
  if (needContainers || uses(all, 'spec')) vars.push({ name: 'podSpec', expression: POD_SPEC });
  if (uses(all, 'meta')) vars.push({ name: 'podMeta', expression: POD_META });
  if (needContainers) vars.push({ name: 'containers', expression: CONTAINERS });
  return vars;
}

/** One validation per clause: the expression holds when the clause does not. */
export function celValidations(rule: ValidationRule): { expression: string; message: string }[] {
  return rule.violations.map((clause) => ({ expression: `!(${celViolated(clause)})`, message: clause.message ?? rule.message }));
}
