/**
 * The known, reasoned differences between @ztp/reachability and the analyzers it is checked
 * against. The cross-check fails on every disagreement not accounted for here; each entry says
 * exactly which inputs it covers (`applies`) and how the comparison accounts for it. Every entry
 * is exercised by a test on an example that fails without the entry (differences.test.ts), and
 * DIFFERENCES.md explains each one; a test keeps the two lists equal.
 */
import type { Resources } from '@ztp/reachability';
import type { CrossCheckCase } from './case.ts';
import { NAMESPACE_NAME_LABEL } from './cluster.ts';
import type { ClusterSpec } from './cluster.ts';
import { encodeAbsentLabels, notInKeys } from './cyclonus/absent-labels.ts';
import { parseCidr4, parseIpv4 } from './ipv4.ts';
import { hasRangeInPieces, portRangesInPieces } from './netpol-analyzer/port-pieces.ts';
import type { ZtpReading } from './ztp.ts';

/** The analyzers compared with @ztp/reachability. */
export type AnalyzerName = 'netpol-analyzer' | 'cyclonus';

/** All analyzers, in a fixed order. */
export const ANALYZERS: readonly AnalyzerName[] = ['netpol-analyzer', 'cyclonus'];

/**
 * How the comparison accounts for a difference:
 * - `ztp-reading`: the analyzer reads the manifests in a way @ztp/reachability can be asked to
 *   read them too; the analyzer must then agree exactly with that reading. `defaultAllows` says
 *   how the engine's default reading relates to it, and is checked on every case.
 * - `not-compared`: inputs with the feature are not given to the analyzer (it refuses them, or
 *   reads them in a way the engine cannot reproduce); `refusal` matches its error when it refuses.
 * - `set-aside-lines`: the analyzer lists extra pseudo-peer lines, which are set aside, and only
 *   for inputs with the feature.
 * - `spelling`: the analyzer spells an output differently; the parser reads both spellings.
 * - `analyzer-input`: the analyzer is asked in an equivalent form on which its deviation cannot
 *   show (`rewrite`, applied to the cluster it is told about); the answers must then agree.
 */
export type Handling =
  | { readonly kind: 'ztp-reading'; readonly reading: ZtpReading; readonly defaultAllows: 'less' | 'more' }
  | { readonly kind: 'not-compared'; readonly refusal?: RegExp }
  | { readonly kind: 'set-aside-lines' }
  | { readonly kind: 'spelling' }
  | { readonly kind: 'analyzer-input'; readonly rewrite: (cluster: ClusterSpec) => ClusterSpec };

/** A known difference. */
export interface KnownDifference {
  readonly id: string;
  readonly analyzers: readonly AnalyzerName[];
  readonly title: string;
  /** Why the difference exists and why @ztp/reachability's side is the right (or the safe) one. */
  readonly justification: string;
  readonly handling: Handling;
  /** Whether a case has the feature. */
  readonly applies: (c: Pick<CrossCheckCase, 'objects' | 'resources'>) => boolean;
}

function hasHostNetworkPod(resources: Resources): boolean {
  return resources.workloads.some((w) => w.pods.some((p) => p.hostNetwork));
}

/** True when a known IPv4 pod IP lies inside some ipBlock (CIDR minus except) of some NetworkPolicy rule. */
export function podIpInIpBlock(resources: Resources): boolean {
  const blocks = resources.networkPolicies.flatMap((p) =>
    [...p.ingress, ...p.egress].flatMap((rule) => (rule.peers === 'all' ? [] : rule.peers.flatMap((peer) => (peer.type === 'ipBlock' ? [peer] : [])))),
  );
  const inBlock = (ip: number) =>
    blocks.some((b) => {
      const cidr = parseCidr4(b.cidr);
      if (cidr === undefined || ip < cidr.start || ip > cidr.end) return false;
      return !b.except.some((e) => {
        const x = parseCidr4(e);
        return x !== undefined && ip >= x.start && ip <= x.end;
      });
    });
  return resources.workloads.some((w) =>
    w.pods.some((p) =>
      p.ips.some((ip) => {
        const n = parseIpv4(ip);
        return n !== undefined && inBlock(n);
      }),
    ),
  );
}

/** True when an egress rule names a port by name and may reach an IP destination (no `to`, or an ipBlock in `to`). */
export function namedPortToIpDestination(resources: Resources): boolean {
  return resources.networkPolicies.some((p) =>
    p.egress.some((rule) => rule.ports !== 'all' && rule.ports.some((port) => typeof port.port === 'string') && (rule.peers === 'all' || rule.peers.some((peer) => peer.type === 'ipBlock'))),
  );
}

