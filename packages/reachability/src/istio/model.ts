/**
 * Istio AuthorizationPolicy and PeerAuthentication (security.istio.io) after reading.
 */
import type { Origin } from '../model.ts';

/** A string field with its positive and negative values (`principals` / `notPrincipals`...). */
export interface MatchField {
  readonly values: readonly string[];
  readonly notValues: readonly string[];
}

/** `rules[].from[].source`. */
export interface AuthzSource {
  readonly principals?: MatchField;
  readonly requestPrincipals?: MatchField;
  readonly namespaces?: MatchField;
  readonly ipBlocks?: MatchField;
  readonly remoteIpBlocks?: MatchField;
}

/** `rules[].to[].operation`. */
export interface AuthzOperation {
  readonly hosts?: MatchField;
  readonly ports?: MatchField;
  readonly methods?: MatchField;
  readonly paths?: MatchField;
}

/** `rules[].when[]`. */
export interface AuthzCondition {
  readonly key: string;
  readonly values: readonly string[];
  readonly notValues: readonly string[];
}

/** One rule: `from` (ORed), `to` (ORed) and `when` (ANDed) must all match. */
export interface AuthzRule {
  readonly from?: readonly AuthzSource[];
  readonly to?: readonly AuthzOperation[];
  readonly when?: readonly AuthzCondition[];
}

/** An AuthorizationPolicy. */
export interface AuthorizationPolicy {
  readonly namespace: string;
  readonly name: string;
  /** `spec.selector.matchLabels`; absent: every workload of the namespace (of the mesh in the root namespace). */
  readonly selector?: Readonly<Record<string, string>>;
  /** True when the policy targets gateways/waypoints (`targetRef(s)`), not sidecars. */
  readonly targetsRefs: boolean;
  readonly action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
  readonly provider?: string;
  /** Absent or empty: the policy never matches. */
  readonly rules: readonly AuthzRule[];
  readonly origin?: Origin;
}

/** PeerAuthentication mutual TLS modes. */
export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

/** A PeerAuthentication. */
export interface PeerAuthentication {
  readonly namespace: string;
  readonly name: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly mode: MtlsMode;
  /** Per container port (only with a selector). */
  readonly portLevel: ReadonlyMap<number, MtlsMode>;
  readonly origin?: Origin;
}
