/**
 * The typed way to write rules: scopes over the shapes in shapes.ts, whose `field()` only takes
 * paths that exist and whose tests build atoms.
 *
 *     violation(containers('c', (c) => [c.field('securityContext.privileged').isTrue()]))
 */
import type { K8sObject } from '../contract.ts';
import type { Atom, Clause, Condition, Example, Exists, ImageSignatureRule, Ref, ResourceKind, Scalar, Target, Test, ValidationRule } from './ast.ts';
import type { ContainerShape, EntryShape, ListPaths, MapPaths, MetadataShape, ObjectShape, PathValue, Paths, PodSpecShape } from './shapes.ts';

function atom(ref: Ref, test: Test, negate = false): Atom {
  return { kind: 'atom', ref, test, negate };
}

/** The tests on one value. Each positive test is false for a missing value; its pair is its negation. */
export interface Value<V> {
  readonly ref: Ref;
  /** Present and not null. */
  set(): Atom;
  /** Missing or null. */
  unset(): Atom;
  is(value: V & Scalar): Atom;
  isNot(value: V & Scalar): Atom;
  isTrue(): Atom;
  /** False, missing or null. */
  notTrue(): Atom;
  oneOf(values: readonly (V & Scalar)[]): Atom;
  notOneOf(values: readonly (V & Scalar)[]): Atom;
  startsWith(...prefixes: string[]): Atom;
  notStartsWith(...prefixes: string[]): Atom;
  endsWith(...suffixes: string[]): Atom;
  notEndsWith(...suffixes: string[]): Atom;
  /** An RE2 pattern finds a match (unanchored). */
  matches(pattern: string): Atom;
  notMatches(pattern: string): Atom;
  /** A list that contains the value. */
  contains(value: Scalar): Atom;
  notContains(value: Scalar): Atom;
  /** A map that has the key. */
  hasKey(key: string): Atom;
  lacksKey(key: string): Atom;
}

function value<V>(ref: Ref): Value<V> {
  return {
    ref,
    set: () => atom(ref, { op: 'set' }),
    unset: () => atom(ref, { op: 'set' }, true),
    is: (v) => atom(ref, { op: 'equals', value: v }),
    isNot: (v) => atom(ref, { op: 'equals', value: v }, true),
    isTrue: () => atom(ref, { op: 'equals', value: true }),
    notTrue: () => atom(ref, { op: 'equals', value: true }, true),
    oneOf: (values) => atom(ref, { op: 'oneOf', values: [...values] }),
    notOneOf: (values) => atom(ref, { op: 'oneOf', values: [...values] }, true),
    startsWith: (...prefixes) => atom(ref, { op: 'startsWith', prefixes }),
    notStartsWith: (...prefixes) => atom(ref, { op: 'startsWith', prefixes }, true),
    endsWith: (...suffixes) => atom(ref, { op: 'endsWith', suffixes }),
    notEndsWith: (...suffixes) => atom(ref, { op: 'endsWith', suffixes }, true),
    matches: (pattern) => atom(ref, { op: 'matches', pattern }),
    notMatches: (pattern) => atom(ref, { op: 'matches', pattern }, true),
    contains: (v) => atom(ref, { op: 'contains', value: v }),
    notContains: (v) => atom(ref, { op: 'contains', value: v }, true),
    hasKey: (key) => atom(ref, { op: 'hasKey', key }),
    lacksKey: (key) => atom(ref, { op: 'hasKey', key }, true),
  };
}

/** A variable of shape T: read its fields, range over its lists and maps. */
export interface Scope<T> {
  readonly name: string;
  /** The variable itself (for list elements that are scalars, e.g. capability names). */
  self(): Value<T>;
  field<P extends Paths<T>>(path: P): Value<PathValue<T, P>>;
  /** The value under `key` of the map at `path` (label and annotation keys are not field names). */
  key<P extends MapPaths<T>>(path: P, key: string): Value<string>;
  /** There is an element of the list at `path` for which `where` holds. */
  some<P extends ListPaths<T>>(
    path: P,
    name: string,
    where: (element: Scope<PathValue<T, P> extends readonly (infer E)[] ? E : never>) => Condition[],
  ): Exists;
  /** There is an entry of the map at `path` for which `where` holds. */
  someEntry<P extends MapPaths<T>>(path: P, name: string, where: (entry: Scope<EntryShape>) => Condition[]): Exists;
}

