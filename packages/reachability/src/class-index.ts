/**
 * Which pod classes a selector matches, without testing every class: classes are indexed by
 * namespace and, within a namespace, by each `key=value` label; a namespaceSelector is
 * evaluated once per distinct selector on the namespaces (not on the classes), and a
 * podSelector with matchLabels only tests the classes carrying its rarest label.
 */
import { ClassSet } from './class-set.ts';
import type { PodClass } from './engine.ts';
import { isEmptySelector, matchesSelector } from './selectors.ts';
import type { LabelSelector, Labels } from './selectors.ts';

interface NamespaceClasses {
  readonly name: string;
  readonly labels: Labels;
  /** Class ids of the namespace, ascending. */
  readonly classes: number[];
  /** Class ids by `key\u0000value`, ascending. */
  readonly byLabel: Map<string, number[]>;
}

/** A pod selector prepared for many tests: its matchLabels as index keys, its expressions apart. */
interface CompiledSelector {
  readonly labels: readonly { readonly name: string; readonly value: string; readonly key: string }[];
  /** True when `labels` satisfy the selector, knowing that matchLabels entry `known` (-1: none) holds. */
  matches(labels: Labels, known: number): boolean;
}

/** The selector prepared, or undefined when it is empty (matches every pod). */
function compileSelector(selector: LabelSelector): CompiledSelector | undefined {
  if (isEmptySelector(selector)) return undefined;
  const labels = Object.entries(selector.matchLabels ?? {}).map(([name, value]) => ({ name, value, key: `${name}\u0000${value}` }));
  const expressions = selector.matchExpressions ?? [];
  const rest: LabelSelector = { matchExpressions: expressions };
  return {
    labels,
    matches(podLabels: Labels, known: number): boolean {
      for (let i = 0; i < labels.length; i++) {
        if (i === known) continue;
        const l = labels[i]!;
        if (!Object.hasOwn(podLabels, l.name) || podLabels[l.name] !== l.value) return false;
      }
      return expressions.length === 0 || matchesSelector(rest, podLabels);
    },
  };
}

export class ClassIndex {
  private readonly classes: readonly PodClass[];
  private readonly namespaces = new Map<string, NamespaceClasses>();
  private readonly nsSelectorMemo = new Map<string, NamespaceClasses[]>();

  constructor(classes: readonly PodClass[]) {
    this.classes = classes;
    for (const c of classes) {
      let ns = this.namespaces.get(c.namespace);
      if (ns === undefined) {
        ns = { name: c.namespace, labels: c.namespaceLabels, classes: [], byLabel: new Map() };
        this.namespaces.set(c.namespace, ns);
      }
      ns.classes.push(c.id);
      for (const [k, v] of Object.entries(c.labels)) {
        const key = `${k}\u0000${v}`;
        const list = ns.byLabel.get(key);
        if (list === undefined) ns.byLabel.set(key, [c.id]);
        else list.push(c.id);
      }
    }
  }

  /** Namespaces (with classes) whose labels match `selector`. */
  private namespacesMatching(selector: LabelSelector): NamespaceClasses[] {
    const key = JSON.stringify([
      Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      (selector.matchExpressions ?? []).map((e) => [e.key, e.operator, [...(e.values ?? [])].sort()]),
    ]);
    let list = this.nsSelectorMemo.get(key);
    if (list === undefined) {
      list = [...this.namespaces.values()].filter((ns) => matchesSelector(selector, ns.labels));
      this.nsSelectorMemo.set(key, list);
    }
    return list;
  }

  /** Class ids of one namespace matching a pod selector (every class when absent), ascending. */
  private inNamespace(ns: NamespaceClasses, selector: CompiledSelector | undefined, accept: (c: PodClass) => boolean, out: number[]): void {
    if (selector === undefined) {
      for (const id of ns.classes) if (accept(this.classes[id]!)) out.push(id);
      return;
    }
    let candidates = ns.classes;
    let indexed = -1;
    for (let i = 0; i < selector.labels.length; i++) {
      const list = ns.byLabel.get(selector.labels[i]!.key);
      if (list === undefined) return;
      if (list.length < candidates.length || indexed < 0) {
        candidates = list;
        indexed = i;
      }
    }
    for (const id of candidates) {
      const c = this.classes[id]!;
      if (accept(c) && selector.matches(c.labels, indexed)) out.push(id);
    }
  }

  /** Classes of namespace `namespace` matching `podSelector` and `accept`. */
  select(namespace: string, podSelector: LabelSelector, accept: (c: PodClass) => boolean): number[] {
    const ns = this.namespaces.get(namespace);
    const out: number[] = [];
    if (ns !== undefined) this.inNamespace(ns, compileSelector(podSelector), accept, out);
    return out;
  }

  /**
   * Classes a NetworkPolicyPeer selects: pods matching `podSelector` (every pod when absent) in
   * the namespaces matching `namespaceSelector` (the policy's own namespace when absent).
   */
  peer(policyNamespace: string, namespaceSelector: LabelSelector | undefined, podSelector: LabelSelector | undefined, accept: (c: PodClass) => boolean): number[] {
    const namespaces = namespaceSelector === undefined ? [this.namespaces.get(policyNamespace)].filter((n) => n !== undefined) : this.namespacesMatching(namespaceSelector);
    const selector = podSelector === undefined ? undefined : compileSelector(podSelector);
    const out: number[] = [];
    for (const ns of namespaces) this.inNamespace(ns, selector, accept, out);
    return out;
  }

  /** A class set of the union of `lists` of class ids. */
  union(lists: readonly (readonly number[])[]): ClassSet {
    if (lists.length === 0) return ClassSet.EMPTY;
    const ids = lists.length === 1 ? [...lists[0]!] : [...new Set(lists.flat())];
    ids.sort((a, b) => a - b);
    return ClassSet.of(ids, this.classes.length);
  }
}
