/**
 * Greedy shrinking of a pod on which an engine and the reference disagree: every pod with one
 * field, list item or container removed is tried (a batch per step, largest removals first), the
 * first on which the disagreement persists is kept, until none does. Invalid candidates are for
 * the caller's check to reject (the reference says which are).
 */
import type { K8sObject } from '@ztp/admission/rule';

type Json = Record<string, any>;

/** Paths that are never removed: what makes the object a pod at all. */
function required(path: readonly (string | number)[]): boolean {
  const p = path.join('.');
  if (['apiVersion', 'kind', 'metadata', 'metadata.name', 'spec', 'spec.containers'].includes(p)) return true;
  // A container's name and image.
  return path.length === 4 && /^(containers|initContainers)$/.test(String(path[1])) && (path[3] === 'name' || path[3] === 'image');
}

function removeAt(object: Json, path: readonly (string | number)[]): Json {
  const copy = structuredClone(object);
  let parent: any = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** Every pod with one node removed, breadth first (whole containers and fields before their parts). */
export function removals(pod: K8sObject): K8sObject[] {
  const out: K8sObject[] = [];
  const queue: (string | number)[][] = Object.keys(pod).map((k) => [k]);
  while (queue.length > 0) {
    const path = queue.shift()!;
    let node: any = pod;
    for (const key of path) node = node[key];
    const lastContainer = path.length === 3 && path[1] === 'containers' && (pod['spec'] as Json)['containers'].length === 1;
    if (!required(path) && !lastContainer) out.push(removeAt(pod as Json, path) as K8sObject);
    if (Array.isArray(node)) node.forEach((_, i) => queue.push([...path, i]));
    else if (node !== null && typeof node === 'object') for (const k of Object.keys(node)) queue.push([...path, k]);
  }
  return out;
}

/**
 * Shrinks `pod` while `firstFailing` finds a candidate that still fails (it gets every removal
 * at once and returns the index of the first one that keeps the failure, or -1).
 */
export async function shrink(pod: K8sObject, firstFailing: (candidates: readonly K8sObject[]) => Promise<number>, maxSteps = 80): Promise<{ pod: K8sObject; steps: number }> {
  let current = pod;
  for (let step = 0; step < maxSteps; step++) {
    const candidates = removals(current);
    if (candidates.length === 0) return { pod: current, steps: step };
    const i = await firstFailing(candidates);
    if (i < 0) return { pod: current, steps: step };
    current = candidates[i]!;
  }
  return { pod: current, steps: maxSteps };
}
