/**
 * The reference meaning of the rule language, in TypeScript. Engines are proven against the
 * examples, not against this; it serves to check examples quickly and to explain a verdict.
 */
import type { AdmissionModule, K8sObject } from '../contract.ts';
import type { Atom, Clause, Condition, Ref, Source, Target, Test, ValidationRule } from './ast.ts';
import { POD_KINDS } from './build.ts';

type Env = ReadonlyMap<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function get(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** Whether a target covers the object (by API group and kind). */
export function targets(target: Target, object: K8sObject): boolean {
  const kinds = target.kind === 'pods' ? POD_KINDS : target.resources;
  const group = groupOf(object.apiVersion);
  return kinds.some((k) => k.kind === object.kind && k.group === group);
}

/** The pod spec and pod metadata of a pod-bearing object. */
export function podParts(object: K8sObject): { spec: unknown; meta: unknown } {
  if (object.kind === 'Pod') return { spec: object['spec'], meta: object.metadata };
  const template = object.kind === 'CronJob' ? get(object, ['spec', 'jobTemplate', 'spec', 'template']) : get(object, ['spec', 'template']);
  return { spec: get(template, ['spec']), meta: get(template, ['metadata']) };
}

function test(value: unknown, t: Test): boolean {
  switch (t.op) {
    case 'set':
      return value !== undefined && value !== null;
    case 'equals':
      return value === t.value;
    case 'oneOf':
      return t.values.some((v) => v === value);
    case 'startsWith':
      return typeof value === 'string' && t.prefixes.some((p) => value.startsWith(p));
    case 'endsWith':
      return typeof value === 'string' && t.suffixes.some((s) => value.endsWith(s));
    case 'matches':
      return typeof value === 'string' && new RegExp(t.pattern).test(value);
    case 'contains':
      return Array.isArray(value) && value.some((v) => v === t.value);
    case 'hasKey':
      return isRecord(value) && Object.hasOwn(value, t.key);
  }
}

function read(ref: Ref, env: Env): unknown {
  return get(env.get(ref.var), ref.path);
}

function evalAtom(a: Atom, env: Env): boolean {
  return test(read(a.ref, env), a.test) !== a.negate;
}

function elements(source: Source, env: Env): unknown[] {
  switch (source.kind) {
    case 'containers': {
      const spec = env.get('spec');
      return ['containers', 'initContainers', 'ephemeralContainers'].flatMap((k) => {
        const list = get(spec, [k]);
        return Array.isArray(list) ? list : [];
      });
    }
    case 'items': {
      const list = read(source.of, env);
      return Array.isArray(list) ? list : [];
    }
    case 'entries': {
      const map = read(source.of, env);
      return isRecord(map) ? Object.entries(map).map(([key, value]) => ({ key, value })) : [];
    }
  }
}

function holds(c: Condition, env: Env): boolean {
  if (c.kind === 'atom') return evalAtom(c, env);
  return elements(c.source, env).some((element) => {
    const inner = new Map(env);
    inner.set(c.var, element);
    return c.where.every((w) => holds(w, inner));
  });
}

/** The verdict of one rule on one object: allowed, or denied with the messages of the clauses that hold. */
export function interpret(rule: ValidationRule, object: K8sObject): { allowed: boolean; messages: string[] } {
  if (!targets(rule.target, object)) return { allowed: true, messages: [] };
  const env = new Map<string, unknown>([['object', object]]);
  if (rule.target.kind === 'pods') {
    const { spec, meta } = podParts(object);
    env.set('spec', spec);
    env.set('meta', meta);
  }
  const messages = rule.violations.filter((clause) => clause.when.every((c) => holds(c, env))).map((clause) => clause.message ?? rule.message);
  return { allowed: messages.length === 0, messages: [...new Set(messages)] };
}

/** Every example of the module's validation rules whose verdict the reference interpreter does not give. */
export function misjudgedExamples(rules: readonly import('./ast.ts').Rule[]): string[] {
  const wrong: string[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'validation') continue;
    for (const example of rule.examples) {
      const { allowed } = interpret(rule, example.object);
      if (allowed !== (example.verdict === 'allow')) wrong.push(`${rule.id}/${example.name}: expected ${example.verdict}`);
    }
  }
  return wrong;
}

function refText(ref: Ref): string {
  return [ref.var, ...ref.path].join('.');
}

