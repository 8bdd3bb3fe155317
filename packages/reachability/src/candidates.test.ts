import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClassSet } from './class-set.ts';
import { connlist, externalName } from './connlist.ts';
import { allowedConns, compile, podEndpoints, sameFamilyPath } from './engine.ts';
import type { HostNetworkMode } from './engine.ts';
import { externalFamilies, externalRanges } from './externals.ts';
import { buildResources } from './resources.ts';
import { ConnSet } from './ports.ts';
import { NAMESPACES, namespaceLabels, pods, policy, worldObjects } from './__fixtures__/worlds.ts';
import type { Resources } from './model.ts';

type PolicyObject = ReturnType<typeof policy> extends fc.Arbitrary<infer T> ? T : never;
const policies = (max: number): fc.Arbitrary<PolicyObject[]> =>
  fc
    .integer({ min: 0, max })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policy(`pol-${i}`))).map((t): PolicyObject[] => [...t]));

/**
 * The connectivity list by brute force: every ordered pair of workloads and every pair of their
 * endpoints evaluated, no signatures, no memo, no candidate pruning (what connlist computed
 * before it learnt to skip pairs).
 */
function bruteForce(resources: Resources, hostNetwork: HostNetworkMode): Map<string, string> {
  const engine = compile(resources, hostNetwork);
  const out = new Map<string, string>();
  const record = (src: string, dst: string, pairs: [ReturnType<typeof podEndpoints>[number] | { type: 'external'; ip: { family: 4 | 6; value: bigint } }, ReturnType<typeof podEndpoints>[number] | { type: 'external'; ip: { family: 4 | 6; value: bigint } }][]) => {
    let all: ConnSet | undefined;
    let some = ConnSet.none();
    for (const [a, b] of pairs) {
      if (!sameFamilyPath(a, b)) continue;
      const c = allowedConns(engine, a, b);
      all = all === undefined ? c : all.intersect(c);
      some = some.union(c);
    }
    if (some.isEmpty()) return;
    const conns = all ?? ConnSet.none();
    out.set(`${src} => ${dst}`, `${conns.toString()}${some.equals(conns) ? '' : ` (some pods: ${some.toString()})`}`);
  };
  const endpoints = resources.workloads.map((w) => podEndpoints(engine, w));
  const ranges = externalRanges(engine, externalFamilies(engine, [4, 6]));
  resources.workloads.forEach((s, i) => {
    resources.workloads.forEach((d, j) => {
      if (i !== j) record(s.id, d.id, endpoints[i]!.flatMap((a) => endpoints[j]!.map((b) => [a, b] as [typeof a, typeof b])));
    });
    for (const r of ranges.destinations) record(s.id, externalName(r), endpoints[i]!.map((a) => [a, { type: 'external', ip: { family: r.family, value: r.start } }]));
    for (const r of ranges.sources) record(externalName(r), s.id, endpoints[i]!.map((b) => [{ type: 'external', ip: { family: r.family, value: r.start } }, b]));
  });
  return out;
}

/** Pods, some of them grouped under one owner (several pods per workload, possibly with different labels). */
const world = fc.tuple(pods, fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 6, maxLength: 6 }), namespaceLabels, policies(5)).map(([list, owners, nsLabels, pols]) => {
  const objects = worldObjects(list, nsLabels).map((o, i) => {
    const owner = owners[i - NAMESPACES.length];
    if (o.kind !== 'Pod' || owner === undefined || owner < 0) return o;
    return { ...o, metadata: { ...o.metadata, ownerReferences: [{ controller: true, kind: 'ReplicaSet', name: `rs${owner}` }] } };
  });
  return [...objects, ...pols];
});

describe('connlist candidates', () => {
  it('lists exactly what evaluating every pair of workloads and endpoints lists, in every host-network mode', () => {
    fc.assert(
      fc.property(world, fc.constantFrom<HostNetworkMode>('intersection', 'as-pods', 'as-node'), (objects, hostNetwork) => {
        const resources = buildResources(objects);
        const listed = new Map(
          connlist(resources, { ipFamilies: [4, 6], hostNetwork }).map((e) => [`${e.src.name} => ${e.dst.name}`, `${e.conns.toString()}${e.partial === undefined ? '' : ` (some pods: ${e.partial.toString()})`}`]),
        );
        expect(listed).toEqual(bruteForce(resources, hostNetwork));
      }),
      { numRuns: 400 },
    );
  });
});

describe('ClassSet', () => {
  it('holds exactly its ids, sparse or as a bitset', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 120 }), fc.integer({ min: 301, max: 4000 }), (raw, universe) => {
        const ids = [...raw].sort((a, b) => a - b);
        const set = ClassSet.of(ids, universe);
        expect(set.size).toBe(ids.length);
        expect(set.ids()).toEqual(ids);
        const members = new Set(ids);
        for (let id = -1; id <= 305; id++) expect(set.has(id)).toBe(members.has(id));
        expect(set.has(universe + 40)).toBe(false);
      }),
    );
  });
});
