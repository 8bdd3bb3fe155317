/**
 * The proof one example at a time, for comparison with the batched proof (`proveModules` runs
 * each engine once for every example; @ztp/bench measures both): the same cases and emitted
 * forms, one engine process per case.
 */
import type { AdmissionModule } from '../contract.ts';
import { emitAdmission } from '../emit/index.ts';
import type { EngineName } from '../engines/types.ts';
import { exampleCases } from './cases.ts';
import { PROOF_SETTINGS } from './matrix.ts';
import { runEngine, type EngineRun, type RunOptions } from './run-engine.ts';

export { exampleCases } from './cases.ts';
export type { ExampleCase } from './cases.ts';

/**
 * Runs `engine` once per example case of `modules` (the cases `proveModules` builds), in case
 * order; only the cases with the given ids when `only` is given.
 */
export async function runEachExample(engine: EngineName, modules: readonly AdmissionModule[], options: RunOptions = {}, only?: readonly string[]): Promise<EngineRun[]> {
  const output = emitAdmission(modules, PROOF_SETTINGS);
  const runs: EngineRun[] = [];
  for (const c of exampleCases(modules)) if (only === undefined || only.includes(c.id)) runs.push(await runEngine(engine, output, [c], options));
  return runs;
}
