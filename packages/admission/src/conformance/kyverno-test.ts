/**
 * Reading a kyverno/policies rule folder (`policy.yaml`, `resource.yaml`, `kyverno-test.yaml`)
 * into the policy, the resources and the expected result per policy rule and resource.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import type { K8sObject } from '../contract.ts';

/** An expected result of `kyverno test`. */
export interface KyvernoExpectation {
  /** The Kyverno policy rule. */
  readonly rule: string;
  readonly kind: string;
  readonly resource: string;
  readonly result: 'pass' | 'fail' | 'skip' | 'warn' | 'error';
}

export interface KyvernoTestFolder {
  readonly policy: Record<string, unknown>;
  readonly resources: readonly K8sObject[];
  readonly expectations: readonly KyvernoExpectation[];
}

interface TestFile {
  results: { rule: string; kind: string; resources: string[]; result: KyvernoExpectation['result'] }[];
}

/** The policy, resources and expectations of a kyverno/policies rule folder. */
export function readKyvernoTestFolder(dir: string): KyvernoTestFolder {
  const policy = parse(readFileSync(join(dir, 'policy.yaml'), 'utf8')) as Record<string, unknown>;
  const resources = parseAllDocuments(readFileSync(join(dir, 'resource.yaml'), 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  const test = parse(readFileSync(join(dir, 'kyverno-test.yaml'), 'utf8')) as TestFile;
  const expectations = test.results.flatMap((r) => r.resources.map((resource) => ({ rule: r.rule, kind: r.kind, resource, result: r.result })));
  return { policy, resources, expectations };
}
