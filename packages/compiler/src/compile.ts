import { InputError, validateEnvironment, validateEnvironments, type Environment, type Problem } from '@ztp/model';
import { assembleBundle, type Bundle } from './bundle.ts';
import { auditPolicy, EMITTERS, emitAdmissionLayer, emitApplicationSet, emitVault, type GitOpsSettings } from './emitters/index.ts';
import { toIR, type IR } from './ir.ts';
import type { Emitted } from './object.ts';
import type { BundleFile } from '@ztp/admission';
import { toYaml } from './serialize.ts';

/** What `compileEnvironment` lays out as a bundle: the emitted objects and the other files. */
export interface EmittedEnvironment {
  readonly ir: IR;
  /** Every cluster object, as emitted (before sync-wave annotations, schema check and serialising). */
  readonly objects: readonly Emitted[];
  /** Files that are not cluster objects (admission scan forms, the audit policy, Vault). */
  readonly files: readonly BundleFile[];
}

/**
 * Validates an environment and runs every emitter, without laying out the bundle. Bad input
 * throws an `InputError` naming every problem, and nothing is emitted.
 */
export function emitEnvironment(env: Environment, root: string): EmittedEnvironment {
  validateEnvironment(env);
  return emitValidated(env, root);
}

/** `emitEnvironment` of an environment that has just passed `validateEnvironment`. */
function emitValidated(env: Environment, root: string): EmittedEnvironment {
  const ir = toIR(env, root);
  const admission = emitAdmissionLayer(ir);
  const files = [
    ...admission.files.map((f) => ({ path: `admission/scan/${f.path}`, content: f.content })),
    { path: 'audit/audit-policy.yaml', content: toYaml(auditPolicy(env.audit.rules ?? [])) },
    ...emitVault(ir),
  ];
  return { ir, objects: [...EMITTERS.flatMap((emit) => emit(ir)), ...admission.objects], files };
}

/**
 * Compiles one environment into its bundle, in memory. Validates first: bad input throws an
 * `InputError` naming every problem, and nothing is emitted.
 */
export function compileEnvironment(env: Environment, root: string): Bundle {
  const { ir, objects, files } = emitEnvironment(env, root);
  return assembleBundle(ir, objects, files);
}

/** All bundles of a set of environments plus the Argo CD ApplicationSet over them. */
export interface CompiledRepository {
  readonly bundles: readonly Bundle[];
  /** `argocd/applicationset.yaml`, over every environment of the repository. */
  readonly applicationSet: string;
}

/**
 * Compiles every given environment, checking first what only the whole set shows (names and
 * namespaces shared on one cluster). Throws before returning anything if any environment fails.
 */
export function compileEnvironments(envs: readonly Environment[], root: string, gitops: GitOpsSettings, all: readonly Environment[] = envs): CompiledRepository {
  const problems: Problem[] = [];
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
    }
  };
  collect(() => validateEnvironments(all));
  for (const e of envs) collect(() => validateEnvironment(e));
  if (problems.length > 0) throw new InputError(problems);
  // each environment validated just above: not again
  const bundles = envs.map((e) => {
    const { ir, objects, files } = emitValidated(e, root);
    return assembleBundle(ir, objects, files);
  });
  const applicationSet = toYaml(emitApplicationSet(gitops, all.map((e) => ({ environment: e.name, cluster: e.cluster }))));
  return { bundles, applicationSet };
}
