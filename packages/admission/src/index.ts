/**
 * @ztp/admission: the typed admission rule language, its emitters for every engine form, and the
 * proof that the forms give the verdicts each rule's examples promise.
 */
export * from './rule/index.ts';
export { checkModule, checkRule, RuleError } from './rule/check.ts';
export { exampleGaps, interpret, kindsWithoutDenyExample, misjudgedExamples, podParts, targets, unpinnedClauses } from './rule/interpret.ts';

export { emitAdmission } from './emit/index.ts';
export { CONFTEST_DIR, CONFTEST_LIB, conftestPath, emitConftest, parseConftestMessage } from './emit/conftest.ts';
export { constraintKind, ruleKey, ruleObjectName } from './emit/names.ts';
export { conftestTestPath, conftestTests } from './emit/conftest-tests.ts';
export { runOpaTests } from './engines/opa-test.ts';
export type { RegoTestResult } from './engines/opa-test.ts';

export type { Case, EngineInput, EngineName, EngineReport, Finding } from './engines/types.ts';
export { ENGINE_TOOL, ENGINES, EngineError } from './engines/types.ts';
export { proveModules, proveShipped, PROOF_SETTINGS } from './proof/matrix.ts';
export { enforcementProblems, withSettings } from './proof/enforcement.ts';
export { exampleCases, runEachExample, type ExampleCase } from './proof/each-example.ts';
export type { Outcome, ProofFailure, ProofOptions, VerdictCell, VerdictMatrix } from './proof/matrix.ts';
export { renderJUnit } from './proof/junit.ts';
export { evaluate } from './proof/evaluate.ts';
export type { EvaluateInput, EvaluateOptions, EvaluateRecord } from './proof/evaluate.ts';
export { runEngine } from './proof/run-engine.ts';
export type { EngineRun, RunOptions } from './proof/run-engine.ts';
export { conformanceDir, crdsDir, engineMissing } from './proof/shared-data.ts';
export { readGatekeeperSuite } from './conformance/gatekeeper-suite.ts';
export type { SuiteCase, SuiteTest } from './conformance/gatekeeper-suite.ts';
export { readKyvernoTestFolder } from './conformance/kyverno-test.ts';
export type { KyvernoExpectation, KyvernoTestFolder } from './conformance/kyverno-test.ts';
