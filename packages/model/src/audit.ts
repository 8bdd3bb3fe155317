/**
 * Extra audit rules of an environment. They are added to ztp's audit policy after its own
 * rules and before its final catch-all, so they can only decide requests ztp's rules leave to
 * the catch-all: they can log more (a level for pods, deployments, ...) or drop more noise, but
 * never change what ztp guarantees (policy, RBAC and namespace changes at RequestResponse;
 * Secrets, ConfigMaps, tokens and exec at Metadata only, never their bodies; health checks dropped). Fields as in `audit.k8s.io/v1` PolicyRule.
 */
export interface AuditRule {
  readonly level: 'None' | 'Metadata' | 'Request' | 'RequestResponse';
  /** @default every user */
  readonly users?: readonly string[];
  /** @default every group */
  readonly userGroups?: readonly string[];
  /** @default every verb */
  readonly verbs?: readonly string[];
  /** @default every resource (with `nonResourceURLs` unset) */
  readonly resources?: readonly { readonly group?: string; readonly resources?: readonly string[]; readonly resourceNames?: readonly string[] }[];
  /** @default every namespace */
  readonly namespaces?: readonly string[];
  /** @default none */
  readonly nonResourceURLs?: readonly string[];
}

/** Audit settings of an environment. */
export interface AuditSettings {
  /** Rules added after ztp's own (see {@link AuditRule}). @default [] */
  readonly rules?: readonly AuditRule[];
}

export const AUDIT_LEVELS: readonly AuditRule['level'][] = ['None', 'Metadata', 'Request', 'RequestResponse'];
