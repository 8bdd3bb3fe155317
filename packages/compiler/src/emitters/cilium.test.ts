import { describe, expect, it } from 'vitest';
import { egress, flow, fromCidr, fromNamespace, toFqdn, workload } from '@ztp/model';
import { byName, CERTS, irOf, NO_MESH, shop } from '../testing.ts';
import { emitCiliumPolicies } from './cilium.ts';
import { ciliumPathRegex } from './http.ts';

describe('ciliumPathRegex', () => {
  it('escapes literal characters and turns a trailing /* into /.*', () => {
    expect(ciliumPathRegex('/api/*')).toBe('/api/.*');
    expect(ciliumPathRegex('/v1.2/items(all)+')).toBe('/v1\\.2/items\\(all\\)\\+(\\?.*)?');
    expect(new RegExp(`^${ciliumPathRegex('/v1.2/x')}$`).test('/v1x2/x')).toBe(false);
  });

  it("matches an exact path with or without a query string (Cilium matches the whole :path, Istio's paths the path alone), and nothing longer", () => {
    const exact = new RegExp(`^(?:${ciliumPathRegex('/metrics')})$`);
    for (const path of ['/metrics', '/metrics?name[]=up', '/metrics?']) expect(exact.test(path), path).toBe(true);
    for (const path of ['/metricsx', '/metrics/x', '/metrics#?x', '/metric']) expect(exact.test(path), path).toBe(false);
    expect(ciliumPathRegex('/healthz')).toBe('/healthz(\\?.*)?');
  });
});

describe('emitCiliumPolicies', () => {
  it('puts HTTP rules on the server, one rule per method and path, with the caller as endpoint selector', () => {
    const { web, db } = shop();
    const out = byName(emitCiliumPolicies(irOf({ mesh: NO_MESH, certificates: CERTS, workloads: [web, db], flows: [flow({ from: db, to: web, ports: ['http'], http: [{ methods: ['POST', 'GET'], paths: ['/api/*', '/healthz'] }] })] })));
    expect(out.get('CiliumNetworkPolicy shop/ztp-web-l7')?.spec).toEqual({
      endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      ingress: [
        {
          fromEndpoints: [{ matchLabels: { 'app.kubernetes.io/name': 'db', 'k8s:io.kubernetes.pod.namespace': 'shop' } }],
          toPorts: [
            {
              ports: [{ port: '8080', protocol: 'TCP' }],
              rules: {
                http: [
                  { method: 'GET', path: '/api/.*' },
                  { method: 'GET', path: '/healthz(\\?.*)?' },
                  { method: 'POST', path: '/api/.*' },
                  { method: 'POST', path: '/healthz(\\?.*)?' },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('uses namespace labels for namespace callers and fromCIDRSet (never matching pods) for external ones', () => {
    const { web, db } = shop();
    const out = byName(emitCiliumPolicies(irOf({ mesh: NO_MESH, certificates: CERTS, workloads: [web, db], flows: [flow({ from: [fromNamespace('edge'), fromCidr('203.0.113.0/24')], to: web, ports: ['http'], http: [{ paths: ['/'] }] })] })));
    const ingress = (out.get('CiliumNetworkPolicy shop/ztp-web-l7')?.spec as { ingress: Record<string, unknown>[] }).ingress;
    expect(ingress[0]).toMatchObject({ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'edge' } }] });
    expect(ingress[1]).toMatchObject({ fromCIDRSet: [{ cidr: '203.0.113.0/24' }] });
  });

  it('emits toFQDNs with the DNS visibility rule it depends on', () => {
    const { web, db } = shop();
    const out = byName(emitCiliumPolicies(irOf({ workloads: [web, db], egress: [egress({ from: web, to: [toFqdn('api.example.com'), toFqdn('*.cdn.example.com')], ports: [443] })] })));
    expect(out.get('CiliumNetworkPolicy shop/ztp-web-fqdn')?.spec).toEqual({
      endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      egress: [
        { toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }] },
        { toFQDNs: [{ matchName: 'api.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchPattern: '*.cdn.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
      ],
    });
  });

  it('emits nothing for L4 flows, Istio-enforced HTTP rules, or a non-Cilium CNI', () => {
    const { web, db } = shop();
    expect(emitCiliumPolicies(irOf({ workloads: [web, db], flows: [flow({ from: db, to: web, ports: ['http'] })] }))).toEqual([]);
    expect(emitCiliumPolicies(irOf({ workloads: [web, db], flows: [flow({ from: db, to: web, ports: ['http'], http: [{ methods: ['GET'] }] })] }))).toEqual([]);
    const w = workload({ namespace: 'shop', name: 'w' });
    expect(emitCiliumPolicies(irOf({ cni: 'kubernetes', workloads: [w] }))).toEqual([]);
  });
});
