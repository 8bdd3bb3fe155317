/**
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2) after reading: the
 * namespace defaults Cilium applies are already folded into the selectors.
 */
import type { IpSet } from '../ip.ts';
import type { Origin } from '../model.ts';
import type { Protocol } from '../ports.ts';

/** A label key as Cilium reads it: a source (`k8s`, `reserved`, `any`...) and a name. */
export interface CiliumKey {
  readonly source: string;
  readonly key: string;
}

/** A Cilium label selector requirement. */
export interface CiliumRequirement {
  readonly key: CiliumKey;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** An EndpointSelector: all requirements must hold (matchLabels become `In` requirements). */
export interface CiliumSelector {
  readonly requirements: readonly CiliumRequirement[];
  /** The selector as written, for messages. */
  readonly text: string;
}

/** Cilium entities. */
export type CiliumEntity =
  | 'all'
  | 'world'
  | 'world-ipv4'
  | 'world-ipv6'
  | 'cluster'
  | 'host'
  | 'remote-node'
  | 'kube-apiserver'
  | 'ingress'
  | 'init'
  | 'health'
  | 'unmanaged'
  | 'none';

/** A toFQDNs / DNS rule selector. */
export interface FqdnSelector {
  readonly matchName?: string;
  readonly matchPattern?: string;
}

/** The peers of a rule: exactly one kind of L3 member, or none (then L4 decides). */
export type CiliumPeers =
  | { readonly type: 'none' }
  | { readonly type: 'endpoints'; readonly selectors: readonly CiliumSelector[] }
  | { readonly type: 'cidr'; readonly set: IpSet }
  | { readonly type: 'entities'; readonly entities: readonly CiliumEntity[] }
  | { readonly type: 'fqdns'; readonly selectors: readonly FqdnSelector[] }
  /** An L3 member this package cannot evaluate (toServices, toGroups, toNodes...): matches nothing. */
  | { readonly type: 'unsupported'; readonly member: string };

/** One port of a toPorts entry: protocols (or ANY), a number range, all ports or a name. */
export interface CiliumPort {
  /** `ANY` stands for TCP and UDP, plus SCTP when Cilium has SCTP enabled (always in deny rules). */
  readonly protocols: readonly Protocol[] | 'ANY';
  /** A port range, `all`, or a named port (lower-cased) resolved on the destination pod. */
  readonly port: { readonly from: number; readonly to: number } | 'all' | { readonly name: string };
}

/** An L7 HTTP rule: every field given must match. Regexes are full-match. */
export interface HttpRule {
  readonly method?: RegExp;
  readonly path?: RegExp;
  readonly host?: RegExp;
  /** Header name (lower-case) to required value (`undefined`: presence only). */
  readonly headers: readonly { readonly name: string; readonly value?: string }[];
  /** A part this package cannot check (secret values): an allow rule with it never matches. */
  readonly unsupported?: string;
  readonly text: string;
}

/** A toPorts entry. */
export interface CiliumPortRule {
  readonly ports: readonly CiliumPort[];
  /** HTTP rules; absent when the entry has no L7 HTTP rules. */
  readonly http?: readonly HttpRule[];
  /** DNS rules (egress visibility for toFQDNs). */
  readonly dns?: readonly FqdnSelector[];
  /** A feature this package cannot evaluate (serverNames, listener...): the entry matches nothing. */
  readonly unsupported?: string;
}

/** An ingress/egress (allow or deny) rule. */
export interface CiliumRule {
  readonly index: number;
  readonly peers: CiliumPeers;
  /** `undefined`: no toPorts (L3-only rule); ICMP-only rules have `icmpOnly`. */
  readonly toPorts?: readonly CiliumPortRule[];
  readonly icmpOnly: boolean;
  /** Set when the rule requires something this package cannot check (authentication). */
  readonly unsupported?: string;
}

/** One entry of `spec` / `specs`. */
export interface CiliumSpec {
  readonly index: number;
  /** The endpoint selector, with the policy namespace added for a CiliumNetworkPolicy. */
  readonly endpointSelector?: CiliumSelector;
  /** True for host policies (nodeSelector): they never select pods. */
  readonly nodePolicy: boolean;
  readonly ingress: readonly CiliumRule[];
  readonly ingressDeny: readonly CiliumRule[];
  readonly egress: readonly CiliumRule[];
  readonly egressDeny: readonly CiliumRule[];
  readonly defaultDenyIngress: boolean;
  readonly defaultDenyEgress: boolean;
}

/** A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy. */
export interface CiliumPolicy {
  readonly kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  /** Undefined for the cluster-wide kind. */
  readonly namespace?: string;
  readonly name: string;
  readonly specs: readonly CiliumSpec[];
  readonly origin?: Origin;
}
