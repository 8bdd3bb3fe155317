import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@ztp/compiler';
import { defineEnvironment, flow, workload } from '@ztp/model';
import { readBundle, synthesize, verifyBundle } from '@ztp/verify';
import { CLUSTER_DNS, planProbes, undeclaredPort } from './probe-plan.ts';
import { prepareEnvironment } from './prepare.ts';
import { exampleBundles } from './test-bundles.ts';

const envs = await exampleBundles();

describe('the probe plan of each example environment', () => {
  it('covers the three example environments', () => {
    expect(envs.map((e) => e.bundle.environment).sort()).toEqual(['dev', 'production', 'staging']);
  });

  for (const { bundle, manifest } of envs) {
    describe(bundle.environment, () => {
      const { plan } = prepareEnvironment(bundle, []);

      it('probes from every caller @ztp/verify places, to every declared port and one undeclared port of every workload', () => {
        const callers = synthesize(manifest).peers.filter((p) => p.kind !== 'dns' && p.kind !== 'istiod');
        expect(plan.sources.map((s) => s.peer.ref)).toEqual(callers.map((p) => p.ref));
        for (const w of manifest.workloads) {
          for (const s of plan.sources) {
            const ports = new Set(plan.cells.filter((c) => c.source === s.id && c.target === w.id).map((c) => `${c.port}/${c.protocol}`));
            if (s.id === w.id) expect(ports.size, `${s.id} to itself`).toBe(0);
            else expect([...ports].sort()).toEqual([...w.ports.map((p) => `${p.port}/${p.protocol}`), `${undeclaredPort(w.ports)}/TCP`].sort());
          }
        }
        expect(new Set(plan.cells.map((c) => c.id)).size).toBe(plan.cells.length);
      });

      it("expects exactly what `ztp verify` proves statically, cell by cell, at the layer this run enforces", () => {
        const report = verifyBundle(bundle);
        const prefix = plan.layer === 'all' ? '' : `[${plan.layer} layer] `;
        const checks = new Map(report.checks.map((c) => [c.id, c] as const));
        const refOf = new Map(plan.sources.map((s) => [s.id, s.peer.ref] as const));
        let compared = 0;
        for (const c of plan.cells.filter((x) => x.target !== CLUSTER_DNS)) {
          const id = `${prefix}${refOf.get(c.source)} => ${c.target}[Deployment]:${c.port}/${c.protocol}${c.request ? ` ${c.request.method} ${c.request.path}` : ''}`;
          const check = checks.get(id);
          expect(check, `ztp verify has no check ${id}`).toBeDefined();
          expect(c.expected === 'connected' ? 'allowed' : 'denied', id).toBe(check!.expected);
          expect([...c.declaredBy].sort(), id).toEqual([...check!.declaredBy].sort());
          if (c.expected === 'http-403') expect(check!.observed, id).toBe('http-403');
          compared++;
        }
        expect(compared).toBe(plan.cells.filter((x) => x.target !== CLUSTER_DNS).length);
        expect(report.ok).toBe(true);
      });

      it('expects every declared flow to connect, every other pair to be dropped, and HTTP requests outside the rules to get 403 only where Cilium enforces them', () => {
        for (const c of plan.cells) {
          if (c.expected === 'dropped') expect(c.declaredBy, c.id).toEqual([]);
          else expect(c.declaredBy.length, c.id).toBeGreaterThan(0);
        }
        for (const f of manifest.intent.flows) {
          const from = 'workload' in f.from ? f.from.workload : 'namespace' in f.from ? f.from.namespace : undefined;
          const cells = plan.cells.filter((c) => c.target === f.to && f.ports.some((p) => p.port === c.port) && (c.source === from || c.source.startsWith(`${from}/`)));
          expect(cells.length, `flow ${f.source}`).toBeGreaterThan(0);
          const forbidden = cells.filter((c) => c.request?.path === '/ztp-verify-forbidden');
          if (f.http && (f.l7 === 'cilium' || plan.layer === 'all')) for (const c of forbidden) expect(c.expected, c.id).toBe('http-403');
          if (f.http && f.l7 === 'istio' && plan.layer === 'network') for (const c of forbidden) expect(c.expected, c.id).toBe('connected');
        }
        expect(plan.cells.filter((c) => c.expected === 'dropped').length).toBeGreaterThan(plan.cells.length / 2);
      });

      it('has every managed pod look up the cluster DNS, and never probes internet egress', () => {
        const dns = plan.cells.filter((c) => c.target === CLUSTER_DNS);
        expect(dns.map((c) => c.source).sort()).toEqual(plan.sources.filter((s) => s.peer.managed).map((s) => s.id).sort());
        for (const c of dns) expect([c.probe, c.expected, c.port]).toEqual(['dns', 'connected', manifest.intent.dns.port]);
        const workloadIds = new Set(manifest.workloads.map((w) => w.id));
        for (const c of plan.cells) expect(c.target === CLUSTER_DNS || workloadIds.has(c.target), c.id).toBe(true);
        if (manifest.intent.egress.length > 0) expect(plan.notProbed.join('\n')).toContain('internet egress');
      });
    });
  }

  it('dev: the Cilium-enforced /metrics rule admits GET /metrics from monitoring and refuses the rest; the Istio-enforced rule is out of this run', () => {
    const dev = envs.find((e) => e.bundle.environment === 'dev')!;
    const { plan } = prepareEnvironment(dev.bundle, []);
    const metrics = plan.cells.filter((c) => c.source === 'monitoring/ztp-probe' && c.target === 'dev/api-server' && c.port === 9090);
    expect(metrics.map((c) => [c.request?.method, c.request?.path, c.expected])).toEqual([
      ['GET', '/metrics', 'connected'],
      ['GET', '/ztp-verify-forbidden', 'http-403'],
      // every other method, and the paths just past the exact one
      ...['HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => [m, '/metrics', 'http-403']),
      ['GET', '/metricsztp-probe', 'http-403'],
      ['GET', '/metrics/ztp-probe', 'http-403'],
    ]);
    expect(plan.cells.find((c) => c.id === 'dev/ztp-rogue => dev/api-server:9090/TCP')?.expected).toBe('dropped');
    expect(plan.layer).toBe('network');
    expect(plan.notProbed.join('\n')).toMatch(/Istio mTLS and authorization/);
    // At the full bundle (as with Istio running) the Istio rule would refuse the forbidden path.
    const full = planProbes(dev.manifest, { layer: 'all' });
    expect(full.cells.find((c) => c.id === 'dev/frontend => dev/api-server:8080/TCP GET /ztp-verify-forbidden')?.expected).toBe('http-403');
    expect(plan.cells.find((c) => c.id === 'dev/frontend => dev/api-server:8080/TCP GET /ztp-verify-forbidden')?.expected).toBe('connected');
  });

  it("sends each HTTP-limited caller the other callers' requests on the same port too, expecting a 403 for each", async () => {
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const web = workload({ namespace: 'shop', name: 'web' });
    const admin = workload({ namespace: 'shop', name: 'admin' });
    const env = defineEnvironment({
      name: 'x',
      cni: 'cilium',
      mesh: { mode: 'none', mtls: 'DISABLE', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } },
      dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 },
      enforcement: 'enforce',
      phase: 1,
      namespaces: ['shop'],
      workloads: [api, web, admin],
      flows: [
        flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'], paths: ['/public'] }] }),
        flow({ from: admin, to: api, ports: ['http'], http: [{ methods: ['POST'], paths: ['/admin/*'] }] }),
      ],
    });
    const plan = planProbes(readBundle(compileEnvironment(env, '/repo')).manifest, { layer: 'all' });
    const requests = (caller: string) => plan.cells.filter((c) => c.source === caller && c.target === 'shop/api' && c.port === 8080).map((c) => `${c.request?.method} ${c.request?.path} ${c.expected}`);
    expect(requests('shop/web')).toContain('GET /public connected');
    expect(requests('shop/web')).toContain('POST /admin/ztp-probe http-403');
    expect(requests('shop/admin')).toContain('POST /admin/ztp-probe connected');
    expect(requests('shop/admin')).toContain('GET /public http-403');
  });

  it('staging (no mesh) is planned at the full bundle: its Cilium HTTP rule refuses methods and paths outside it', () => {
    const staging = envs.find((e) => e.bundle.environment === 'staging')!;
    const { plan } = prepareEnvironment(staging.bundle, []);
    expect(plan.layer).toBe('all');
    const api = plan.cells.filter((c) => c.source === 'staging/frontend' && c.target === 'staging/api-server' && c.port === 8080);
    // the rule: GET and POST on /api/*
    expect(api.map((c) => `${c.request?.method} ${c.request?.path} ${c.expected}`)).toEqual([
      'GET /api/ztp-probe connected',
      'POST /api/ztp-probe connected',
      'GET /ztp-verify-forbidden http-403',
      ...['HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => `${m} /api/ztp-probe http-403`),
      'GET /apiztp-probe http-403',
      'GET /api http-403',
    ]);
  });
});
