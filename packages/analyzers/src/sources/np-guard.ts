/**
 * The np-guard conformance cases (netpol-analyzer's own test inputs, shared data): each
 * `<case>/manifests` folder is one cross-check case.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { caseFromDirectory } from '../case.ts';
import type { CrossCheckCase } from '../case.ts';

/** The case names under `dir` (the `netpol-np-guard` folder), sorted. */
export function npGuardCaseNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Every np-guard case under `dir`, named `np-guard/<case>`. */
export function npGuardCases(dir: string): CrossCheckCase[] {
  return npGuardCaseNames(dir).map((name) => caseFromDirectory(`np-guard/${name}`, join(dir, name, 'manifests')));
}
