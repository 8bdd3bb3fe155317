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

  it('lists 5,000 workloads with their own policies (ztp shape) without trying every pair', () => {
    // the shape: N Deployments in N/20 namespaces, a default deny (plus DNS) per namespace,
    // each workload reachable from three callers on a named port, egress to one tier on 8080
    const n = 5000;
    const objects: unknown[] = [];
    const np = (ns: string, name: string, spec: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
    objects.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dns', namespace: 'kube-system' }, spec: { template: { metadata: { labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'c', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }] } } } });
    for (let k = 0; k < n / 20; k++) {
      objects.push(np(`ns${k}`, 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] }));
    }
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < n; i++) {
      const ns = `ns${i % (n / 20)}`;
      objects.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `w${i}`, namespace: ns }, spec: { template: { metadata: { labels: { app: `w${i}`, tier: `t${i % 10}` } }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] } } } });
      const callers = [0, 1, 2].map(() => Math.floor(rnd() * n));
      objects.push(np(ns, `w${i}-in`, { podSelector: { matchLabels: { app: `w${i}` } }, policyTypes: ['Ingress'], ingress: [{ from: callers.map((c) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': `ns${c % (n / 20)}` } }, podSelector: { matchLabels: { app: `w${c}` } } })), ports: [{ port: 'http' }] }] }));
      objects.push(np(ns, `w${i}-out`, { podSelector: { matchLabels: { app: `w${i}` } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { tier: `t${(i + 1) % 10}` } } }], ports: [{ port: 8080 }] }] }));
    }
    const resources = buildResources(objects);
    const start = performance.now();
    const entries = connlist(resources);
    const seconds = (performance.now() - start) / 1000;
    console.log(`connlist of 5,000 workloads / ${resources.networkPolicies.length} policies: ${entries.length} entries in ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(60);
    const byPair = new Map(entries.map((e) => [`${e.src.name} => ${e.dst.name}`, e]));
    expect(entries.length).toBeGreaterThan(n);
    for (let k = 0; k < 300; k++) {
      const a = resources.workloads[(k * 7919) % resources.workloads.length]!;
      const listed = entries.filter((e) => e.src.name === a.id && e.dst.type === 'workload');
      const b = listed.length > 0 && k % 2 === 0 ? listed[k % listed.length]!.dst.name : resources.workloads[(k * 104729 + 13) % resources.workloads.length]!.id;
      if (a.id === b) continue;
      for (const [protocol, port] of [['TCP', 8080], ['UDP', 53]] as const) {
        const v = verdict(resources, { src: a.id, dst: b, protocol, port });
        expect(byPair.get(`${a.id} => ${b}`)?.conns.contains(protocol, port) ?? false, `${a.id} => ${b} ${protocol}/${port}`).toBe(v.allowed);
      }
    }
  });
});
