/** Turning examples and objects into a batch: one case per object, each under a unique name. Pure. */
import type { AdmissionModule, K8sObject } from '../contract.ts';
import type { Example, ValidationRule } from '../rule/ast.ts';
import type { Case } from '../engines/types.ts';
import { ruleKey } from '../emit/names.ts';

/** A rule's example, as a case of the batch. */
export interface ExampleCase extends Case {
  readonly module: AdmissionModule;
  readonly rule: ValidationRule;
  /** `<module>/<rule>`. */
  readonly ruleKey: string;
  readonly example: Example;
}

/** The batch name of the n-th case. */
export function caseId(n: number): string {
  return `ztp-case-${String(n).padStart(4, '0')}`;
}

/** The object under the case's name (a deep copy; nothing else changes). */
export function renamed(object: K8sObject, id: string): K8sObject {
  const copy = structuredClone(object);
  copy.metadata = { ...copy.metadata, name: id };
  return copy;
}

/** One case per example of every validation rule of the modules, in module, rule, example order. */
export function exampleCases(modules: readonly AdmissionModule[]): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const module of modules) {
    for (const rule of module.rules ?? []) {
      if (rule.kind !== 'validation') continue;
      for (const example of rule.examples) {
        const id = caseId(cases.length + 1);
        const flag = example.invalidOnCluster === true ? { invalidOnCluster: true } : {};
        cases.push({ id, object: renamed(example.object, id), module, rule, ruleKey: ruleKey(module, rule), example, ...flag });
      }
    }
  }
  return cases;
}
