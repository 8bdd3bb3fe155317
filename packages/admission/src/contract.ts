/**
 * The contract between the typed model, the compiler and the admission layer. The model only
 * needs to know that an environment lists admission modules; what a rule is and how it becomes
 * each engine's form lives in this package.
 */
import type { Rule } from './rule/ast.ts';

/** An object as it goes into a bundle: any Kubernetes-style resource. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** A reusable admission policy module (pod security, supply chain, labels, ...). */
export interface AdmissionModule {
  /** Stable identifier, DNS-label style, e.g. `pod-security-restricted`. */
  readonly id: string;
  /** One sentence for reports. */
  readonly description: string;
  /** The module's rules, each with its examples. A module without rules emits nothing. @default [] */
  readonly rules?: readonly Rule[];
}

/**
 * The admission forms a cluster can enforce; an environment picks the ones its clusters run.
 * - `kyverno`: `policies.kyverno.io/v1` ValidatingPolicy (CEL)
 * - `kyverno-legacy`: `kyverno.io/v1` ClusterPolicy, for clusters on older Kyverno
 * - `gatekeeper`: ConstraintTemplate (Rego v1) and Constraint
 * - `native`: ValidatingAdmissionPolicy and binding, where the rule can be expressed in it
 */
export type ClusterForm = 'kyverno' | 'kyverno-legacy' | 'gatekeeper' | 'native';

/** Every cluster form, in a fixed order. */
export const CLUSTER_FORMS: readonly ClusterForm[] = ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'];

/** What the environment decides for its admission layer. */
export interface AdmissionSettings {
  readonly environment: string;
  readonly enforcement: 'audit' | 'enforce';
  /** Namespaces the environment manages; the policies apply to them. Empty: every namespace. */
  readonly namespaces: readonly string[];
  /** Which cluster forms go into the bundle (the scan forms always do). */
  readonly forms: readonly ClusterForm[];
}

/** A file of the bundle that is not a Kubernetes object (Rego for conftest, kyverno-json policies). */
export interface BundleFile {
  /** Path inside the bundle's `admission/` folder, e.g. `conftest/pod_security.rego`. */
  readonly path: string;
  readonly content: string;
}

/** A rule that a form cannot check, and what the form says about it. */
export interface AdmissionNotice {
  /** The form (cluster form or scan form) that cannot check the rule. */
  readonly form: ClusterForm | 'conftest' | 'kyverno-json';
  /** `<module id>/<rule id>`. */
  readonly rule: string;
  readonly text: string;
}

/** The admission layer of a bundle. */
export interface AdmissionOutput {
  /** Objects a cluster applies (listed in the bundle's kustomization). */
  readonly objects: K8sObject[];
  /** Files for pre-merge scans (conftest, kyverno-json); not applied to the cluster. */
  readonly files: BundleFile[];
  /** Rules some form cannot check (also written into that form's output). @default [] */
  readonly notices?: readonly AdmissionNotice[];
}