function testText(t: Test, negate: boolean): string {
  const not = negate ? 'not ' : '';
  switch (t.op) {
    case 'set':
      return negate ? 'unset' : 'set';
    case 'equals':
      return `${negate ? '!=' : '=='} ${JSON.stringify(t.value)}`;
    case 'oneOf':
      return `${not}in ${JSON.stringify(t.values)}`;
    case 'startsWith':
      return `${not}starts with ${JSON.stringify(t.prefixes)}`;
    case 'endsWith':
      return `${not}ends with ${JSON.stringify(t.suffixes)}`;
    case 'matches':
      return `${not}matches /${t.pattern}/`;
    case 'contains':
      return `${not}contains ${JSON.stringify(t.value)}`;
    case 'hasKey':
      return `${negate ? 'lacks' : 'has'} key ${JSON.stringify(t.key)}`;
  }
}

function conditionText(c: Condition): string {
  if (c.kind === 'atom') return `${refText(c.ref)} ${testText(c.test, c.negate)}`;
  const over = c.source.kind === 'containers' ? 'containers' : c.source.kind === 'items' ? refText(c.source.of) : `entries of ${refText(c.source.of)}`;
  return `some ${c.var} in ${over}: ${c.where.map(conditionText).join(' and ')}`;
}

/** A clause as one line of text, for messages. */
export function clauseText(clause: Clause): string {
  return clause.when.map(conditionText).join(' and ');
}

/**
 * Every violation clause of the module's validation rules that no deny example pins. An example
 * pins a clause when that clause alone denies it and the rule without that clause allows it: the
 * example's verdict then rests on that clause, so a form in which the clause never holds (a wrong
 * path, a dropped condition) allows the example and fails the proof. A clause no example pins can
 * go vacuous in every form with every example still judged as promised.
 */
export function unpinnedClauses(module: AdmissionModule): string[] {
  const gaps: string[] = [];
  for (const rule of module.rules ?? []) {
    if (rule.kind !== 'validation') continue;
    const denies = rule.examples.filter((e) => e.verdict === 'deny');
    const n = rule.violations.length;
    rule.violations.forEach((clause, i) => {
      const alone: ValidationRule = { ...rule, violations: [clause] };
      const without: ValidationRule = { ...rule, violations: rule.violations.filter((_, j) => j !== i) };
      if (denies.some((e) => !interpret(alone, e.object).allowed && interpret(without, e.object).allowed)) return;
      gaps.push(
        `${module.id}/${rule.id} clause ${i + 1} of ${n} (${clauseText(clause)}): no deny example rests on this clause alone; ` +
          'add a deny example that this clause denies and every other clause of the rule allows, or a form that never applies this clause passes the proof',
      );
    });
  }
  return gaps;
}

/**
 * Every pods rule of the module, with the pod-bearing kinds (Pod and each workload kind) it has
 * no deny example of. Every form reaches a workload's pod through its own code for that kind (a
 * template, CronJob's job template), so a kind without a deny example can go unchecked in a form
 * with every example still judged as promised.
 */
export function kindsWithoutDenyExample(module: AdmissionModule): string[] {
  const gaps: string[] = [];
  for (const rule of module.rules ?? []) {
    if (rule.kind !== 'validation' || rule.target.kind !== 'pods') continue;
    const denied = rule.examples.filter((e) => e.verdict === 'deny').map((e) => e.object);
    const missing = POD_KINDS.filter((k) => !denied.some((o) => o.kind === k.kind && groupOf(o.apiVersion) === k.group)).map((k) => k.kind);
    if (missing.length === 0) continue;
    gaps.push(
      `${module.id}/${rule.id}: no deny example of kind ${missing.join(', ')}; list the rule's examples through withWorkloads(...) ` +
        '(it wraps the first Pod deny example in each workload kind the examples lack) or add one per kind by hand',
    );
  }
  return gaps;
}

/**
 * What the modules' examples leave unproven: violation clauses no deny example rests on alone,
 * and pods rules without a deny example of some pod-bearing kind. The proof cannot fail for a
 * form that gets these wrong.
 */
export function exampleGaps(modules: readonly AdmissionModule[]): string[] {
  return modules.flatMap((m) => [...unpinnedClauses(m), ...kindsWithoutDenyExample(m)]);
}
