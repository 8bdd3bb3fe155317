import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { egress, flow, fromCidr, toCidr, workload } from '@ztp/model';
import { assembleBundle, BundleError, intendedConnectivity } from './bundle.ts';
import { compileEnvironment } from './compile.ts';
import { emitApplicationSet } from './emitters/argocd.ts';
import { emitted } from './object.ts';
import { knownKinds, schemaError } from './schema.ts';
import { canonical, toJsonRows } from './serialize.ts';
import { CLUSTER_CIDRS, env, irOf, SIDECAR, shop } from './testing.ts';

describe('assembleBundle', () => {
  it('refuses an object that does not match its upstream schema, as a ztp bug', () => {
    const { web, db } = shop();
    const ir = irOf({ workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })] });
    const bad = emitted('network', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Sideways'] } }, ['here:1']);
    expect(() => assembleBundle(ir, [bad], [])).toThrow(BundleError);
    expect(() => assembleBundle(ir, [bad], [])).toThrow(/NetworkPolicy shop\/x \(from here:1\): .*policyTypes/);
  });

  it('refuses the same object emitted twice', () => {
    const { web } = shop();
    const ir = irOf({ workloads: [web] });
    const ns = emitted('identity', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, []);
    expect(() => assembleBundle(ir, [ns, ns], [])).toThrow(/Namespace shop is emitted twice \(identity\/namespace-shop.yaml\)/);
  });

  it('refuses a file emitted twice, or under the name of a file the bundle derives', () => {
    const { web } = shop();
    const ir = irOf({ workloads: [web] });
    const ns = emitted('identity', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, []);
    const file = (path: string) => ({ path, content: 'x' });
    expect(() => assembleBundle(ir, [ns], [file('identity/namespace-shop.yaml')])).toThrow(/is emitted twice \(identity\/namespace-shop.yaml\)/);
    expect(() => assembleBundle(ir, [], [file('audit/a.yaml'), file('audit/a.yaml')])).toThrow(/file is emitted twice \(audit\/a.yaml\)/);
    expect(() => assembleBundle(ir, [], [file('manifest.json')])).toThrow(/file manifest.json is emitted by an emitter/);
    expect(() => assembleBundle(ir, [], [file('kustomization.yaml')])).toThrow(/file kustomization.yaml is emitted by an emitter/);
    // and lays out the others in order, the derived files among them
    expect([...assembleBundle(ir, [ns], [file('vault/x.json'), file('audit/a.yaml')]).files.keys()]).toEqual(['audit/a.yaml', 'identity/namespace-shop.yaml', 'kustomization.yaml', 'manifest.json', 'vault/x.json']);
  });

  it('checks every kind it knows with that kind\'s validator (none passes an object whose name is a number)', () => {
    for (const known of knownKinds()) {
      const at = known.lastIndexOf('/');
      const object = { apiVersion: known.slice(0, at), kind: known.slice(at + 1), metadata: { name: 42 as unknown as string, namespace: 'shop' } };
      expect(schemaError(object), known).toMatch(/name/);
    }
  });

  it('refuses a kind it has no schema for', () => {
    expect(schemaError({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' } })).toMatch(/no upstream schema is known/);
  });

  it('writes manifest.json with every key in canonical order and one line per entry', () => {
    // labels declared out of order everywhere the manifest carries labels; every kind of peer
    const web = workload({ namespace: 'shop', name: 'web', labels: { tier: 'front', app: 'web' }, ports: { http: { port: 8080, appProtocol: 'http' } } });
    const db = workload({ namespace: 'shop', name: 'db', labels: { zone: 'a', app: 'db' }, ports: { pg: { port: 5432 }, ext: { port: 9000, mtls: 'DISABLE' } } });
    const e = env({
      workloads: [web, db],
      clusterCidrs: CLUSTER_CIDRS,
      dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns', component: 'dns' }, port: 53 },
      mesh: { ...SIDECAR, istiodLabels: { istio: 'pilot', app: 'istiod' } },
      admission: [{ id: 'some-rules', description: 'rules' }],
      flows: [
        flow({ from: web, to: db, ports: ['pg'] }),
        flow({ from: db, to: web, ports: ['http'], http: [{ methods: ['GET'], paths: ['/api/*'] }] }),
        flow({ from: [fromCidr('203.0.113.0/24')], to: db, ports: ['ext'] }),
      ],
      egress: [egress({ from: web, to: toCidr('198.51.100.0/24'), ports: [443] })],
    });
    const text = compileEnvironment(e, '/repo').files.get('manifest.json') ?? '';
    const parsed = JSON.parse(text) as { objects: unknown[]; files: unknown[] };
    expect(parsed.objects.length).toBeGreaterThan(5);
    expect(text).toBe(toJsonRows(canonical(parsed)));
    // each entry of a list is one line that names itself
    for (const o of parsed.objects) expect(text).toContain(`\n    ${JSON.stringify(canonical(o))}`);
    expect(text.split('\n').filter((l) => l.includes('"sha256"')).length).toBe(parsed.objects.length + parsed.files.length);
  });

  it('lists admission modules in manifest.json only once the admission layer is on', () => {
    const { web } = shop();
    const modules = [{ id: 'some-rules', description: 'rules' }];
    const early = JSON.parse(assembleBundle(irOf({ phase: 2, workloads: [web], admission: modules }), [], []).files.get('manifest.json') ?? '{}') as { admission: unknown[] };
    expect(early.admission).toEqual([]);
    const later = JSON.parse(assembleBundle(irOf({ phase: 3, workloads: [web], admission: modules }), [], []).files.get('manifest.json') ?? '{}') as { admission: unknown[] };
    expect(later.admission).toEqual([{ id: 'some-rules', description: 'rules' }]);
  });

  it('records clusterCidrs in manifest.json as declared, and only when declared', () => {
    const { web } = shop();
    const manifestOf = (clusterCidrs: readonly string[]) => JSON.parse(assembleBundle(irOf({ workloads: [web], clusterCidrs }), [], []).files.get('manifest.json') ?? '{}') as Record<string, unknown>;
    expect(manifestOf(CLUSTER_CIDRS).clusterCidrs).toEqual(CLUSTER_CIDRS);
    expect(manifestOf(['10.244.0.0/16', '10.96.0.0/12']).clusterCidrs).toEqual(['10.244.0.0/16', '10.96.0.0/12']);
    // absent, not empty: bundles of environments without it keep their bytes
    expect('clusterCidrs' in manifestOf([])).toBe(false);
    expect(assembleBundle(irOf({ workloads: [web] }), [], []).files.get('manifest.json')).not.toContain('clusterCidrs');
  });

  it('places files that are not cluster objects outside the kustomization', () => {
    const { web } = shop();
    const b = assembleBundle(irOf({ workloads: [web] }), [], [{ path: 'admission/scan/conftest/policy.rego', content: 'package main' }]);
    expect(b.files.get('admission/scan/conftest/policy.rego')).toBe('package main\n');
    expect(b.files.get('kustomization.yaml')).not.toContain('admission/scan');
  });
});

describe("CIDR callers and destinations with cni 'kubernetes'", () => {
  const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http', mtls: 'PERMISSIVE' } } });
  const props = {
    mesh: SIDECAR,
    phase: 2 as const,
    clusterCidrs: CLUSTER_CIDRS,
    workloads: [api],
    flows: [flow({ from: [fromCidr('10.0.0.0/8'), fromCidr('203.0.113.0/24')], to: api, ports: ['http'] })],
    egress: [egress({ from: api, to: [toCidr('0.0.0.0/0', ['192.168.0.0/16']), toCidr('::/0')], ports: [443] })],
  };

  it("writes the excepted cluster ranges into the intent, so the verifier expects them denied", () => {
    const intent = intendedConnectivity(irOf({ ...props, cni: 'kubernetes' }));
    expect(intent.flows.map((f) => f.from)).toEqual([{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/16'] }, { cidr: '203.0.113.0/24' }]);
    expect(intent.egress.map((e) => e.to)).toEqual([
      { cidr: '0.0.0.0/0', except: ['10.96.0.0/12', '10.244.0.0/16', '192.168.0.0/16'] },
      { cidr: '::/0', except: ['fd00:10:244::/56'] },
    ]);
    // under Cilium, as declared
    expect(intendedConnectivity(irOf({ ...props, cni: 'cilium' })).flows.map((f) => f.from)).toEqual([{ cidr: '10.0.0.0/8' }, { cidr: '203.0.113.0/24' }]);
  });

  it('compiles into objects their upstream schemas accept, each except strictly inside its cidr', () => {
    const b = compileEnvironment(env({ ...props, cni: 'kubernetes' }), '/repo');
    const ingress = parse(b.files.get('network/networkpolicy-shop-ztp-api-ingress.yaml') ?? '') as { spec: { ingress: { from: unknown[] }[] } };
    expect(ingress.spec.ingress.map((r) => r.from)).toEqual([[{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/16'] } }], [{ ipBlock: { cidr: '203.0.113.0/24' } }]]);
    const authz = parse(b.files.get('mesh/authorizationpolicy-shop-ztp-api.yaml') ?? '') as { spec: { rules: { from: unknown[] }[] } };
    expect(authz.spec.rules[0]?.from).toEqual([{ source: { ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.96.0.0/12', '10.244.0.0/16'] } }]);
    const manifest = JSON.parse(b.files.get('manifest.json') ?? '{}') as { intent: { flows: { from: unknown }[] } };
    expect(manifest.intent.flows[0]?.from).toEqual({ cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/16'] });
  });
});

describe('emitApplicationSet', () => {
  it('generates one Application per environment, synced to its cluster with prune and self-heal', () => {
    const set = emitApplicationSet({ repoURL: 'https://git.example.com/p.git', revision: 'ztp-bundles', path: 'bundles', argocdNamespace: 'argocd', project: 'platform' }, [
      { environment: 'prod', cluster: 'prod-eu' },
      { environment: 'dev', cluster: 'in-cluster' },
    ]);
    expect(schemaError(set)).toBeUndefined();
    const spec = set.spec as { generators: { list: { elements: unknown[] } }[]; template: { spec: Record<string, unknown> } };
    expect(spec.generators[0]?.list.elements).toEqual([{ environment: 'dev', cluster: 'in-cluster' }, { environment: 'prod', cluster: 'prod-eu' }]);
    expect(spec.template.spec).toMatchObject({ project: 'platform', source: { repoURL: 'https://git.example.com/p.git', targetRevision: 'ztp-bundles', path: 'bundles/{{.environment}}' }, destination: { name: '{{.cluster}}' }, syncPolicy: { automated: { prune: true, selfHeal: true } } });
  });
});
