/**
 * The rule language as JMESPath (with the Kyverno function set: `regex_match`, `items`): one
 * boolean "violated" expression per clause. Shared by the kyverno-json form and the legacy
 * Kyverno ClusterPolicy form. Pod spec and metadata sit at a different path for each group of
 * kinds, so every form emits one rule per group. Pure.
 */
import type { Atom, Clause, Condition, Ref, Scalar, Target, Test } from '../rule/ast.ts';
import { POD_KINDS } from '../rule/build.ts';
import type { ResourceKind } from '../rule/ast.ts';

/** Where the root variables are, for one group of kinds. `''` is the document root. */
export interface JmesRoots {
  readonly object: string;
  readonly spec: string;
  readonly meta: string;
}

/** A group of kinds whose pod spec sits at the same path. */
export interface KindGroup {
  /** `''` for the first group (Pods, or the kinds of an objects target), else `workloads` or `cronjobs`. */
  readonly suffix: '' | 'workloads' | 'cronjobs';
  readonly kinds: readonly ResourceKind[];
  /** Paths relative to the object. */
  readonly spec: string;
  readonly meta: string;
}

/** The kind groups of a target. */
export function kindGroups(target: Target): KindGroup[] {
  if (target.kind === 'objects') return [{ suffix: '', kinds: target.resources, spec: 'spec', meta: 'metadata' }];
  const pods = POD_KINDS.filter((k) => k.kind === 'Pod');
  const cronjobs = POD_KINDS.filter((k) => k.kind === 'CronJob');
  const workloads = POD_KINDS.filter((k) => k.kind !== 'Pod' && k.kind !== 'CronJob');
  return [
    { suffix: '', kinds: pods, spec: 'spec', meta: 'metadata' },
    { suffix: 'workloads', kinds: workloads, spec: 'spec.template.spec', meta: 'spec.template.metadata' },
    { suffix: 'cronjobs', kinds: cronjobs, spec: 'spec.jobTemplate.spec.template.spec', meta: 'spec.jobTemplate.spec.template.metadata' },
  ];
}

/** The roots of a kind group under `prefix` (`''` for the document, `request.object` for Kyverno). */
export function groupRoots(group: KindGroup, prefix: string): JmesRoots {
  const join = (path: string) => (prefix === '' ? path : `${prefix}.${path}`);
  return { object: prefix, spec: join(group.spec), meta: join(group.meta) };
}

function segment(field: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? field : JSON.stringify(field);
}

/** `base` + path; base `@` is the current element, `''` the document root. */
function path(base: string, fields: readonly string[]): string {
  const rest = fields.map(segment).join('.');
  if (fields.length === 0) return base === '' ? '@' : base;
  if (base === '@' || base === '') return rest;
  return `${base}.${rest}`;
}

/**
 * A string as a JMESPath JSON literal (`` `"..."` ``), never a raw string literal (`'...'`): the two
 * JMESPath implementations ztp emits for read raw strings differently. kyverno-json's (the
 * JMESPath community spec) reads `\\` as one backslash; Kyverno's own (go-jmespath, the
 * ClusterPolicy form's `{{ }}`) unescapes only `\'` and keeps `\\` as two characters, so a pattern
 * such as `^[0-9]+\.[0-9]+$` looked for a backslash there and a `matches` clause never held (a
 * wrong allow). Both decode a JSON literal as JSON, after turning `` \` `` into a backtick. Braces
 * are written as `\u007b` and `\u007d`: Kyverno finds its `{{ }}` expressions by a pattern that an
 * unbalanced brace inside one breaks (the condition is then compared as plain text, or fails).
 */
export function jmesString(text: string): string {
  return json(text);
}

/** A JMESPath JSON literal of a scalar or a list of scalars (braces in strings escaped, see jmesString). */
function json(value: Scalar | readonly Scalar[]): string {
  const text = JSON.stringify(value).replace(/[{}]/g, (c) => (c === '{' ? '\\u007b' : '\\u007d'));
  return `\`${text.replaceAll('`', '\\`')}\``;
}

function literal(value: Scalar): string {
  return typeof value === 'string' ? jmesString(value) : json(value);
}

