import { describe, expect, it } from 'vitest';
import { flow, fromCidr, fromNamespace, workload } from '@ztp/model';
import { byName, CERTS, CLUSTER_CIDRS, irOf, NO_MESH, SIDECAR, shop } from '../testing.ts';
import { emitCiliumPolicies } from './cilium.ts';
import { emitIstio } from './istio.ts';

describe('emitIstio', () => {
  it('sets mTLS per namespace, and mesh-wide when STRICT, and denies by default with allow-nothing', () => {
    const { web, db } = shop();
    const out = byName(emitIstio(irOf({ workloads: [web, db] })));
    expect(out.get('PeerAuthentication istio-system/default')?.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(out.get('PeerAuthentication shop/default')?.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(out.get('AuthorizationPolicy shop/ztp-allow-nothing')?.spec).toEqual({});
    expect(out.has('AuthorizationPolicy shop/ztp-db')).toBe(false);
    // a looser mode stays in the managed namespaces: the mesh's own default is not replaced
    for (const mtls of ['PERMISSIVE', 'DISABLE'] as const) {
      const loose = byName(emitIstio(irOf({ mesh: { ...SIDECAR, mtls }, workloads: [web, db] })));
      expect(loose.has('PeerAuthentication istio-system/default'), mtls).toBe(false);
      expect(loose.get('PeerAuthentication shop/default')?.spec).toEqual({ mtls: { mode: mtls } });
    }
  });

  it('allows exactly the declared callers by SPIFFE principal, with HTTP methods and paths', () => {
    const { web, db } = shop();
    const out = byName(
      emitIstio(
        irOf({
          trustDomain: 'prod.example',
          workloads: [web, db],
          flows: [flow({ from: web, to: db, ports: ['pg'] }), flow({ from: [db, fromNamespace('edge')], to: web, ports: ['http'], http: [{ methods: ['GET'], paths: ['/api/*'] }] })],
        }),
      ),
    );
    expect(out.get('AuthorizationPolicy shop/ztp-db')?.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['prod.example/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['5432'] } }] }],
    });
    expect(out.get('AuthorizationPolicy shop/ztp-web')?.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      action: 'ALLOW',
      rules: [
        { from: [{ source: { principals: ['prod.example/ns/shop/sa/db'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'], paths: ['/api/*'] } }] },
        { from: [{ source: { namespaces: ['edge'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'], paths: ['/api/*'] } }] },
      ],
    });
  });

  it('overrides mTLS per port, and does not require a principal where mTLS is disabled', () => {
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' }, metrics: { port: 9090, appProtocol: 'http', mtls: 'DISABLE' } } });
    const { web } = shop();
    const out = byName(emitIstio(irOf({ mesh: { ...SIDECAR, mtls: 'PERMISSIVE' }, workloads: [web, api], flows: [flow({ from: web, to: api, ports: ['http', 'metrics'] })] })));
    expect(out.get('PeerAuthentication shop/ztp-api')?.spec).toEqual({ selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { '9090': { mode: 'DISABLE' } } });
    expect((out.get('AuthorizationPolicy shop/ztp-api')?.spec as { rules: unknown[] }).rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] },
      { to: [{ operation: { ports: ['9090'] } }] },
    ]);
  });

  it('leaves HTTP rules on a port without mTLS to Cilium, which names each caller: the Istio rule there is ports only', () => {
    // Without mTLS Istio has no caller identity, so Istio HTTP rules there would admit every caller.
    const api = workload({ namespace: 'shop', name: 'api', ports: { metrics: { port: 9090, appProtocol: 'http', mtls: 'DISABLE' } } });
    const web = workload({ namespace: 'shop', name: 'web' });
    const admin = workload({ namespace: 'shop', name: 'admin' });
    const flows = [
      flow({ from: web, to: api, ports: ['metrics'], http: [{ methods: ['GET'], paths: ['/public'] }] }),
      flow({ from: admin, to: api, ports: ['metrics'], http: [{ methods: ['POST'], paths: ['/admin/*'] }] }),
    ];
    const ir = irOf({ workloads: [api, web, admin], flows });
    expect(ir.allows.map((a) => a.l7)).toEqual(['cilium', 'cilium']);
    const rules = (byName(emitIstio(ir)).get('AuthorizationPolicy shop/ztp-api')?.spec as { rules: unknown[] }).rules;
    expect(rules).toEqual([{ to: [{ operation: { ports: ['9090'] } }] }, { to: [{ operation: { ports: ['9090'] } }] }]);
    const l7 = byName(emitCiliumPolicies(ir)).get('CiliumNetworkPolicy shop/ztp-api-l7')?.spec as { ingress: { fromEndpoints: { matchLabels: Record<string, string> }[]; toPorts: { rules: unknown }[] }[] };
    expect(l7.ingress.map((r) => [r.fromEndpoints[0]?.matchLabels['app.kubernetes.io/name'], r.toPorts[0]?.rules])).toEqual([
      ['web', { http: [{ method: 'GET', path: '/public(\\?.*)?' }] }],
      ['admin', { http: [{ method: 'POST', path: '/admin/.*' }] }],
    ]);
    // an explicit Istio enforcer there never reaches the emitters
    expect(() => irOf({ workloads: [api, web], flows: [flow({ from: web, to: api, ports: ['metrics'], http: [{ methods: ['GET'] }], l7: 'istio' })] })).toThrow(/Istio cannot enforce HTTP rules on port "metrics"/);
  });

  it("under every CNI, keeps the cluster's own ranges out of a CIDR caller's ipBlocks (notIpBlocks)", () => {
    // A pod caller's source IP, its pod IP, lies in the cluster ranges; ipBlocks alone would admit
    // it, under Cilium too (Istio matches the source IP whatever the CNI).
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http', mtls: 'PERMISSIVE' }, metrics: { port: 9090, mtls: 'DISABLE' } } });
    const flows = [flow({ from: [fromCidr('10.0.0.0/8'), fromCidr('203.0.113.0/24')], to: api, ports: ['http', 'metrics'] })];
    const rulesOf = (cni: 'kubernetes' | 'cilium', clusterCidrs: readonly string[] = CLUSTER_CIDRS) =>
      (byName(emitIstio(irOf({ cni, clusterCidrs, workloads: [api], flows }))).get('AuthorizationPolicy shop/ztp-api')?.spec as { rules: unknown[] }).rules;
    const excepted = { source: { ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.96.0.0/12', '10.244.0.0/16'] } };
    const other = { source: { ipBlocks: ['203.0.113.0/24'] } };
    for (const cni of ['kubernetes', 'cilium'] as const) {
      expect(rulesOf(cni), cni).toEqual([
        { from: [excepted], to: [{ operation: { ports: ['8080'] } }] },
        { from: [excepted], to: [{ operation: { ports: ['9090'] } }] },
        { from: [other], to: [{ operation: { ports: ['8080'] } }] },
        { from: [other], to: [{ operation: { ports: ['9090'] } }] },
      ]);
    }
    // under Cilium without clusterCidrs (optional there) the ranges are as declared
    expect(JSON.stringify(rulesOf('cilium', []))).not.toContain('notIpBlocks');
  });

  it('emits nothing without a mesh or before phase 2', () => {
    const { web, db } = shop();
    expect(emitIstio(irOf({ mesh: NO_MESH, certificates: CERTS, workloads: [web, db] }))).toEqual([]);
    expect(emitIstio(irOf({ phase: 1, workloads: [web, db] }))).toEqual([]);
  });
});