/** True when a Namespace object writes the name label with a value other than its name. */
export function foreignNamespaceNameLabel(objects: readonly Record<string, unknown>[]): boolean {
  return objects.some((o) => {
    if (o['kind'] !== 'Namespace') return false;
    const metadata = (o['metadata'] ?? {}) as { name?: unknown; labels?: Record<string, unknown> };
    const value = metadata.labels?.[NAMESPACE_NAME_LABEL];
    return value !== undefined && value !== metadata.name;
  });
}

/** True when some NetworkPolicy port range of the case spans more than one piece of the case's ports. */
export function portRangeAcrossPieces(c: Pick<CrossCheckCase, 'objects' | 'resources'>): boolean {
  const policies = c.objects.filter((o) => o['kind'] === 'NetworkPolicy' && String(o['apiVersion'] ?? '').startsWith('networking.k8s.io/'));
  const workloads = c.resources.workloads.map((w) => ({ kind: w.kind, namespace: w.namespace, name: w.name, pods: w.pods.map((p) => ({ name: p.name, labels: p.labels, ports: p.ports })) }));
  return hasRangeInPieces({ policies, workloads });
}

/** True when the objects include a Kubernetes Ingress or an OpenShift Route. */
export function hasIngressOrRoute(objects: readonly Record<string, unknown>[]): boolean {
  return objects.some((o) => {
    const api = String(o['apiVersion'] ?? '');
    return (o['kind'] === 'Ingress' && api.startsWith('networking.k8s.io/')) || (o['kind'] === 'Route' && api.startsWith('route.openshift.io/'));
  });
}

/** True when a policy uses `NotIn` on a label key that some pod or namespace lacks. */
export function notInOnAbsentKey(c: Pick<CrossCheckCase, 'objects' | 'resources'>): boolean {
  const policies = c.objects.filter((o) => o['kind'] === 'NetworkPolicy');
  const keys = [...notInKeys(policies)];
  if (keys.length === 0) return false;
  const labelSets = [...c.resources.namespaces.map((n) => n.labels), ...c.resources.workloads.flatMap((w) => w.pods.map((p) => p.labels))];
  return labelSets.some((labels) => keys.some((k) => !(k in labels)));
}

