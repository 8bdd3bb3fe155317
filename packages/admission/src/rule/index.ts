/**
 * The typed admission rule language alone (`@ztp/admission/rule`): what policy modules and
 * environments import. It loads none of the engine adapters or proofs, so that compiling an
 * environment does not load them either.
 */
export type { AdmissionModule, AdmissionNotice, AdmissionOutput, AdmissionSettings, BundleFile, ClusterForm, K8sObject } from '../contract.ts';
export { CLUSTER_FORMS } from '../contract.ts';

export type {
  Atom,
  Clause,
  Condition,
  Example,
  Exists,
  ImageSignatureRule,
  Ref,
  ResourceKind,
  Rule,
  RootVar,
  Scalar,
  Signer,
  Source,
  Target,
  Test,
  ValidationRule,
} from './ast.ts';
export type { Scope, Value } from './build.ts';
export {
  allow,
  deny,
  imageSignatureRule,
  invalidOnCluster,
  KINDS,
  meta,
  object,
  objects,
  POD_KINDS,
  PODS,
  scope,
  someContainer,
  spec,
  validationRule,
  violation,
  violationWithMessage,
} from './build.ts';
export type * from './shapes.ts';
export { container, pod, withWorkloads, workload, WORKLOAD_KINDS } from './objects.ts';
export type { WorkloadKind } from './objects.ts';
