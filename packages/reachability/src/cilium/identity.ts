/**
 * Cilium security identities of the two kinds of peers this package models, and selector
 * matching against them:
 * - a pod: its labels kept by Cilium's default identity-label filter, with source `k8s`, plus
 *   `io.kubernetes.pod.namespace`, `io.cilium.k8s.namespace.labels.<k>` for every namespace
 *   label, `io.cilium.k8s.policy.serviceaccount` and `io.cilium.k8s.policy.cluster`;
 * - an external address: `reserved:world` (and `reserved:world-ipv4` / `-ipv6`).
 */
import type { IpFamily } from '../ip.ts';
import type { Labels } from '../selectors.ts';
import type { CiliumEntity, CiliumSelector } from './model.ts';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL } from './read.ts';

/** Identity labels as `source` to `key` to value. */
export type Identity = ReadonlyMap<string, ReadonlyMap<string, string>>;

// Cilium's default label prefixes (pkg/labelsfilter defaultLabelPrefixCfg), matched at the key's start.
const INCLUDE = [/^io\.kubernetes\.pod\.namespace/, /^io\.cilium\.k8s\.namespace\.labels/, /^app\.kubernetes\.io/, /^io\.cilium\.k8s\.policy\.cluster/];
const IGNORE = [
  /^io\.kubernetes/,
  /^kubernetes\.io/,
  /^statefulset\.kubernetes\.io\/pod-name/,
  /^apps\.kubernetes\.io\/pod-index/,
  /^batch\.kubernetes\.io\/job-completion-index/,
  /^.*beta\.kubernetes\.io/,
  /^k8s\.io/,
  /^pod-template-generation/,
  /^pod-template-hash/,
  /^controller-revision-hash/,
  /^annotation.*/,
  /^etcd_node/,
];

/**
 * Whether Cilium's default filter keeps a label in the identity: kept when no ignore prefix
 * matches, or when the longest include match is longer than the shortest ignore match.
 */
export function isIdentityLabel(key: string): boolean {
  let included = 0;
  let ignored = 0;
  for (const re of INCLUDE) {
    const m = re.exec(key);
    if (m !== null && m[0].length > included) included = m[0].length;
  }
  for (const re of IGNORE) {
    const m = re.exec(key);
    if (m !== null && (ignored === 0 || m[0].length < ignored)) ignored = m[0].length;
  }
  return ignored === 0 || included > ignored;
}

/** The identity of a pod. */
export function podIdentity(
  labels: Labels,
  namespace: string,
  namespaceLabels: Labels,
  serviceAccount: string,
  cluster = 'default',
): Identity {
  const k8s = new Map<string, string>();
  for (const [k, v] of Object.entries(labels)) if (isIdentityLabel(k)) k8s.set(k, v);
  k8s.set(POD_NAMESPACE_LABEL, namespace);
  for (const [k, v] of Object.entries(namespaceLabels)) k8s.set(`${NAMESPACE_LABELS_PREFIX}.${k}`, v);
  k8s.set('io.cilium.k8s.policy.serviceaccount', serviceAccount);
  k8s.set('io.cilium.k8s.policy.cluster', cluster);
  return new Map([['k8s', k8s]]);
}

/** The identity of an external address. */
export function worldIdentity(family: IpFamily): Identity {
  return new Map([['reserved', new Map([['world', ''], [family === 4 ? 'world-ipv4' : 'world-ipv6', '']])]]);
}

function lookup(identity: Identity, source: string, key: string): string | undefined {
  if (source === 'any') {
    for (const labels of identity.values()) {
      const v = labels.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  return identity.get(source)?.get(key);
}

/** True when every requirement of the selector holds on the identity. */
export function selectorMatches(selector: CiliumSelector, identity: Identity): boolean {
  return selector.requirements.every((r) => {
    const value = lookup(identity, r.key.source, r.key.key);
    switch (r.operator) {
      case 'In':
        return value !== undefined && r.values.includes(value);
      case 'NotIn':
        return value === undefined || !r.values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

/** True when an entity covers a peer: `all`; `world*` for external addresses; `cluster` for pods. */
export function entityMatches(entity: CiliumEntity, peer: { readonly type: 'pod' } | { readonly type: 'external'; readonly family: IpFamily }): boolean {
  if (entity === 'all') return true;
  if (peer.type === 'pod') return entity === 'cluster';
  return entity === 'world' || (entity === 'world-ipv4' && peer.family === 4) || (entity === 'world-ipv6' && peer.family === 6);
}

/** The two identities a host-network pod may have, seen from the other end. */
export function hostIdentities(): { identity: Identity; entity: CiliumEntity }[] {
  return [
    { identity: new Map([['reserved', new Map([['host', '']])]]), entity: 'host' },
    { identity: new Map([['reserved', new Map([['remote-node', '']])]]), entity: 'remote-node' },
  ];
}
