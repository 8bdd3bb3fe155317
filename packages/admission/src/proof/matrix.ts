/**
 * The proof: every example of every rule through every engine, as a verdict matrix
 * (rule × example × engine), with a failure for each verdict or message that differs from the
 * example's promise and for each example on which engines disagree.
 */
import type { AdmissionModule, AdmissionOutput, AdmissionSettings, BundleFile, ClusterForm, K8sObject } from '../contract.ts';
import { ruleKey } from '../emit/names.ts';
import { emitAdmission } from '../emit/index.ts';
import { ENGINES, type EngineName } from '../engines/types.ts';
import { checkModule } from '../rule/check.ts';
import { exampleCases, type ExampleCase } from './cases.ts';
import { canonical, enforcementProblems, withSettings } from './enforcement.ts';
import { runEngine, type EngineRun, type RunOptions } from './run-engine.ts';

/** The outcome of one engine on one example. */
export type Outcome = 'allow' | 'deny' | 'error' | 'not-run';

/** One cell of the matrix. */
export interface VerdictCell {
  /** `<module>/<rule>`. */
  readonly rule: string;
  readonly example: string;
  readonly engine: EngineName;
  readonly expected: 'allow' | 'deny';
  readonly actual: Outcome;
  /** The engine's messages for this rule on this example. */
  readonly messages: readonly string[];
  /** Why the engine did not run, or its error. */
  readonly reason?: string;
}

/** Something the proof found wrong. */
export interface ProofFailure {
  /**
   * `coverage`: an engine that ran has no form of the rule (its examples would not be judged there);
   * `enforcement`: a form audits instead of enforcing, or scopes other namespaces (see enforcement.ts).
   */
  readonly kind: 'verdict' | 'message' | 'disagreement' | 'engine' | 'coverage' | 'enforcement';
  readonly rule?: string;
  readonly example?: string;
  /** `<Kind>/<name>` of the example object. */
  readonly object?: string;
  readonly engines: readonly EngineName[];
  readonly text: string;
}

/** The whole proof. */
export interface VerdictMatrix {
  readonly cells: readonly VerdictCell[];
  readonly failures: readonly ProofFailure[];
  /** Per engine: ran, not run (with why) or failed. */
  readonly engines: readonly { readonly engine: EngineName; readonly status: EngineRun['status']; readonly reason?: string; readonly command?: readonly string[] }[];
}

export interface ProofOptions extends RunOptions {
  /** The engines to run. @default every engine */
  readonly engines?: readonly EngineName[];
  /**
   * Changes the emitted forms before the engines run: for the proof's own tests, which break a
   * form (a mutation) and check that the proof fails. @default none
   */
  readonly mutate?: (output: AdmissionOutput) => AdmissionOutput;
}

/** The settings the proof emits with: enforce, every namespace, every cluster form. */
export const PROOF_SETTINGS: AdmissionSettings = {
  environment: 'proof',
  enforcement: 'enforce',
  namespaces: [],
  forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'],
};

function objectName(c: ExampleCase): string {
  return `${c.example.object.kind}/${c.example.object.metadata.name}`;
}

/** Cells of an engine that ran but whose form lacks the rule: a failure, not a gap to report. */
const formLacksRule = new WeakSet<VerdictCell>();

function cellFor(c: ExampleCase, run: EngineRun): VerdictCell {
  const base = { rule: c.ruleKey, example: c.example.name, engine: run.engine, expected: c.example.verdict };
  if (run.status !== 'ran') return { ...base, actual: run.status === 'failed' ? 'error' : 'not-run', messages: [], reason: run.reason };
  if (!run.report.rules.includes(c.ruleKey)) {
    const cell: VerdictCell = { ...base, actual: 'not-run', messages: [], reason: `not run, because the ${run.engine} form has no ${c.ruleKey}` };
    formLacksRule.add(cell);
    return cell;
  }
  const findings = run.report.findings.filter((f) => f.case === c.id && f.rule === c.ruleKey);
  const notApplicable = findings.find((f) => f.outcome === 'not-applicable');
  if (notApplicable !== undefined) return { ...base, actual: 'not-run', messages: [], reason: `not applicable: ${notApplicable.message}` };
  const errors = findings.filter((f) => f.outcome === 'error');
  if (errors.length > 0) return { ...base, actual: 'error', messages: errors.map((f) => f.message), reason: errors[0]!.message };
  const messages = [...new Set(findings.map((f) => f.message))].sort();
  return { ...base, actual: messages.length > 0 ? 'deny' : 'allow', messages };
}

