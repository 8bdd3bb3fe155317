/**
 * The contract between the typed model and the admission layer. The model only needs to know
 * that an environment lists admission modules; what a rule is and how it becomes each engine's
 * form lives in this package.
 */

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
}

/** What the environment decides for its admission layer. */
export interface AdmissionSettings {
  readonly environment: string;
  readonly enforcement: 'audit' | 'enforce';
  /** Namespaces the environment manages; the policies apply to them. */
  readonly namespaces: readonly string[];
}

/**
 * Every engine's form of the given modules, as bundle objects. Until the admission emitters land,
 * this emits nothing and the compiler reports the admission layer as empty.
 */
export function emitAdmission(_modules: readonly AdmissionModule[], _settings: AdmissionSettings): K8sObject[] {
  return [];
}