/** A scope for a variable name. Exported for the reference interpreter and tests. */
export function scope<T>(name: string): Scope<T> {
  const at = (path: string): Ref => ({ var: name, path: path === '' ? [] : path.split('.') });
  return {
    name,
    self: () => value(at('')),
    field: (path) => value(at(path)),
    key: (path, key) => value({ var: name, path: [...at(path).path, key] }),
    some: (path, element, where) => ({
      kind: 'exists',
      var: element,
      source: { kind: 'items', of: at(path) },
      where: where(scope(element)),
    }),
    someEntry: (path, entry, where) => ({
      kind: 'exists',
      var: entry,
      source: { kind: 'entries', of: at(path) },
      where: where(scope<EntryShape>(entry)),
    }),
  };
}

/** The pod spec (of a Pod, or of a workload's pod template). */
export const spec: Scope<PodSpecShape> = scope<PodSpecShape>('spec');
/** The pod metadata (of a Pod, or of a workload's pod template). */
export const meta: Scope<MetadataShape> = scope<MetadataShape>('meta');
/** The whole object. */
export const object: Scope<ObjectShape> = scope<ObjectShape>('object');

/** There is a container (of `containers`, `initContainers` or `ephemeralContainers`) for which `where` holds. */
export function someContainer(name: string, where: (container: Scope<ContainerShape>) => Condition[]): Exists {
  return { kind: 'exists', var: name, source: { kind: 'containers' }, where: where(scope<ContainerShape>(name)) };
}

/** A way to violate the rule: all conditions hold. */
export function violation(...when: Condition[]): Clause {
  return { when };
}

/** A way to violate the rule with its own message. */
export function violationWithMessage(message: string, ...when: Condition[]): Clause {
  return { when, message };
}

/** Pod and every pod-bearing workload. */
export const PODS: Target = { kind: 'pods' };

/** Well-known kinds, for `objects()` targets. */
export const KINDS = {
  Pod: { group: '', version: 'v1', kind: 'Pod', resource: 'pods' },
  Namespace: { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces' },
  Service: { group: '', version: 'v1', kind: 'Service', resource: 'services' },
  ConfigMap: { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps' },
  Deployment: { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', kind: 'DaemonSet', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets' },
  Job: { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs' },
} as const satisfies Record<string, ResourceKind>;

/** The pod-bearing kinds a `pods` target covers, in a fixed order. */
export const POD_KINDS: readonly ResourceKind[] = [
  KINDS.Pod,
  KINDS.Deployment,
  KINDS.StatefulSet,
  KINDS.DaemonSet,
  KINDS.ReplicaSet,
  KINDS.Job,
  KINDS.CronJob,
];

/** The listed kinds; rules read them through `object`. */
export function objects(...resources: ResourceKind[]): Target {
  return { kind: 'objects', resources };
}

/** A validation rule. */
export function validationRule(rule: Omit<ValidationRule, 'kind'>): ValidationRule {
  return { kind: 'validation', ...rule };
}

/** An image-signature rule (Kyverno only). */
export function imageSignatureRule(rule: Omit<ImageSignatureRule, 'kind'>): ImageSignatureRule {
  return { kind: 'image-signature', ...rule };
}

/** An object the rule must admit. */
export function allow(name: string, object: K8sObject, note?: string): Example {
  return note === undefined ? { name, verdict: 'allow', object } : { name, verdict: 'allow', object, note };
}

/** An object the rule must reject, optionally with the message text engines must give. */
export function deny(name: string, object: K8sObject, options: { message?: string; note?: string } = {}): Example {
  return { name, verdict: 'deny', object, ...options };
}

/**
 * Marks an example whose object a real apiserver rejects in its own validation (before
 * admission), with the reason in its note, which it must have: only for an example that cannot
 * be made a valid object without losing its point.
 */
export function invalidOnCluster(example: Example): Example {
  if (example.note === undefined || example.note.trim() === '') throw new Error(`example ${example.name}: invalidOnCluster needs a note saying why the object cannot be valid`);
  return { ...example, invalidOnCluster: true };
}