/** Checks the cells of one example: promise kept by each engine, and all engines agreeing. */
function judge(c: ExampleCase, cells: readonly VerdictCell[]): ProofFailure[] {
  const failures: ProofFailure[] = [];
  const object = objectName(c);
  const where = { rule: c.ruleKey, example: c.example.name, object };
  for (const cell of cells) {
    if (formLacksRule.has(cell)) {
      failures.push({ kind: 'coverage', ...where, engines: [cell.engine], text: `${cell.engine} did not judge ${object} (${c.ruleKey} example ${c.example.name}): its form has no ${c.ruleKey}` });
      continue;
    }
    if (cell.actual === 'not-run') continue;
    if (cell.actual === 'error') {
      failures.push({ kind: 'verdict', ...where, engines: [cell.engine], text: `${cell.engine} gave an error on ${object} (${c.ruleKey} example ${c.example.name}): ${cell.reason ?? ''}` });
    } else if (cell.actual !== cell.expected) {
      failures.push({
        kind: 'verdict',
        ...where,
        engines: [cell.engine],
        text: `${cell.engine} ${cell.actual === 'deny' ? 'denied' : 'allowed'} ${object} (${c.ruleKey} example ${c.example.name}), expected ${cell.expected}${cell.messages.length > 0 ? `: ${cell.messages.join('; ')}` : ''}`,
      });
    } else if (cell.expected === 'deny') {
      const wanted = c.example.message ?? c.rule.message;
      if (!cell.messages.some((m) => m.includes(wanted))) {
        failures.push({ kind: 'message', ...where, engines: [cell.engine], text: `${cell.engine} denied ${object} (${c.ruleKey} example ${c.example.name}) with "${cell.messages.join('; ')}", expected a message containing "${wanted}"` });
      }
    }
  }
  const decided = cells.filter((cell) => cell.actual === 'allow' || cell.actual === 'deny');
  const allowing = decided.filter((cell) => cell.actual === 'allow').map((cell) => cell.engine);
  const denying = decided.filter((cell) => cell.actual === 'deny').map((cell) => cell.engine);
  if (allowing.length > 0 && denying.length > 0) {
    failures.push({
      kind: 'disagreement',
      ...where,
      engines: [...allowing, ...denying],
      text: `engines disagree on ${object} (${c.ruleKey} example ${c.example.name}): ${allowing.join(', ')} allow, ${denying.join(', ')} deny`,
    });
  }
  return failures;
}

/**
 * Runs every example of every rule of the modules through each engine (one process per engine
 * for the whole batch) and returns the verdict matrix. Engines whose binary is missing are
 * "not run" with the reason (under CI the missing binary throws). Image-signature rules are
 * listed as not run: their examples need a registry.
 */
export async function proveModules(modules: readonly AdmissionModule[], options: ProofOptions = {}): Promise<VerdictMatrix> {
  for (const m of modules) checkModule(m);
  const cases = exampleCases(modules);
  const emitted = emitAdmission(modules, PROOF_SETTINGS);
  const output = options.mutate === undefined ? emitted : options.mutate(emitted);
  const engines = options.engines ?? ENGINES;
  const runs: EngineRun[] = [];
  for (const engine of engines) runs.push(await runEngine(engine, output, cases, options));

  const cells: VerdictCell[] = [];
  const failures: ProofFailure[] = [];
  for (const run of runs) {
    if (run.status === 'failed') failures.push({ kind: 'engine', engines: [run.engine], text: run.reason });
  }
  // the engines report violations whatever the action: that the forms block, and where, is read here
  for (const text of enforcementProblems(output.objects, PROOF_SETTINGS)) failures.push({ kind: 'enforcement', engines: [], text });
  for (const c of cases) {
    const row = runs.map((run) => cellFor(c, run));
    cells.push(...row);
    failures.push(...judge(c, row));
  }
  for (const module of modules) {
    for (const rule of module.rules ?? []) {
      if (rule.kind !== 'image-signature') continue;
      for (const example of rule.examples) {
        for (const engine of engines) {
          const reason =
            engine === 'kyverno' || engine === 'kyverno-legacy'
              ? 'not run, because verifying image signatures needs the registry holding the signatures'
              : `not run, because ${engine} cannot check image signatures (Kyverno only)`;
          cells.push({ rule: ruleKey(module, rule), example: example.name, engine, expected: example.verdict, actual: 'not-run', messages: [], reason });
        }
      }
    }
  }
  return {
    cells,
    failures,
    engines: runs.map((run) =>
      run.status === 'ran' ? { engine: run.engine, status: run.status, command: run.report.command } : { engine: run.engine, status: run.status, reason: run.reason },
    ),
  };
}

