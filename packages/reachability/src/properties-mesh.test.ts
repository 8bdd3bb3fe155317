import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge } from './judge.ts';
import { buildResources } from './resources.ts';
import { verdict } from './verdict.ts';
import type { RefPod } from './__fixtures__/reference.ts';
import { NAMESPACES, namespaceLabels, pods, policy, PROBE_PORTS, selector, worldObjects } from './__fixtures__/worlds.ts';

const RUNS = 200;
type NamedPod = RefPod & { name: string };
const id = (p: NamedPod) => `${p.ns}/${p.name}[Pod]`;
const probe = fc.record({ protocol: fc.constantFrom('TCP' as const, 'UDP' as const), port: fc.constantFrom(...PROBE_PORTS) });
const netpols = fc.integer({ min: 0, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policy(`np-${i}`))).map((t) => [...t]));

/** A random Cilium deny rule (ingress or egress), with or without ports. */
const ciliumDeny = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    subject: selector,
    direction: fc.constantFrom('ingressDeny', 'egressDeny'),
    peer: fc.oneof(
      selector.map((s) => ({ endpoints: s })),
      fc.constant({ entities: ['all'] }),
      fc.constant({ entities: ['world'] }),
      fc.constant({ cidr: '8.0.0.0/8' }),
    ),
    port: fc.option(fc.constantFrom(53, 80, 8080), { nil: undefined }),
  })
  .map(({ namespace, subject, direction, peer, port }) => {
    const from = direction === 'ingressDeny' ? 'from' : 'to';
    const l3 =
      'endpoints' in peer
        ? { [`${from}Endpoints`]: [peer.endpoints] }
        : 'entities' in peer
          ? { [`${from}Entities`]: peer.entities }
          : { [`${from}CIDR`]: [peer.cidr] };
    return {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'random-deny', namespace },
      spec: {
        endpointSelector: subject,
        [direction]: [{ ...l3, ...(port === undefined ? {} : { toPorts: [{ ports: [{ port: String(port), protocol: 'ANY' }] }] }) }],
        enableDefaultDeny: { ingress: false, egress: false },
      },
    };
  });

/** A random Istio DENY AuthorizationPolicy. */
const istioDeny = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    principals: fc.option(fc.subarray(['cluster.local/ns/n0/sa/default', 'cluster.local/ns/n1/*', '*']), { nil: undefined }),
    notNamespaces: fc.option(fc.subarray([...NAMESPACES], { minLength: 1 }), { nil: undefined }),
    ports: fc.option(fc.subarray(['80', '8080']), { nil: undefined }),
    methods: fc.option(fc.subarray(['GET', 'POST'], { minLength: 1 }), { nil: undefined }),
  })
  .map(({ namespace, principals, notNamespaces, ports, methods }) => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'random-deny', namespace },
    spec: {
      action: 'DENY',
      rules: [
        {
          ...(principals || notNamespaces
            ? { from: [{ source: { ...(principals?.length ? { principals } : {}), ...(notNamespaces ? { notNamespaces } : {}) } }] }
            : {}),
          ...(ports?.length || methods ? { to: [{ operation: { ...(ports?.length ? { ports } : {}), ...(methods ? { methods } : {}) } }] } : {}),
        },
      ],
    },
  }));

describe('properties across layers', () => {
  it('judge on the Kubernetes dataplane agrees with verdict', () => {
    fc.assert(
      fc.property(pods, namespaceLabels, netpols, probe, (list, nsLabels, pols, { protocol, port }) => {
        const r = buildResources([...worldObjects(list, nsLabels), ...pols]);
        for (const s of list) {
          for (const d of list) {
            if (s === d) continue;
            const q = { src: id(s), dst: id(d), protocol, port };
            expect(judge(r, q).allowed).toBe(verdict(r, q).allowed);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('Cilium agrees with upstream NetworkPolicy when no ipBlock can match a pod', () => {
    const noIps = pods.map((list) => list.map(({ ip: _ip, hostNetwork: _host, ...p }) => p));
    fc.assert(
      fc.property(noIps, namespaceLabels, netpols, probe, fc.constantFrom('8.8.8.8', '10.0.0.200'), (list, nsLabels, pols, { protocol, port }, ext) => {
        const r = buildResources([...worldObjects(list, nsLabels), ...pols]);
        for (const s of list) {
          for (const d of [...list, undefined]) {
            if (s === d) continue;
            const dst = d === undefined ? ext : id(d);
            for (const q of [{ src: id(s), dst, protocol, port }, ...(d === undefined ? [{ src: ext, dst: id(s), protocol, port }] : [])]) {
              expect(judge(r, q, { dataplane: 'cilium' }).allowed, JSON.stringify(q)).toBe(verdict(r, q).allowed);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a Cilium deny rule never allows more', () => {
    fc.assert(
      fc.property(pods, namespaceLabels, netpols, ciliumDeny, probe, (list, nsLabels, pols, deny, { protocol, port }) => {
        const objects = [...worldObjects(list, nsLabels), ...pols];
        const before = buildResources(objects);
        const after = buildResources([...objects, deny]);
        for (const s of list) {
          for (const d of [...list.map(id), '8.8.8.8']) {
            if (id(s) === d) continue;
            const q = { src: id(s), dst: d, protocol, port };
            if (judge(after, q, { dataplane: 'cilium' }).allowed) expect(judge(before, q, { dataplane: 'cilium' }).allowed).toBe(true);
            const back = { src: d, dst: id(s), protocol, port };
            if (judge(after, back, { dataplane: 'cilium' }).allowed) expect(judge(before, back, { dataplane: 'cilium' }).allowed).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('an Istio DENY policy never allows more, for HTTP and TCP', () => {
    fc.assert(
      fc.property(pods, namespaceLabels, istioDeny, fc.boolean(), fc.constantFrom(80, 8080), (list, nsLabels, deny, http, port) => {
        const meshLabels = Object.fromEntries(Object.entries(nsLabels).map(([k, v]) => [k, { ...v, 'istio-injection': k === 'n2' ? 'disabled' : 'enabled' }]));
        const objects = worldObjects(list, meshLabels);
        const before = buildResources(objects);
        const after = buildResources([...objects, deny]);
        for (const s of list) {
          for (const d of list) {
            if (s === d) continue;
            const q = { src: id(s), dst: id(d), protocol: 'TCP' as const, port, ...(http ? { http: { method: 'GET', path: '/' } } : {}) };
            const a = judge(after, q);
            if (a.allowed) expect(judge(before, q).allowed).toBe(true);
            if (!a.allowed && judge(before, q).allowed) expect(a.stages.at(-1)!.decidedBy.map((x) => x.name)).toEqual(['random-deny']);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
