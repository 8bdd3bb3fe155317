/**
 * The admission rule language, as data. A rule denies an object when any of its violation clauses
 * holds; a clause is a conjunction of conditions, where a condition is either a test on one value
 * (an atom) or "there is an element of a collection for which these conditions hold" (exists).
 *
 * The shape is deliberately small so that every engine form can express it the same way:
 * a clause is an existential, conjunctive query (one Rego rule body, one CEL `exists` chain, one
 * JMESPath filter), and every atom reads exactly one variable: the one bound at its own level.
 */
import type { K8sObject } from '../contract.ts';

/** A scalar a test compares with. */
export type Scalar = string | number | boolean;

/**
 * Root variables. `spec` and `meta` are the pod spec and pod metadata of a pod-bearing object
 * (for workloads: the pod template's); `object` is the whole object.
 */
export type RootVar = 'spec' | 'meta' | 'object';

/** A value read from a variable: the variable's name and a field path under it. */
export interface Ref {
  readonly var: string;
  readonly path: readonly string[];
}

/**
 * A test on one value. Every test is false when the value is missing, null or of another type;
 * its negation (`Atom.negate`) is the exact logical opposite, so a negated test holds for a
 * missing value.
 */
export type Test =
  /** Present and not null. */
  | { readonly op: 'set' }
  /** Equal to the scalar (same type). */
  | { readonly op: 'equals'; readonly value: Scalar }
  /** Equal to one of the scalars. */
  | { readonly op: 'oneOf'; readonly values: readonly Scalar[] }
  /** A string starting with one of the prefixes. */
  | { readonly op: 'startsWith'; readonly prefixes: readonly string[] }
  /** A string ending with one of the suffixes. */
  | { readonly op: 'endsWith'; readonly suffixes: readonly string[] }
  /** A string in which the RE2 pattern finds a match (unanchored, like Go's MatchString). */
  | { readonly op: 'matches'; readonly pattern: string }
  /** A list that contains the scalar. */
  | { readonly op: 'contains'; readonly value: Scalar }
  /** A map that has the key. */
  | { readonly op: 'hasKey'; readonly key: string };

/** A test on a value, possibly negated. */
export interface Atom {
  readonly kind: 'atom';
  readonly ref: Ref;
  readonly test: Test;
  /** @default false */
  readonly negate: boolean;
}

/** What an `exists` ranges over. */
export type Source =
  /** Every container of the pod spec: `containers`, `initContainers` and `ephemeralContainers`. */
  | { readonly kind: 'containers' }
  /** Every element of a list (a missing list has none). */
  | { readonly kind: 'items'; readonly of: Ref }
  /** Every entry of a map, as `{key, value}` (a missing map has none). */
  | { readonly kind: 'entries'; readonly of: Ref };

/** There is an element of `source`, bound to `var`, for which every condition in `where` holds. */
export interface Exists {
  readonly kind: 'exists';
  readonly var: string;
  readonly source: Source;
  readonly where: readonly Condition[];
}

export type Condition = Atom | Exists;

/** One way to violate a rule: every condition holds. */
export interface Clause {
  readonly when: readonly Condition[];
  /** The message for this way of failing. @default the rule's message */
  readonly message?: string;
}

/** A Kubernetes resource kind a rule applies to. */
export interface ResourceKind {
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural resource name, e.g. `pods`. */
  readonly resource: string;
}

/**
 * What a rule applies to.
 * - `pods`: Pod and every pod-bearing workload (Deployment, StatefulSet, DaemonSet, Job, CronJob,
 *   ReplicaSet); `spec` and `meta` are the pod's.
 * - `objects`: the listed kinds; only `object` is bound.
 */
export type Target = { readonly kind: 'pods' } | { readonly kind: 'objects'; readonly resources: readonly ResourceKind[] };

/** An object the rule must admit (`allow`) or reject (`deny`), with the message it must give. */
export interface Example {
  /** Unique within the rule, DNS-label style. */
  readonly name: string;
  readonly verdict: 'allow' | 'deny';
  readonly object: K8sObject;
  /** For `deny`: a text every engine's message must contain. @default the rule's message */
  readonly message?: string;
  /** Why this example is here (the upstream case it mirrors, the edge it pins). */
  readonly note?: string;
  /**
   * The apiserver's own object validation rejects this object before any admission policy sees
   * it, so no cluster can hold it and the example only shows what the offline engines say; the
   * note says why it cannot be made valid without losing its point. The apiserver engine then
   * reports it as not applicable, and only when its answer is such a validation error (see
   * `invalidOnCluster`). @default false
   */
  readonly invalidOnCluster?: boolean;
}

/** A validation rule in the language above. */
export interface ValidationRule {
  readonly kind: 'validation';
  /** DNS label, unique within its module. */
  readonly id: string;
  readonly title: string;
  /** The message every engine gives when the rule denies. */
  readonly message: string;
  readonly target: Target;
  /** The rule denies when any clause holds. */
  readonly violations: readonly Clause[];
  readonly examples: readonly Example[];
}

/**
 * Who may sign an image: the holder of a cosign key pair (the rule carries the PEM public key), or
 * a keyless signer, whose short-lived Fulcio certificate names the OIDC issuer and the subject
 * (e.g. a CI workflow identity), both matched exactly.
 */
export type Signer =
  | { readonly kind: 'key'; readonly publicKey: string }
  | { readonly kind: 'keyless'; readonly issuer: string; readonly subject: string };

/**
 * Images must carry a cosign signature of at least one of the signers. Only Kyverno can check this
 * (it fetches signatures from the registry at admission); the other forms say so in their output.
 */
export interface ImageSignatureRule {
  readonly kind: 'image-signature';
  readonly id: string;
  readonly title: string;
  readonly message: string;
  /**
   * Image references the rule applies to, Kyverno globs where `*` matches any characters, `/`
   * included (e.g. `registry.example.com/shop/*`). Images outside them are not checked by this rule.
   */
  readonly images: readonly string[];
  /** The trusted signers; one valid signature of any of them is enough. */
  readonly signers: readonly Signer[];
  /**
   * Whether images must be referenced by digest. Kyverno then refuses tags instead of pinning them
   * itself; without it Kyverno pins each tag to the digest it verified (its mutating webhook).
   * @default true
   */
  readonly requireDigest?: boolean;
  /** Examples are listed for documentation; they need a registry and are not run offline. */
  readonly examples: readonly Example[];
}

export type Rule = ValidationRule | ImageSignatureRule;
