/**
 * @ztp/policy-labels: label keys objects must carry, each with an optional allowed-value pattern.
 *
 *     admission: [requiredLabels({ labels: [{ key: 'owner', allowedRegex: '^[a-z]+$' }] })]
 */
import { allow, deny, KINDS, meta, object, pod, validationRule, violationWithMessage, workload, WORKLOAD_KINDS } from '@ztp/admission/rule';
import type { AdmissionModule, Clause, Example, K8sObject, ResourceKind, Target } from '@ztp/admission/rule';

/** One required label. */
export interface RequiredLabel {
  readonly key: string;
  /** An RE2 pattern the value must contain a match for (unanchored, like Gatekeeper's allowedRegex). @default any value */
  readonly allowedRegex?: string;
  /** A value that satisfies the pattern, for the rule's allowed example. @default 'example' */
  readonly exampleValue?: string;
}

/** Parameters of requiredLabels. */
export interface RequiredLabelsOptions {
  readonly labels: readonly RequiredLabel[];
  /**
   * What must carry the labels: `pods` (Pods and pod-bearing workloads) or the listed kinds.
   * @default 'pods'
   */
  readonly kinds?: 'pods' | readonly ResourceKind[];
  /**
   * For `pods`: whose labels count, the object's own (`object`) or its pods' (`pod`: a workload's
   * pod template labels). @default 'object'
   */
  readonly on?: 'object' | 'pod';
  /** The id of the module (to list several label policies in one environment). @default 'required-labels' */
  readonly id?: string;
}

function sample(target: Target, name: string, labels: Record<string, string>, onPod: boolean): K8sObject {
  if (target.kind === 'objects') {
    const kind = target.resources[0]!;
    return { apiVersion: kind.group === '' ? kind.version : `${kind.group}/${kind.version}`, kind: kind.kind, metadata: { name, labels } };
  }
  if (!onPod) return pod(name, {}, { labels });
  return workload('Deployment', pod(name, {}, { labels }));
}

/** Objects must carry the labels, with values matching their patterns. */
export function requiredLabels(options: RequiredLabelsOptions): AdmissionModule {
  if (options.labels.length === 0) throw new Error('requiredLabels needs at least one label');
  const kinds = options.kinds ?? 'pods';
  const target: Target = kinds === 'pods' ? { kind: 'pods' } : { kind: 'objects', resources: kinds };
  const onPod = kinds === 'pods' && options.on === 'pod';
  const keys = options.labels.map((l) => l.key);
  const clauses: Clause[] = [];
  for (const label of options.labels) {
    clauses.push(violationWithMessage(`missing required label ${label.key}`, onPod ? meta.field('labels').lacksKey(label.key) : object.field('metadata.labels').lacksKey(label.key)));
    if (label.allowedRegex !== undefined && label.allowedRegex !== '') {
      const value = onPod ? meta.key('labels', label.key) : object.key('metadata.labels', label.key);
      const has = onPod ? meta.field('labels').hasKey(label.key) : object.field('metadata.labels').hasKey(label.key);
      clauses.push(violationWithMessage(`label ${label.key} must match ${label.allowedRegex}`, has, value.notMatches(label.allowedRegex)));
    }
  }
  const good = Object.fromEntries(options.labels.map((l) => [l.key, l.exampleValue ?? 'example']));
  const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));
  const examples: Example[] = [allow('all-labels', sample(target, 'all-labels', good, onPod))];
  // One deny example per clause, which only that clause denies: each label missing, each pattern
  // not matched (the first label's examples keep their plain names).
  options.labels.forEach((label, i) => {
    const suffix = i === 0 ? '' : `-${i + 1}`;
    examples.push(deny(`missing${suffix}`, sample(target, `missing${suffix}`, without(label.key), onPod), { message: `missing required label ${label.key}` }));
    const pattern = label.allowedRegex;
    const badValue = pattern ? ['', 'x', '0', 'ztp-example-not-matching'].find((v) => !new RegExp(pattern).test(v)) : undefined;
    if (badValue !== undefined) {
      examples.push(deny(`bad-value${suffix}`, sample(target, `bad-value${suffix}`, { ...good, [label.key]: badValue }, onPod), { message: `label ${label.key} must match` }));
    }
  });
  const [first] = options.labels;
  const rest = without(first!.key);
  const message = `missing required label ${first!.key}`;
  // The first label missing on each pod-bearing kind the samples are not of: on a workload's own
  // metadata (its pod template has every label), or on its pods' (the template's).
  if (kinds === 'pods' && onPod) {
    examples.push(deny('pod-missing', pod('pod-missing', {}, { labels: rest }), { message }));
    for (const kind of WORKLOAD_KINDS.filter((k) => k !== 'Deployment')) {
      const name = `${kind.toLowerCase()}-missing`;
      examples.push(deny(name, workload(kind, pod(name, {}, { labels: rest })), { message }));
    }
  } else if (kinds === 'pods') {
    for (const kind of WORKLOAD_KINDS) {
      const name = `${kind.toLowerCase()}-missing`;
      const note = kind === 'Deployment' ? { note: "a workload's own labels count, not its pod template's" } : {};
      examples.push(deny(name, { ...workload(kind, pod(name, {}, { labels: good })), metadata: { name, labels: rest } }, { message, ...note }));
    }
  }
  return {
    id: options.id ?? 'required-labels',
    description: `Objects carry the labels ${keys.join(', ')}`,
    rules: [
      validationRule({
        id: 'required-labels',
        title: `Required labels: ${keys.join(', ')}`,
        message: `missing or invalid required labels (${keys.join(', ')})`,
        target,
        violations: clauses,
        examples,
      }),
    ],
  };
}

export { KINDS };
