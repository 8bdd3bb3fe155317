/**
 * Random clusters for the differential test (fast-check). A generated case is a template whose
 * namespaces, pod IPs and ipBlocks are relative to the case; `instantiate(template, k)` names
 * them for position `k` in a batch (namespaces `r<k>-n<i>`, pod IPs and blocks inside
 * 10.<k>.0.0/16 or shared public ranges), so that the cases of one batch share no namespace and
 * no pod IP and can be analysed by one process. Only valid objects are generated (what the API
 * server would accept); features are drawn from small pools so that selectors, ports and blocks
 * actually meet.
 */
import fc from 'fast-check';
import type { Protocol } from '@ztp/reachability';
import type { ClusterSpec, PortSpec, WorkloadSpec } from '../cluster.ts';
import { NAMESPACE_NAME_LABEL } from '../cluster.ts';

/** A label selector whose values may name a namespace of the case (`{ns: i}`). */
export interface SelectorTemplate {
  readonly matchLabels?: Readonly<Record<string, string | { readonly ns: number }>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }[];
}

/** A NetworkPolicyPeer. CIDRs are templates: `K` stands for the case's position. */
export type PeerTemplate =
  | { readonly podSelector?: SelectorTemplate; readonly namespaceSelector?: SelectorTemplate }
  | { readonly ipBlock: { readonly cidr: string; readonly except?: readonly string[] } };

/** A NetworkPolicyPort. */
export interface PortTemplate {
  readonly protocol?: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** An ingress or egress rule; `peers` is `from` or `to`. */
export interface RuleTemplate {
  readonly peers?: readonly PeerTemplate[];
  readonly ports?: readonly PortTemplate[];
}

/** A NetworkPolicy. */
export interface PolicyTemplate {
  readonly namespace: number;
  readonly podSelector: SelectorTemplate;
  readonly policyTypes?: readonly ('Ingress' | 'Egress')[];
  readonly ingress?: readonly RuleTemplate[];
  readonly egress?: readonly RuleTemplate[];
}

/** A workload of one pod. */
export interface WorkloadTemplate {
  readonly kind: 'Pod' | 'Deployment';
  readonly namespace: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly PortSpec[];
  /** Pods only: whether the pod's IP is known (it is then 10.<k>.<namespace>.<index + 10>). */
  readonly hasIp: boolean;
  readonly hostNetwork: boolean;
}

/** A generated case. */
export interface CaseTemplate {
  readonly namespaces: readonly { readonly labels: Readonly<Record<string, string | { readonly ns: number }>> }[];
  readonly workloads: readonly WorkloadTemplate[];
  readonly policies: readonly PolicyTemplate[];
}

const LABEL_KEYS = ['app', 'tier'] as const;
const LABEL_VALUES = ['a', 'b', 'c'] as const;
const NS_LABEL_KEYS = ['team', 'env'] as const;
const PORT_NAMES = ['http', 'dns', 'metrics'] as const;
const PORT_NUMBERS = [53, 80, 443, 8080, 9090] as const;
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
/** CIDR pool: case-local ranges (K = case position), shared public ranges, everything. */
const CIDRS = ['10.K.0.0/16', '10.K.1.0/24', '10.K.0.10/32', '10.K.1.11/32', '0.0.0.0/0', '192.168.0.0/16', '8.8.8.0/24'] as const;
const EXCEPTS = ['10.K.1.0/24', '10.K.0.0/24', '10.K.0.10/32', '192.168.1.0/24', '8.8.8.8/32', '10.0.0.0/8'] as const;

const labelMap = (keys: readonly string[]) =>
  fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...LABEL_VALUES), { maxKeys: 2 }).map((d) => ({ ...d }));

function selector(nsCount: number, keys: readonly string[], allowNamespaceName: boolean): fc.Arbitrary<SelectorTemplate> {
  const valueArb: fc.Arbitrary<string | { ns: number }> = fc.constantFrom(...LABEL_VALUES);
  const matchLabels = fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: valueArb }).map(({ key, value }) => ({ [key]: value })),
    ...(allowNamespaceName ? [fc.nat({ max: nsCount - 1 }).map((ns) => ({ [NAMESPACE_NAME_LABEL]: { ns } }))] : []),
  );
  const expression = fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(fc.constantFrom(...LABEL_VALUES), { minLength: 1, maxLength: 2 }) }),
    fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 4, arbitrary: matchLabels.map((m) => ({ matchLabels: m })) },
    { weight: 2, arbitrary: fc.array(expression, { minLength: 1, maxLength: 2 }).map((e) => ({ matchExpressions: e })) },
  );
}

