import { describe, expect, it } from 'vitest';
import { connlist } from './connlist.ts';
import { formatConnlist } from './format.ts';
import { buildResources } from './resources.ts';
import { verdict } from './verdict.ts';

/** 1,000 workloads in 20 namespaces with 100 policies, mixing selectors, named ports and ipBlocks. */
function bigWorld() {
  const objects: unknown[] = [];
  for (let n = 0; n < 20; n++) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns${n}`, labels: { env: n % 2 ? 'prod' : 'dev' } } });
  for (let i = 0; i < 1000; i++) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `w${i}`, namespace: `ns${i % 20}` },
      spec: {
        template: {
          metadata: { labels: { app: `app${i}`, tier: ['web', 'api', 'db'][i % 3], team: `t${i % 7}` } },
          spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 + (i % 3) }] }] },
        },
      },
    });
  }
  const np = (ns: string, name: string, spec: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
  for (let n = 0; n < 20; n++) {
    const ns = `ns${n}`;
    objects.push(np(ns, 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    objects.push(np(ns, 'web', { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }] }, { from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] }));
    objects.push(np(ns, 'api', { podSelector: { matchLabels: { tier: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'web' } }, namespaceSelector: {} }], ports: [{ port: 8080, endPort: 8081 }] }] }));
    objects.push(np(ns, 'egress', { podSelector: {}, egress: [{ to: [{ namespaceSelector: {} }] }, { ports: [{ port: 53, protocol: 'UDP' }] }] }));
    objects.push(np(ns, 'team', { podSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['t1', 't2'] }] }, ingress: [{ from: [{ podSelector: { matchLabels: { team: `t${n % 7}` } } }] }] }));
  }
  return buildResources(objects);
}

describe('scale', () => {
  it('lists 1,000 workloads quickly and consistently with verdicts', () => {
    const resources = bigWorld();
    const start = performance.now();
    const entries = connlist(resources);
    const seconds = (performance.now() - start) / 1000;
    console.log(`connlist of 1,000 workloads / 100 policies: ${entries.length} entries in ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(20);
    expect(formatConnlist(entries).length).toBeGreaterThan(0);
    const byPair = new Map(entries.map((e) => [`${e.src.name} => ${e.dst.name}`, e]));
    // a deterministic sample of pairs must agree with verdict
    for (let k = 0; k < 300; k++) {
      const a = resources.workloads[(k * 7919) % 1000]!;
      const b = resources.workloads[(k * 104729 + 13) % 1000]!;
      if (a === b) continue;
      for (const [protocol, port] of [['TCP', 8080], ['TCP', 8082], ['UDP', 53]] as const) {
        const v = verdict(resources, { src: a.id, dst: b.id, protocol, port });
        expect(byPair.get(`${a.id} => ${b.id}`)?.conns.contains(protocol, port) ?? false).toBe(v.allowed);
      }
    }
  });
});
