import { describe, expect, it } from 'vitest';
import { deployment, netpol, ns, pod } from './__fixtures__/builders.ts';
import { buildResources, ManifestError } from './resources.ts';

describe('building resources', () => {
  it('reads every workload kind with its pod template labels and ports', () => {
    const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] } };
    const r = buildResources([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ss', namespace: 'a' }, spec: { template } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { template } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { template } },
      { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' }, spec: { template } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { jobTemplate: { spec: { template } } } },
      deployment('a', 'dep', { app: 'y' }, [{ containerPort: 53, protocol: 'UDP', name: 'dns' }]),
    ]);
    expect(r.workloads.map((w) => w.id)).toEqual([
      'a/dep[Deployment]',
      'a/ss[StatefulSet]',
      'default/cj[CronJob]',
      'default/ds[DaemonSet]',
      'default/job[Job]',
      'default/rc[ReplicationController]',
      'default/rs[ReplicaSet]',
    ]);
    expect(r.workloads[0]!.pods[0]!.ports).toEqual([{ name: 'dns', port: 53, protocol: 'UDP' }]);
    expect(r.workloads[2]!.pods[0]!.labels).toEqual({ app: 'x' });
    expect(r.namespaces.map((n) => [n.name, n.implicit, n.labels])).toEqual([
      ['a', true, { 'kubernetes.io/metadata.name': 'a' }],
      ['default', true, { 'kubernetes.io/metadata.name': 'default' }],
    ]);
  });

  it('groups pods by controlling owner and ignores Node owners', () => {
    const owned = (name: string, owner: Record<string, unknown>) => ({
      ...pod('ns', name, { app: 'a' }, { ip: `10.0.0.${name.length}` }),
      metadata: { name, namespace: 'ns', labels: { app: 'a' }, ownerReferences: [owner] },
    });
    const r = buildResources([
      owned('rs-1', { kind: 'ReplicaSet', name: 'rs', controller: true }),
      owned('rs-22', { kind: 'ReplicaSet', name: 'rs', controller: true }),
      owned('static', { kind: 'Node', name: 'node-1', controller: true }),
      owned('orphan', { kind: 'ReplicaSet', name: 'rs', controller: false }),
      owned('nokind', { name: 'owner', controller: true }),
    ]);
    expect(r.workloads.map((w) => [w.id, w.pods.length])).toEqual([
      ['ns/orphan[Pod]', 1],
      ['ns/owner[Pod]', 1],
      ['ns/rs[ReplicaSet]', 2],
      ['ns/static[Pod]', 1],
    ]);
  });

  it('flattens List kinds whose items have no kind', () => {
    const r = buildResources([
      { apiVersion: 'v1', kind: 'NamespaceList', items: [{ metadata: { name: 'n1', labels: { team: 'x' } } }] },
      { apiVersion: 'v1', kind: 'List', items: [pod('n1', 'p', {}), { kind: 'Service', metadata: { name: 's' } }] },
    ]);
    expect(r.namespaces).toEqual([{ name: 'n1', labels: { team: 'x', 'kubernetes.io/metadata.name': 'n1' }, implicit: false }]);
    expect(r.workloads.map((w) => w.id)).toEqual(['n1/p[Pod]']);
    expect(r.ignored.map((i) => i.kind)).toEqual(['Service']);
  });

  it('always sets the namespace name label to the name', () => {
    const r = buildResources([ns('real', { 'kubernetes.io/metadata.name': 'fake' })]);
    expect(r.namespaces[0]!.labels['kubernetes.io/metadata.name']).toBe('real');
  });

  it('ignores kinds it does not analyse, including other groups\' NetworkPolicy', () => {
    const r = buildResources([
      { apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: { name: 'calico' }, spec: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
    ]);
    expect(r.networkPolicies).toEqual([]);
    expect(r.ignored.map((i) => `${i.kind}/${i.name}`)).toEqual(['NetworkPolicy/calico', 'ConfigMap/cm']);
  });

  it('refuses invalid policies and duplicates, listing every problem', () => {
    let error: unknown;
    try {
      buildResources([
        netpol('a', 'bad', { podSelector: {}, ingress: [{ ports: [{ port: 0 }] }] }),
        netpol('a', 'dup', { podSelector: {} }),
        netpol('a', 'dup', { podSelector: {} }),
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).problems).toHaveLength(2);
  });

  it('reads status pod IPs and rejects malformed ones', () => {
    const r = buildResources([pod('a', 'p', {}, { ip: ['10.0.0.1', 'fd00::1'] })]);
    expect(r.workloads[0]!.pods[0]!.ips).toEqual(['10.0.0.1', 'fd00::1']);
    expect(() => buildResources([pod('a', 'p', {}, { ip: 'not-an-ip' })])).toThrow(ManifestError);
  });

  it('places namespaced objects without a namespace in defaultNamespace, and says so', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'x' } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {} } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
    ];
    const r = buildResources(objects, { defaultNamespace: 'prod' });
    expect(r.workloads.map((w) => w.id)).toEqual(['prod/p[Pod]']);
    expect(r.networkPolicies[0]!.namespace).toBe('prod');
    expect(r.namespaces.map((n) => n.name)).toEqual(['prod']);
    expect(r.warnings).toContain('2 namespaced object(s) name no namespace and were placed in "prod" (set defaultNamespace to match kubectl -n)');
    expect(buildResources(objects).workloads.map((w) => w.id)).toEqual(['default/p[Pod]']);
  });
});
