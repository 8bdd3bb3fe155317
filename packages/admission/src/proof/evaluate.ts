/**
 * `evaluate`: one engine's verdicts on arbitrary objects (for `ztp admission evaluate`).
 */
import type { AdmissionModule, K8sObject } from '../contract.ts';
import { emitAdmission } from '../emit/index.ts';
import { ruleKey } from '../emit/names.ts';
import { targets } from '../rule/interpret.ts';
import type { EngineName } from '../engines/types.ts';
import { caseId, renamed } from './cases.ts';
import { PROOF_SETTINGS } from './matrix.ts';
import { runEngine, type RunOptions } from './run-engine.ts';

/** An object to evaluate and the file it came from. */
export interface EvaluateInput {
  readonly file: string;
  readonly object: K8sObject;
}

/** One engine's verdict on one object. */
export interface EvaluateRecord {
  readonly file: string;
  /** `<Kind>/<namespace>/<name>` or `<Kind>/<name>`. */
  readonly object: string;
  readonly engine: EngineName;
  readonly allowed: boolean;
  /** `<module>/<rule>: <message>` for every denial (and error). */
  readonly messages: readonly string[];
}

export interface EvaluateOptions extends RunOptions {
  /** The admission modules to evaluate against. */
  readonly profile: readonly AdmissionModule[];
  readonly engine: EngineName;
}

function describe(o: K8sObject): string {
  return [o.kind, o.metadata.namespace, o.metadata.name].filter((p) => p !== undefined && p !== '').join('/');
}

/**
 * Runs one engine over the objects against the profile. Throws when the engine is missing or
 * fails (there is nothing to report then).
 */
export async function evaluate(objects: readonly EvaluateInput[], options: EvaluateOptions): Promise<EvaluateRecord[]> {
  const cases = objects.map((o, i) => ({ id: caseId(i + 1), object: renamed(o.object, caseId(i + 1)) }));
  const output = emitAdmission(options.profile, PROOF_SETTINGS);
  const run = await runEngine(options.engine, output, cases, options);
  if (run.status !== 'ran') throw new Error(run.reason);
  // A cluster evaluates a policy only on the kinds it matches; `kyverno apply` (the native form's
  // path for objects that are not examples) runs a ValidatingAdmissionPolicy on every object, so
  // there a rule's finding on an object of a kind it does not target is dropped. The other engines
  // keep every finding (a denial is never dropped on this analysis's reading of a kind).
  const targetOf = new Map(options.profile.flatMap((m) => (m.rules ?? []).flatMap((r) => (r.kind === 'validation' ? [[ruleKey(m, r), r.target] as const] : []))));
  return objects.map((o, i) => {
    const findings = run.report.findings.filter((f) => {
      const target = targetOf.get(f.rule);
      return f.case === cases[i]!.id && (options.engine !== 'native' || target === undefined || targets(target, o.object));
    });
    const messages = [...new Set(findings.map((f) => `${f.rule}: ${f.outcome === 'deny' ? f.message : `${f.outcome}: ${f.message}`}`))].sort();
    return { file: o.file, object: describe(o.object), engine: options.engine, allowed: findings.length === 0, messages };
  });
}
