import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connlist } from './connlist.ts';
import type { ConnlistEntry } from './connlist.ts';
import { parseIp } from './ip.ts';
import { buildResources } from './resources.ts';
import { verdict } from './verdict.ts';
import type { Verdict } from './verdict.ts';
import { referenceAllowed } from './__fixtures__/reference.ts';
import type { RefPeer, RefPod } from './__fixtures__/reference.ts';
import { externalIp, NAMESPACES, namespaceLabels, pods, policy, PROBE_PORTS, worldObjects } from './__fixtures__/worlds.ts';

const RUNS = 300;

const probe = fc.record({ protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const), port: fc.constantFrom(...PROBE_PORTS) });
const probes = fc.array(probe, { minLength: 1, maxLength: 3 });
type PolicyObject = ReturnType<typeof policy> extends fc.Arbitrary<infer T> ? T : never;
const policies = (max: number): fc.Arbitrary<PolicyObject[]> =>
  fc
    .integer({ min: 0, max })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policy(`pol-${i}`))).map((t): PolicyObject[] => [...t]));

type NamedPod = RefPod & { name: string };
const id = (p: NamedPod) => `${p.ns}/${p.name}[Pod]`;

/** True when the two ends share no IP family (the engine then reports no path). */
function familyMismatch(a: RefPeer, b: RefPeer): boolean {
  const ipOf = (p: RefPeer) => ('ip' in p ? p.ip : p.pod.ip);
  const x = ipOf(a);
  const y = ipOf(b);
  return x !== undefined && y !== undefined && parseIp(x)!.family !== parseIp(y)!.family;
}

describe('properties', () => {
  it('verdicts agree with a naive transcription of the API docs', () => {
    fc.assert(
      fc.property(pods, namespaceLabels, policies(4), probes, fc.array(externalIp, { maxLength: 2 }), (list, nsLabels, pols, checks, ips) => {
        const resources = buildResources([...worldObjects(list, nsLabels), ...pols]);
        const ends: { spec: string; ref: RefPeer }[] = [
          ...list.map((p) => ({ spec: id(p), ref: { pod: p } as RefPeer })),
          ...ips.map((ip) => ({ spec: ip, ref: { ip } as RefPeer })),
        ];
        for (const s of ends) {
          for (const d of ends) {
            if (s === d || ('ip' in s.ref && 'ip' in d.ref)) continue;
            for (const { protocol, port } of checks) {
              const got = verdict(resources, { src: s.spec, dst: d.spec, protocol, port }).allowed;
              const want = !familyMismatch(s.ref, d.ref) && referenceAllowed(pols, (ns) => nsLabels[ns]!, s.ref, d.ref, protocol, port);
              if (got !== want) {
                throw new Error(`${s.spec} -> ${d.spec} ${protocol}/${port}: engine ${got}, reference ${want}`);
              }
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('connlist agrees with verdict for every pair it lists or omits', () => {
    fc.assert(
      fc.property(pods, namespaceLabels, policies(4), probes, fc.array(externalIp, { maxLength: 2 }), (list, nsLabels, pols, checks, ips) => {
        const resources = buildResources([...worldObjects(list, nsLabels), ...pols]);
        // both families: `auto` would leave IPv6 out of a world without IPv6 in it
        const entries = connlist(resources, { ipFamilies: [4, 6] });
        const byPair = new Map(entries.map((e) => [`${e.src.name} => ${e.dst.name}`, e]));
        const conns = (e: ConnlistEntry | undefined, protocol: 'TCP' | 'UDP' | 'SCTP', port: number) => e !== undefined && e.conns.contains(protocol, port);
        const rangeEntry = (ip: string, role: 'src' | 'dst', workload: string): ConnlistEntry | undefined => {
          const a = parseIp(ip)!;
          return entries.find((e) => {
            const side = role === 'src' ? e.src : e.dst;
            const other = role === 'src' ? e.dst : e.src;
            return side.type === 'external' && other.name === workload && side.range.family === a.family && side.range.start <= a.value && a.value <= side.range.end;
          });
        };
        for (const { protocol, port } of checks) {
          for (const s of list) {
            for (const d of list) {
              if (s === d) continue;
              const v = verdict(resources, { src: id(s), dst: id(d), protocol, port });
              expect(conns(byPair.get(`${id(s)} => ${id(d)}`), protocol, port), `${id(s)} => ${id(d)} ${protocol}/${port}`).toBe(v.allowed);
            }
            for (const ip of ips) {
              if (familyMismatch({ pod: s }, { ip })) continue;
              expect(conns(rangeEntry(ip, 'dst', id(s)), protocol, port)).toBe(verdict(resources, { src: id(s), dst: ip, protocol, port }).allowed);
              expect(conns(rangeEntry(ip, 'src', id(s)), protocol, port)).toBe(verdict(resources, { src: ip, dst: id(s), protocol, port }).allowed);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('adding a policy gives exactly the union of what was allowed before (if isolated) and what its rules allow', () => {
    fc.assert(
      fc.property(pods, namespaceLabels, policies(3), policy('added'), probes, (list, nsLabels, pols, added, checks) => {
        const objects = worldObjects(list, nsLabels);
        const before = buildResources([...objects, ...pols]);
        const after = buildResources([...objects, ...pols, added]);
        const alone = buildResources([...objects, added]);
        const isolated = (d: Verdict['ingress']) => d.decidedBy !== 'not isolated';
        for (const s of list) {
          for (const d of list) {
            if (s === d) continue;
            for (const { protocol, port } of checks) {
              const q = { src: id(s), dst: id(d), protocol, port };
              const [b, a, p] = [verdict(before, q), verdict(after, q), verdict(alone, q)];
              for (const dir of ['ingress', 'egress'] as const) {
                const isoAfter = isolated(b[dir]) || isolated(p[dir]);
                expect(isolated(a[dir]), `${dir} isolation ${q.src} -> ${q.dst}`).toBe(isoAfter);
                const expected = !isoAfter || (isolated(b[dir]) && b[dir].allowed) || (isolated(p[dir]) && p[dir].allowed);
                expect(a[dir].allowed, `${dir} ${q.src} -> ${q.dst} ${protocol}/${port}`).toBe(expected);
                // never more than the added policy's rules allow, for the pods it isolates
                if (isolated(p[dir]) && !isolated(b[dir])) expect(a[dir].allowed).toBe(p[dir].allowed);
                // union monotonicity: what an isolated pod allowed stays allowed
                if (isolated(b[dir]) && b[dir].allowed) expect(a[dir].allowed).toBe(true);
              }
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a default deny with nothing else denies everything to and from the selected pods', () => {
    fc.assert(
      fc.property(pods, namespaceLabels, fc.constantFrom(...NAMESPACES), probes, (list, nsLabels, denied, checks) => {
        const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: denied }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
        const resources = buildResources([...worldObjects(list, nsLabels), deny]);
        const entries = connlist(resources);
        for (const e of entries) {
          for (const side of [e.src, e.dst]) {
            if (side.type === 'workload') expect(side.workload.namespace).not.toBe(denied);
          }
          expect(e.conns.isAll()).toBe(true);
        }
        for (const s of list) {
          for (const d of list) {
            if (s === d) continue;
            for (const { protocol, port } of checks) {
              const v = verdict(resources, { src: id(s), dst: id(d), protocol, port });
              expect(v.allowed).toBe(s.ns !== denied && d.ns !== denied && !familyMismatch({ pod: s }, { pod: d }));
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
