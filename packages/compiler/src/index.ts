/**
 * @ztp/compiler: typed source -> validated model -> IR -> emitters -> deterministic bundle.
 * Everything here is pure except `load.ts` (imports environment files) and `write.ts` (the bundle
 * folder), which sit at the edges.
 */
export { compileEnvironment, compileEnvironments, emitEnvironment, type CompiledRepository, type EmittedEnvironment } from './compile.ts';
export { assembleBundle, intendedConnectivity, kustomization, BundleError, type Bundle, type ManifestObject } from './bundle.ts';
export { toIR, originOf, type IR, type IRAllow, type IREgress, type IRPeer, type IRWorkload, type IRNamespace } from './ir.ts';
export * from './emitters/index.ts';
export { schemaError, knownKinds } from './schema.ts';
export { canonical, toYaml, toJson, sha256 } from './serialize.ts';
export { syncWave, isCustomResource, withArgoAnnotations, WAVES } from './sync-waves.ts';
export { findRoot, discoverEnvironments, loadEnvironment, loadGitOpsSettings, ENVIRONMENT_ENTRY, type EnvironmentSource } from './load.ts';
export { writeTreeAtomically, writeBundles, diffBundle, isClean, listFiles, replaceProblem, type BundleDiff } from './write.ts';
export type { Emitted, K8sObject } from './object.ts';
