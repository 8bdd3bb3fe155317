/**
 * The one result model every engine adapter parses its output into.
 */
import type { AdmissionOutput, K8sObject } from '../contract.ts';

/**
 * The engines ztp proves rules with. Each is one process per run:
 * - `kyverno`: Kyverno CLI on the ValidatingPolicy (CEL) form
 * - `kyverno-legacy`: Kyverno CLI on the ClusterPolicy form
 * - `native`: Kyverno CLI on the ValidatingAdmissionPolicy form
 * - `gatekeeper`: gator on the ConstraintTemplate/Constraint form
 * - `conftest`: conftest on the Rego form
 * - `opa`: opa eval on the same Rego
 * - `kyverno-json`: kyverno-json scan on the json.kyverno.io form
 * - `apiserver`: the real kube-apiserver on the ValidatingAdmissionPolicy form (dry runs)
 */
export type EngineName = 'kyverno' | 'kyverno-legacy' | 'native' | 'gatekeeper' | 'conftest' | 'opa' | 'kyverno-json' | 'apiserver';

/** Every engine, in report order. */
export const ENGINES: readonly EngineName[] = ['kyverno', 'kyverno-legacy', 'native', 'gatekeeper', 'conftest', 'opa', 'kyverno-json', 'apiserver'];

/** The binary (as @ztp/tools names it) each engine runs. */
export const ENGINE_TOOL: Readonly<Record<EngineName, string>> = {
  kyverno: 'kyverno',
  'kyverno-legacy': 'kyverno',
  native: 'kyverno',
  gatekeeper: 'gator',
  conftest: 'conftest',
  opa: 'opa',
  'kyverno-json': 'kyverno-json',
  apiserver: 'kube-apiserver',
};

/** An object in a batch, under a name unique in the batch (`metadata.name` is set to it). */
export interface Case {
  readonly id: string;
  readonly object: K8sObject;
  /**
   * `<module>/<rule>` when the case is an example of that rule: engines that can (Kyverno CLI)
   * then test it against that rule only. @default every rule
   */
  readonly ruleKey?: string;
  /**
   * The example says a real apiserver rejects this object in its own validation (Example
   * `invalidOnCluster`): the apiserver engine reports such a rejection as not applicable
   * instead of an error. @default false
   */
  readonly invalidOnCluster?: boolean;
}

/** What one engine said about one (rule, case) pair. Pairs it said nothing about were allowed. */
export interface Finding {
  readonly case: string;
  /** `<module>/<rule>`. */
  readonly rule: string;
  /**
   * `not-applicable`: the engine could not judge the pair, for a reason the case declared
   * (an object a real apiserver refuses in its own validation); neither an allow nor a deny.
   */
  readonly outcome: 'deny' | 'error' | 'not-applicable';
  readonly message: string;
}

/** The parsed result of one engine process over a whole batch. */
export interface EngineReport {
  readonly engine: EngineName;
  /** The command that ran (binary path and arguments). */
  readonly command: readonly string[];
  readonly findings: readonly Finding[];
  /** Rules the engine was asked about: a pair of one of these with a case and no finding was allowed. */
  readonly rules: readonly string[];
}

/** What an engine adapter gets: the emitted forms, the batch, a scratch folder. */
export interface EngineInput {
  readonly output: AdmissionOutput;
  readonly cases: readonly Case[];
  readonly workDir: string;
  /** The engine's binary, from @ztp/tools. */
  readonly binary: string;
}

/** Raised when an engine's output cannot be read; carries the command and the output's tail. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
}
