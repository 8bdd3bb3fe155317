/**
 * Reading a gatekeeper-library rule folder (`suite.yaml`, template, constraints, example objects)
 * into constraints and cases with their expected verdicts, for conformance checks.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { K8sObject } from '../contract.ts';

/** One case of a suite: an object and whether the constraint must flag it. */
export interface SuiteCase {
  readonly test: string;
  readonly name: string;
  readonly object: K8sObject;
  readonly deny: boolean;
}

/** One test of a suite: a constraint and its cases. */
export interface SuiteTest {
  readonly name: string;
  readonly constraint: K8sObject;
  readonly cases: readonly SuiteCase[];
}

interface SuiteFile {
  tests: { name: string; constraint: string; cases: { name: string; object: string; assertions?: { violations?: string | number | boolean; message?: string }[] }[] }[];
}

function violates(v: string | number | boolean | undefined): boolean {
  if (v === undefined) return false;
  if (typeof v === 'number') return v > 0;
  if (typeof v === 'boolean') return v;
  return v === 'yes' || (/^\d+$/.test(v) && Number(v) > 0);
}

/** The tests of the `suite.yaml` in `dir`. A case must be flagged when any assertion expects violations. */
export function readGatekeeperSuite(dir: string): SuiteTest[] {
  const suite = parse(readFileSync(join(dir, 'suite.yaml'), 'utf8')) as SuiteFile;
  return suite.tests.map((t) => ({
    name: t.name,
    constraint: parse(readFileSync(join(dir, t.constraint), 'utf8')) as K8sObject,
    cases: t.cases.map((c) => ({
      test: t.name,
      name: c.name,
      object: parse(readFileSync(join(dir, c.object), 'utf8')) as K8sObject,
      deny: (c.assertions ?? []).some((a) => violates(a.violations)),
    })),
  }));
}

/** The folder of a suite file's referenced path (for messages). */
export function suiteDir(file: string): string {
  return dirname(file);
}