function cidrContains(outer: string, inner: string): boolean {
  const parse = (c: string) => {
    const [ip, bits] = c.replace('K', '0').split('/');
    const n = ip!.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
    const size = 2 ** (32 - Number(bits));
    return { start: Math.floor(n / size) * size, end: Math.floor(n / size) * size + size - 1, bits: Number(bits) };
  };
  const o = parse(outer);
  const i = parse(inner);
  const sameCase = outer.includes('K') === inner.includes('K') || !outer.includes('K');
  return sameCase && i.bits > o.bits && i.start >= o.start && i.end <= o.end;
}

const ipBlock: fc.Arbitrary<PeerTemplate> = fc
  .record({ cidr: fc.constantFrom(...CIDRS), except: fc.subarray([...EXCEPTS], { maxLength: 2 }) })
  .map(({ cidr, except }) => {
    const kept = except.filter((e) => cidrContains(cidr, e));
    return { ipBlock: kept.length > 0 ? { cidr, except: kept } : { cidr } };
  });

function peer(nsCount: number): fc.Arbitrary<PeerTemplate> {
  const pod = selector(nsCount, LABEL_KEYS, false);
  const ns = selector(nsCount, NS_LABEL_KEYS, true);
  return fc.oneof(
    { weight: 3, arbitrary: pod.map((podSelector) => ({ podSelector })) },
    { weight: 2, arbitrary: ns.map((namespaceSelector) => ({ namespaceSelector })) },
    { weight: 2, arbitrary: fc.record({ podSelector: pod, namespaceSelector: ns }) },
    { weight: 2, arbitrary: ipBlock },
  );
}