/** The engine that judges each cluster form, and those that judge the scan files every bundle has. */
const FORM_ENGINE: Readonly<Record<ClusterForm, EngineName>> = { kyverno: 'kyverno', 'kyverno-legacy': 'kyverno-legacy', gatekeeper: 'gatekeeper', native: 'native' };
const SCAN_ENGINES: readonly EngineName[] = ['conftest', 'opa', 'kyverno-json'];

/**
 * The proof of what a bundle ships, not of a fresh emission: its own admission objects and scan
 * files (as read from the bundle) through the engine of each form `settings` choose and the scan
 * engines, every example of the modules getting its promised verdict, and the objects enforcing
 * and scoped as `settings` say (see enforcementProblems). The engines judge the objects with their
 * settings fields (actions, namespace scope) as the proof's own (see withSettings): those fields
 * are what enforcementProblems reads, every other field is what the engines do. So an edited rule,
 * a dropped kind, operation, policy or binding fails here even when the emitters are sound, and
 * so does an emitter branch only the environment's settings take.
 */
export async function proveShipped(modules: readonly AdmissionModule[], shipped: { readonly objects: readonly K8sObject[]; readonly files: readonly BundleFile[] }, settings: AdmissionSettings, options: RunOptions = {}): Promise<VerdictMatrix> {
  const engines = [...settings.forms.map((f) => FORM_ENGINE[f]), ...SCAN_ENGINES];
  const matrix = await proveModules(modules, { ...options, engines, mutate: () => ({ objects: withSettings(shipped.objects, PROOF_SETTINGS), files: [...shipped.files] }) });
  // read on the objects as shipped (the matrix read them with the proof's settings fields)
  const enforcement = enforcementProblems(shipped.objects, settings).map((text): ProofFailure => ({ kind: 'enforcement', engines: [], text }));
  const signatures = signatureDifferences(modules, shipped.objects, settings).map((text): ProofFailure => ({ kind: 'coverage', engines: [], text }));
  return { ...matrix, failures: [...enforcement, ...signatures, ...matrix.failures.filter((f) => f.kind !== 'enforcement')] };
}

/**
 * The image-signature rules no engine judges here (their examples need the registry holding the
 * signatures): what ships of them must be what the modules compile to under `settings`, every
 * ImageValidatingPolicy and every `verifyImages` rule of a ClusterPolicy, none missing, none extra.
 */
function signatureDifferences(modules: readonly AdmissionModule[], shipped: readonly K8sObject[], settings: AdmissionSettings): string[] {
  const pieces = (objects: readonly K8sObject[]) => {
    const out = new Map<string, string>();
    for (const o of objects) {
      if (o.kind === 'ImageValidatingPolicy') out.set(`ImageValidatingPolicy ${o.metadata.name}`, canonical(o['spec']));
      if (o.kind === 'ClusterPolicy') {
        for (const r of ((o['spec'] as { rules?: Record<string, unknown>[] } | undefined)?.rules ?? [])) if (r['verifyImages'] !== undefined) out.set(`ClusterPolicy ${o.metadata.name} rule ${String(r['name'])}`, canonical(r));
      }
    }
    return out;
  };
  const expected = pieces(emitAdmission(modules, settings).objects);
  const actual = pieces(shipped);
  const problems: string[] = [];
  for (const [what, spec] of expected) {
    const got = actual.get(what);
    if (got === undefined) problems.push(`${what} is not shipped, though the modules have it (image signatures are not judged by an engine here: they must be as compiled)`);
    else if (got !== spec) problems.push(`${what} differs from what the modules compile to (image signatures are not judged by an engine here: they must be as compiled)`);
  }
  for (const what of actual.keys()) if (!expected.has(what)) problems.push(`${what} is shipped, but no module has it`);
  return problems;
}