type Bases = ReadonlyMap<string, string>;

function read(ref: Ref, bases: Bases): string {
  const base = bases.get(ref.var);
  if (base === undefined) throw new Error(`unbound variable ${ref.var}`);
  return path(base, ref.path);
}

/**
 * Number equality. Payload numbers may decode as integers, for which JMESPath `==` against a
 * literal and `type()` both fail; the ordering operators compare them correctly and give null
 * for anything that is not a number.
 */
function numberIn(v: string, values: readonly number[]): string {
  return `(${values.map((n) => `(${v} >= ${json(n)} && ${v} <= ${json(n)}) == \`true\``).join(' || ')})`;
}

function positive(v: string, test: Test): string {
  switch (test.op) {
    case 'set':
      return `${v} != \`null\``;
    case 'equals':
      return typeof test.value === 'number' ? numberIn(v, [test.value]) : `${v} == ${literal(test.value)}`;
    case 'oneOf': {
      const numbers = test.values.filter((x): x is number => typeof x === 'number');
      const others = test.values.filter((x) => typeof x !== 'number');
      const parts = [...(others.length > 0 ? [`contains(${json(others)}, ${v})`] : []), ...(numbers.length > 0 ? [numberIn(v, numbers)] : [])];
      return parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
    }
    case 'startsWith':
      return `(type(${v}) == 'string' && (${test.prefixes.map((p) => `starts_with(${v}, ${jmesString(p)})`).join(' || ')}))`;
    case 'endsWith':
      return `(type(${v}) == 'string' && (${test.suffixes.map((s) => `ends_with(${v}, ${jmesString(s)})`).join(' || ')}))`;
    case 'matches':
      return `(type(${v}) == 'string' && regex_match(${jmesString(test.pattern)}, ${v}))`;
    case 'contains':
      return `(type(${v}) == 'array' && contains(${v}, ${literal(test.value)}))`;
    case 'hasKey':
      return `(type(${v}) == 'object' && contains(keys(${v}), ${jmesString(test.key)}))`;
  }
}

function atom(a: Atom, bases: Bases): string {
  const v = read(a.ref, bases);
  if (a.negate && a.test.op === 'set') return `${v} == \`null\``;
  if (a.negate && a.test.op === 'equals' && typeof a.test.value !== 'number') return `${v} != ${literal(a.test.value)}`;
  const p = positive(v, a.test);
  return a.negate ? `!(${p})` : p;
}

function conjunction(conditions: readonly Condition[], bases: Bases): string {
  return conditions.map((c) => condition(c, bases)).join(' && ');
}

function condition(c: Condition, bases: Bases): string {
  if (c.kind === 'atom') return atom(c, bases);
  const inner = new Map([[c.var, '@']]);
  const filter = `[?${conjunction(c.where, inner)}]`;
  switch (c.source.kind) {
    case 'containers': {
      const spec = bases.get('spec')!;
      const lists = ['containers', 'initContainers', 'ephemeralContainers'].map((k) => `not_null(${path(spec, [k])}, \`[]\`)`);
      return `length([${lists.join(', ')}][] | ${filter}) > \`0\``;
    }
    case 'items':
      return `length(not_null(${read(c.source.of, bases)}, \`[]\`) | ${filter}) > \`0\``;
    case 'entries':
      return `length(items(not_null(${read(c.source.of, bases)}, \`{}\`), 'key', 'value') | ${filter}) > \`0\``;
  }
}

/** True when the clause holds for the document, its roots placed as given. */
export function jmesViolated(clause: Clause, roots: JmesRoots): string {
  return conjunction(clause.when, new Map(Object.entries(roots)));
}

/** The name of the engine rule for a ztp rule, kind group and (when a rule has several messages) message group. */
export function groupRuleName(ruleId: string, group: KindGroup, messageIndex?: number): string {
  return [ruleId, group.suffix, messageIndex === undefined ? '' : String(messageIndex)].filter((p) => p !== '').join('.');
}

/** The ztp rule id in an engine rule name made by groupRuleName. */
export function ruleIdOf(engineRuleName: string): string {
  return engineRuleName.split('.')[0]!;
}