/** The known differences. */
export const KNOWN_DIFFERENCES = [
  {
    id: 'host-network-pods',
    analyzers: ['netpol-analyzer', 'cyclonus'],
    title: 'Host-network pods are read as ordinary pods by both analyzers',
    justification:
      'Kubernetes leaves NetworkPolicy for hostNetwork pods undefined (NetworkPolicy documentation, "NetworkPolicies and hostNetwork pods": the plugin either tells their traffic apart and treats them like other pods, or treats it as the node\'s). netpol-analyzer matches them with pod selectors and applies policies to them; cyclonus has no notion of host network at all. @ztp/reachability reads them `intersection` by default (allowed only where both upstream readings allow), so its default never allows more than the analyzers\' `as-pods` reading, which it also offers and which is what the analyzers must match.',
    handling: { kind: 'ztp-reading', reading: { hostNetwork: 'as-pods' }, defaultAllows: 'less' },
    applies: (c) => hasHostNetworkPod(c.resources),
  },
  {
    id: 'ipblock-matches-pod-ip',
    analyzers: ['netpol-analyzer'],
    title: 'netpol-analyzer never matches a pod by its IP with an ipBlock (upstream e2e A29)',
    justification:
      'The Kubernetes e2e suite expects an ipBlock to select a pod whose IP it contains ("should allow egress access to server in CIDR block", shared conformance case A29 "egress to a server by CIDR"), and cyclonus agrees. netpol-analyzer v1.4.4 matches ipBlocks against external addresses only. @ztp/reachability follows upstream when the pod IP is known (status.podIP), so it allows more there; compared with netpol-analyzer, pod IPs are forgotten, which is netpol-analyzer\'s reading.',
    handling: { kind: 'ztp-reading', reading: { podIpsUnknown: true }, defaultAllows: 'more' },
    applies: (c) => podIpInIpBlock(c.resources),
  },
  {
    id: 'named-port-to-ip-destination',
    analyzers: ['netpol-analyzer'],
    title: 'netpol-analyzer v1.4.4 refuses a named port in an egress rule that can reach an IP (upstream e2e A19)',
    justification:
      'A named port is resolved on the destination pod (NetworkPolicyPort docs), so an egress rule with a named port and no `to` (or an ipBlock in `to`) is valid (shared conformance case A19 "allow egress on one named port", from the Kubernetes e2e test "should allow egress access on one named port"): it allows that port to pods that name it and nothing to plain addresses. netpol-analyzer v1.4.4 stops with "named port error: cannot convert named port for an IP destination" instead. Such inputs are not given to it (cyclonus still checks them).',
    handling: { kind: 'not-compared', refusal: /named port error: cannot convert named port for an IP destination/ },
    applies: (c) => namedPortToIpDestination(c.resources),
  },
  {
    id: 'namespace-name-label-overwritten',
    analyzers: ['netpol-analyzer'],
    title: 'netpol-analyzer keeps a kubernetes.io/metadata.name label that differs from the namespace name',
    justification:
      'The API server always sets kubernetes.io/metadata.name to the namespace\'s name, overwriting any value a manifest writes (Kubernetes "Well-Known Labels" documentation), and @ztp/reachability does the same. netpol-analyzer keeps the written value, so a selector on the written value matches in its reading only. No reading of @ztp/reachability reproduces a label the cluster cannot have, so such inputs are not given to netpol-analyzer (cyclonus is told the labels the API server would store).',
    handling: { kind: 'not-compared' },
    applies: (c) => foreignNamespaceNameLabel(c.objects),
  },
  {
    id: 'ingress-controller-lines',
    analyzers: ['netpol-analyzer'],
    title: 'netpol-analyzer adds `{ingress-controller}` lines derived from Ingress and Route objects',
    justification:
      'netpol-analyzer follows Kubernetes Ingress and OpenShift Route objects to Services and their target ports and lists what an ingress-controller pod of unknown location may reach. That is not NetworkPolicy semantics, and @ztp/reachability does not model Services, Ingresses or Routes. The lines are set aside, and only accepted when the input has an Ingress or a Route.',
    handling: { kind: 'set-aside-lines' },
    applies: (c) => hasIngressOrRoute(c.objects),
  },
  {
    id: 'cyclonus-notin-absent-key',
    analyzers: ['cyclonus'],
    title: 'cyclonus does not match a `NotIn` requirement on an object without the key',
    justification:
      'In Kubernetes `key NotIn (v)` matches objects that lack the key (the labels documentation: `tier notin (frontend,backend)` selects "all resources with no labels with the tier key"; k8s.io/apimachinery labels.Requirement.Matches returns true for NotIn when the key is absent). cyclonus v0.5.6 returns false (pkg/kube/labelselector.go: "even for NotIn -- if the key isn\'t there, it\'s not a match"), which can make it allow more (a policy selects fewer pods) or less (a rule selects fewer peers). cyclonus is asked about an equivalent cluster instead: every pod and namespace lacking a key used by a `NotIn` gets that key with a reserved value, and `Exists`/`DoesNotExist` on those keys become `NotIn`/`In` of that value; its answers must then equal @ztp/reachability\'s.',
    handling: { kind: 'analyzer-input', rewrite: encodeAbsentLabels },
    applies: notInOnAbsentKey,
  },
  {
    id: 'netpol-analyzer-partly-overlapping-ranges',
    analyzers: ['netpol-analyzer'],
    title: 'netpol-analyzer v1.4.4 loses or adds ports where port ranges overlap in part',
    justification:
      'A connection is allowed on the ports both the egress and the ingress side allow (NetworkPolicy documentation), so egress 443-1443 against ingress 500-2000 allows 500-1443, and so does egress 500-2000 against ingress 443-1443. netpol-analyzer v1.4.4 answers 500-1443 for the first and nothing for the second: its interval set with explanations (pkg/netpol/internal/common/augmented_intervalset.go, AddAugmentedInterval) drops the part of an added interval that starts inside one stored interval and ends inside the next, so an overlap in part loses ports. Found by the random differential test. netpol-analyzer is asked about an equivalent cluster instead: every port range is written as its pieces, cut at every port, range bound and used named container port (a rule allows the union of its entries, so the same ports); its answers must then equal @ztp/reachability\'s.',
    handling: { kind: 'analyzer-input', rewrite: portRangesInPieces },
    applies: portRangeAcrossPieces,
  },
  {
    id: 'external-range-spelling',
    analyzers: ['netpol-analyzer'],
    title: 'netpol-analyzer v1.4.4 prints external ranges without the `[External]` suffix',
    justification:
      'netpol-analyzer added the `[External]` suffix after v1.4.4 (the shared np-guard expected connlists have it, @ztp/reachability\'s connlist prints it); v1.4.4 prints `a.b.c.d-e.f.g.h` alone. Only the spelling differs: the parser reads both spellings into the same range.',
    handling: { kind: 'spelling' },
    applies: () => true,
  },
] as const satisfies readonly KnownDifference[];

/** The id of a known difference. */
export type KnownDifferenceId = (typeof KNOWN_DIFFERENCES)[number]['id'];

/** The known differences that concern `analyzer`. */
export function differencesOf(analyzer: AnalyzerName, list: readonly KnownDifference[] = KNOWN_DIFFERENCES): KnownDifference[] {
  return list.filter((d) => d.analyzers.includes(analyzer));
}