const policyPort: fc.Arbitrary<PortTemplate> = fc
  .record(
    {
      protocol: fc.constantFrom(...PROTOCOLS),
      port: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<number | string>(...PORT_NUMBERS) }, { weight: 2, arbitrary: fc.constantFrom<number | string>(...PORT_NAMES) }),
      span: fc.option(fc.constantFrom(0, 1, 100, 1000), { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map(({ protocol, port, span }) => ({
    ...(protocol !== undefined ? { protocol } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(typeof port === 'number' && span !== undefined ? { endPort: port + span } : {}),
  }));

function rule(nsCount: number): fc.Arbitrary<RuleTemplate> {
  return fc.record(
    {
      peers: fc.array(peer(nsCount), { maxLength: 2 }),
      ports: fc.array(policyPort, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
}

function policy(nsCount: number): fc.Arbitrary<PolicyTemplate> {
  return fc.record(
    {
      namespace: fc.nat({ max: nsCount - 1 }),
      podSelector: selector(nsCount, LABEL_KEYS, false),
      policyTypes: fc.constantFrom<readonly ('Ingress' | 'Egress')[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      ingress: fc.array(rule(nsCount), { maxLength: 2 }),
      egress: fc.array(rule(nsCount), { maxLength: 2 }),
    },
    { requiredKeys: ['namespace', 'podSelector'] },
  );
}

const containerPorts: fc.Arbitrary<PortSpec[]> = fc
  .uniqueArray(fc.record({ port: fc.constantFrom(...PORT_NUMBERS), protocol: fc.constantFrom(...PROTOCOLS) }), {
    maxLength: 3,
    selector: (p) => `${p.port}/${p.protocol}`,
  })
  .chain((ports) =>
    fc.tuple(...ports.map(() => fc.option(fc.constantFrom(...PORT_NAMES), { nil: undefined }))).map((names) => {
      const used = new Set<string>();
      return ports.map((p, i) => {
        const name = names[i];
        if (name === undefined || used.has(name)) return { ...p };
        used.add(name);
        return { ...p, name };
      });
    }),
  );

function workload(nsCount: number): fc.Arbitrary<WorkloadTemplate> {
  return fc
    .record({
      kind: fc.constantFrom('Pod' as const, 'Pod' as const, 'Deployment' as const),
      namespace: fc.nat({ max: nsCount - 1 }),
      labels: labelMap(LABEL_KEYS),
      ports: containerPorts,
      hasIp: fc.boolean(),
      hostNetwork: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map((w) => (w.kind === 'Deployment' ? { ...w, hasIp: false } : w));
}

/** One random case: 1-3 namespaces, 1-5 workloads, 0-4 policies. */
export const caseTemplate: fc.Arbitrary<CaseTemplate> = fc.integer({ min: 1, max: 3 }).chain((nsCount) =>
  fc.record({
    namespaces: fc.array(
      fc.oneof(
        { weight: 30, arbitrary: labelMap(NS_LABEL_KEYS).map((labels) => ({ labels })) },
        // rarely, a manifest writes the name label itself, possibly naming another namespace
        { weight: 1, arbitrary: fc.nat({ max: nsCount - 1 }).map((ns) => ({ labels: { [NAMESPACE_NAME_LABEL]: { ns } } })) },
      ),
      { minLength: nsCount, maxLength: nsCount },
    ),
    workloads: fc.array(workload(nsCount), { minLength: 1, maxLength: 5 }),
    policies: fc.array(policy(nsCount), { maxLength: 4 }),
  }),
);

/** A batch of random cases. */
export function caseBatch(maxCases: number): fc.Arbitrary<CaseTemplate[]> {
  return fc.array(caseTemplate, { minLength: 1, maxLength: maxCases, size: 'max' });
}

function namespaceName(k: number, i: number): string {
  return `r${k}-n${i}`;
}

function instantiateSelector(s: SelectorTemplate, k: number): Record<string, unknown> {
  return {
    ...(s.matchLabels !== undefined
      ? { matchLabels: Object.fromEntries(Object.entries(s.matchLabels).map(([key, v]) => [key, typeof v === 'string' ? v : namespaceName(k, v.ns)])) }
      : {}),
    ...(s.matchExpressions !== undefined ? { matchExpressions: s.matchExpressions.map((e) => ({ ...e, ...(e.values !== undefined ? { values: [...e.values] } : {}) })) } : {}),
  };
}

function instantiatePeer(p: PeerTemplate, k: number): Record<string, unknown> {
  if ('ipBlock' in p) {
    const fill = (c: string) => c.replace('K', String(k));
    return { ipBlock: { cidr: fill(p.ipBlock.cidr), ...(p.ipBlock.except !== undefined ? { except: p.ipBlock.except.map(fill) } : {}) } };
  }
  return {
    ...(p.podSelector !== undefined ? { podSelector: instantiateSelector(p.podSelector, k) } : {}),
    ...(p.namespaceSelector !== undefined ? { namespaceSelector: instantiateSelector(p.namespaceSelector, k) } : {}),
  };
}

function instantiateRule(r: RuleTemplate, k: number, side: 'from' | 'to'): Record<string, unknown> {
  return {
    ...(r.peers !== undefined ? { [side]: r.peers.map((p) => instantiatePeer(p, k)) } : {}),
    ...(r.ports !== undefined ? { ports: r.ports.map((p) => ({ ...p })) } : {}),
  };
}

/** The case at position `k` of a batch, as a cluster. */
export function instantiate(t: CaseTemplate, k: number): ClusterSpec {
  const namespaces = t.namespaces.map((ns, i) => ({
    name: namespaceName(k, i),
    labels: Object.fromEntries(Object.entries(ns.labels).map(([key, v]) => [key, typeof v === 'string' ? v : namespaceName(k, v.ns)])),
  }));
  const workloads: WorkloadSpec[] = t.workloads.map((w, i) => {
    const name = `w${i}`;
    return {
      kind: w.kind,
      namespace: namespaceName(k, w.namespace),
      name,
      pods: [{ name, labels: { ...w.labels }, ports: w.ports.map((p) => ({ ...p })), ...(w.hasIp ? { ip: `10.${k}.${w.namespace}.${i + 10}` } : {}), hostNetwork: w.hostNetwork }],
    };
  });
  const policies = t.policies.map((p, i) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `p${i}`, namespace: namespaceName(k, p.namespace) },
    spec: {
      podSelector: instantiateSelector(p.podSelector, k),
      ...(p.policyTypes !== undefined ? { policyTypes: [...p.policyTypes] } : {}),
      ...(p.ingress !== undefined ? { ingress: p.ingress.map((r) => instantiateRule(r, k, 'from')) } : {}),
      ...(p.egress !== undefined ? { egress: p.egress.map((r) => instantiateRule(r, k, 'to')) } : {}),
    },
  }));
  return { namespaces, workloads, policies };
}
