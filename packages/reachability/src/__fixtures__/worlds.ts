/** fast-check generators of small random worlds: namespaces, pods and NetworkPolicies. */
import fc from 'fast-check';
import type { RefPod } from './reference.ts';

export const NAMESPACES = ['n0', 'n1', 'n2'] as const;
const KEYS = ['app', 'tier'] as const;
const VALUES = ['a', 'b'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const NAMED = [
  { name: 'http', containerPort: 80, protocol: 'TCP' },
  { name: 'alt', containerPort: 8080, protocol: 'TCP' },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'http', containerPort: 81, protocol: 'TCP' },
] as const;
/** Ports worth probing: the rules' numbers and named ports, and a few others. */
export const PROBE_PORTS = [53, 80, 81, 82, 443, 8080, 9000] as const;

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });

const expression = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray([...VALUES], { minLength: 1 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);

/** A label selector: `{}`, matchLabels, matchExpressions, or both. */
export const selector = fc.record(
  { matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) },
  { requiredKeys: [] },
);

const nsSelector = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NAMESPACES) }) }),
  fc.record({ matchLabels: fc.dictionary(fc.constant('team'), fc.constantFrom('x', 'y'), { maxKeys: 1 }) }),
  fc.record({ matchExpressions: fc.array(fc.record({ key: fc.constant('team'), operator: fc.constantFrom('Exists', 'DoesNotExist') }), { minLength: 1, maxLength: 1 }) }),
);

const CIDRS = [
  { cidr: '10.0.0.0/8' },
  { cidr: '10.0.0.0/29' },
  { cidr: '10.0.0.4/30' },
  { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
  { cidr: '10.0.0.0/24', except: ['10.0.0.2/31', '10.0.0.6/32'] },
  { cidr: '192.168.0.0/16' },
  { cidr: 'fd00::/8' },
] as const;

const peer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: nsSelector }),
  fc.record({ podSelector: selector, namespaceSelector: nsSelector }),
  fc.constantFrom(...CIDRS).map((b) => ({ ipBlock: { cidr: b.cidr, ...('except' in b ? { except: [...b.except] } : {}) } })),
);

const port = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(53, 80, 81, 443, 8080) }, { requiredKeys: ['port'] }),
  fc.record({ port: fc.constant(80), endPort: fc.constantFrom(80, 82, 9000) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom('http', 'alt', 'dns') }, { requiredKeys: ['port'] }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS) }),
);

const rule = (field: 'from' | 'to') =>
  fc.record({ [field]: fc.array(peer, { maxLength: 2 }), ports: fc.array(port, { maxLength: 2 }) }, { requiredKeys: [] });

/** A valid NetworkPolicy object named `name`. */
export function policy(name: string) {
  return fc
    .record(
      {
        namespace: fc.constantFrom(...NAMESPACES),
        podSelector: selector,
        policyTypes: fc.constantFrom(undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
        ingress: fc.option(fc.array(rule('from'), { maxLength: 2 }), { nil: undefined }),
        egress: fc.option(fc.array(rule('to'), { maxLength: 2 }), { nil: undefined }),
      },
      { requiredKeys: ['namespace', 'podSelector'] },
    )
    .map(({ namespace, policyTypes, ...spec }) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace },
      spec: { ...spec, ...(policyTypes === undefined ? {} : { policyTypes }) },
    }));
}

/** Pods (each its own workload) with labels, unique IPs (some unknown) and named ports. */
export const pods = fc
  .array(
    fc.record({
      ns: fc.constantFrom(...NAMESPACES),
      labels,
      hasIp: fc.boolean(),
      hostNetwork: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      ports: fc.subarray([0, 1, 2, 3]).map((idx) => {
        // container port names are unique within a pod
        const chosen = idx.map((i) => NAMED[i]!).filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i);
        return chosen.map((p) => ({ ...p }));
      }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((list) =>
    list.map((p, i): RefPod & { name: string } => ({
      name: `p${i}`,
      ns: p.ns,
      labels: p.labels,
      ports: p.ports,
      ...(p.hasIp ? { ip: `10.0.0.${i}` } : {}),
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
    })),
  );

/** Namespace labels: the name label plus an optional team. */
export const namespaceLabels = fc
  .tuple(...NAMESPACES.map(() => fc.option(fc.constantFrom('x', 'y'), { nil: undefined })))
  .map((teams) =>
    Object.fromEntries(
      NAMESPACES.map((ns, i) => [ns, { 'kubernetes.io/metadata.name': ns, ...(teams[i] ? { team: teams[i] } : {}) }]),
    ) as Record<string, Record<string, string>>,
  );

/** Manifests for pods and namespaces. */
export function worldObjects(list: readonly (RefPod & { name: string })[], nsLabels: Record<string, Record<string, string>>) {
  return [
    ...NAMESPACES.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: nsLabels[ns] } })),
    ...list.map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: p.ns, labels: p.labels },
      spec: { containers: [{ name: 'c', image: 'i', ports: p.ports }], ...(p.hostNetwork ? { hostNetwork: true } : {}) },
      ...(p.ip ? { status: { podIP: p.ip } } : {}),
    })),
  ];
}

/** External addresses that are no pod's (pods use 10.0.0.0-10.0.0.5). */
export const externalIp = fc.constantFrom('10.0.0.100', '10.0.0.6', '10.200.0.1', '192.168.1.1', '8.8.8.8', 'fd00::1', '2001:db8::1');
