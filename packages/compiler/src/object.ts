import type { K8sObject } from '@ztp/admission';
import type { Layer } from '@ztp/model';

export type { K8sObject };

/** An emitted object with what the bundle needs to place, order and trace it. */
export interface Emitted {
  readonly layer: Layer;
  readonly object: K8sObject;
  /** Declarations it came from, as `file:line` relative to the repository. */
  readonly sources: readonly string[];
}

/** Labels every ztp object carries, so a cluster's objects can be traced to their environment. */
export function ztpLabels(env: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'ztp', 'ztp.dev/environment': env };
}

/** A bundle object of `layer`, from `sources`. */
export function emitted(layer: Layer, object: K8sObject, sources: readonly string[]): Emitted {
  return { layer, object, sources: sources.length < 2 ? [...sources] : [...new Set(sources)].sort() };
}

/** Kubernetes label selector of exactly these labels. */
export function matchLabels(labels: Readonly<Record<string, string>>): { matchLabels: Record<string, string> } {
  return { matchLabels: { ...labels } };
}

/** Selector of a namespace by its immutable `kubernetes.io/metadata.name` label. */
export function namespaceSelector(name: string): { matchLabels: Record<string, string> } {
  return { matchLabels: { 'kubernetes.io/metadata.name': name } };
}
