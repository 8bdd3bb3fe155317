import { describe, expect, it } from 'vitest';
import { egress, flow, fromCidr, fromNamespace, toCidr, toFqdn, workload } from '@ztp/model';
import { AMBIENT, byName, CLUSTER_CIDRS, irOf, NO_MESH, shop, CERTS } from '../testing.ts';
import { emitNetworkPolicies } from './network-policy.ts';

describe('emitNetworkPolicies', () => {
  it('denies all ingress and egress in every managed namespace and allows DNS to kube-dns only', () => {
    const { web, db } = shop();
    const out = byName(emitNetworkPolicies(irOf({ namespaces: ['shop', 'other'], workloads: [web, db] })));
    for (const ns of ['shop', 'other']) {
      expect(out.get(`NetworkPolicy ${ns}/ztp-default-deny`)?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(out.get(`NetworkPolicy ${ns}/ztp-allow-dns`)?.spec).toEqual({
        podSelector: {},
        policyTypes: ['Egress'],
        // Namespace and pod selector in the same peer: only kube-dns pods in kube-system, not any pod there.
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
      });
    }
  });

  it('emits an ingress rule on the server and an egress rule on the client, with resolved port numbers', () => {
    const { web, db } = shop();
    const out = byName(emitNetworkPolicies(irOf({ workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })] })));
    expect(out.get('NetworkPolicy shop/ztp-db-ingress')?.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    expect(out.get('NetworkPolicy shop/ztp-web-egress')?.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    expect(out.has('NetworkPolicy shop/ztp-web-ingress')).toBe(false);
    expect(out.has('NetworkPolicy shop/ztp-db-egress')).toBe(false);
  });

  it('leaves the server side of a Cilium L7 flow to the CiliumNetworkPolicy', () => {
    const { web, db } = shop();
    const out = byName(
      emitNetworkPolicies(irOf({ mesh: NO_MESH, certificates: CERTS, workloads: [web, db], flows: [flow({ from: db, to: web, ports: ['http'], http: [{ methods: ['GET'] }] })] })),
    );
    expect(out.has('NetworkPolicy shop/ztp-web-ingress')).toBe(false);
    expect(out.get('NetworkPolicy shop/ztp-db-egress')).toBeDefined();
  });

  it('keeps the server side of an Istio L7 flow at L4 (Istio enforces the HTTP rule)', () => {
    const { web, db } = shop();
    const out = byName(emitNetworkPolicies(irOf({ workloads: [web, db], flows: [flow({ from: db, to: web, ports: ['http'], http: [{ methods: ['GET'] }] })] })));
    expect(out.get('NetworkPolicy shop/ztp-web-ingress')).toBeDefined();
  });

  it('leaves HTTP flows to a port without mTLS to the CiliumNetworkPolicy, even in a mesh (no L4 allow for every method)', () => {
    const api = workload({ namespace: 'shop', name: 'api', ports: { metrics: { port: 9090, appProtocol: 'http', mtls: 'DISABLE' } } });
    const { web } = shop();
    const out = byName(emitNetworkPolicies(irOf({ workloads: [web, api], flows: [flow({ from: web, to: api, ports: ['metrics'], http: [{ methods: ['GET'], paths: ['/metrics'] }] })] })));
    expect(out.has('NetworkPolicy shop/ztp-api-ingress')).toBe(false);
    expect(out.get('NetworkPolicy shop/ztp-web-egress')?.spec).toMatchObject({ egress: [{ ports: [{ protocol: 'TCP', port: 9090 }] }] });
  });

  it('lets sidecars reach istiod on 15012 once the mesh layer is on, and not before', () => {
    const { web, db } = shop();
    expect(byName(emitNetworkPolicies(irOf({ workloads: [web, db] }))).get('NetworkPolicy shop/ztp-allow-istiod')?.spec).toMatchObject({ egress: [{ ports: [{ protocol: 'TCP', port: 15012 }] }] });
    expect(byName(emitNetworkPolicies(irOf({ phase: 1, workloads: [web, db] }))).has('NetworkPolicy shop/ztp-allow-istiod')).toBe(false);
  });

  it('opens HBONE 15008 and the kubelet probe address under ambient', () => {
    const { web, db } = shop();
    const out = byName(emitNetworkPolicies(irOf({ mesh: AMBIENT, workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })] })));
    expect(out.get('NetworkPolicy shop/ztp-db-ingress')?.spec).toMatchObject({ ingress: [{ ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 15008 }] }] });
    expect(out.get('NetworkPolicy shop/ztp-web-egress')?.spec).toMatchObject({ egress: [{ ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 15008 }] }] });
    expect(out.get('NetworkPolicy shop/ztp-allow-ambient-probes')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] }] });
    expect(out.has('NetworkPolicy shop/ztp-allow-istiod')).toBe(false);
  });

  it('admits namespace and CIDR callers, and gives managed namespace callers an egress rule', () => {
    const { web, db } = shop();
    const out = byName(
      emitNetworkPolicies(
        irOf({ mesh: NO_MESH, certificates: CERTS, namespaces: ['shop', 'edge'], workloads: [web, db], flows: [flow({ from: [fromNamespace('edge'), fromCidr('203.0.113.0/24')], to: web, ports: ['http'] })] }),
      ),
    );
    expect(out.get('NetworkPolicy shop/ztp-web-ingress')?.spec).toMatchObject({
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } }] }, { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }],
    });
    expect(out.get('NetworkPolicy edge/ztp-namespace-egress')?.spec).toMatchObject({ podSelector: {}, egress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }] });
  });

  it('emits external CIDR egress with except, and leaves DNS names to Cilium', () => {
    const { web, db } = shop();
    const out = byName(
      emitNetworkPolicies(irOf({ workloads: [web, db], egress: [egress({ from: web, to: [toCidr('0.0.0.0/0', ['10.0.0.0/8']), toFqdn('api.example.com')], ports: [443] })] })),
    );
    expect(out.get('NetworkPolicy shop/ztp-web-egress')?.spec).toMatchObject({ egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ protocol: 'TCP', port: 443 }] }] });
    expect((out.get('NetworkPolicy shop/ztp-web-egress')?.spec as { egress: unknown[] }).egress).toHaveLength(1);
  });

  it("with cni 'kubernetes', excepts the cluster's own ranges from CIDR callers and destinations (an ipBlock matches pods there)", () => {
    const { web, db } = shop();
    const props = {
      mesh: NO_MESH,
      certificates: CERTS,
      clusterCidrs: CLUSTER_CIDRS,
      workloads: [web, db],
      flows: [flow({ from: [fromCidr('10.0.0.0/8'), fromCidr('203.0.113.0/24')], to: web, ports: ['http'] })],
      egress: [egress({ from: web, to: [toCidr('0.0.0.0/0', ['192.168.0.0/16'])], ports: [443] })],
    };
    const out = byName(emitNetworkPolicies(irOf({ ...props, cni: 'kubernetes' })));
    expect((out.get('NetworkPolicy shop/ztp-web-ingress')?.spec as { ingress: unknown[] }).ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    expect((out.get('NetworkPolicy shop/ztp-web-egress')?.spec as { egress: unknown[] }).egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.96.0.0/12', '10.244.0.0/16', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    // Cilium's CIDR rules never match pods: its NetworkPolicies keep the declared ranges
    const cilium = byName(emitNetworkPolicies(irOf({ ...props, cni: 'cilium' })));
    expect((cilium.get('NetworkPolicy shop/ztp-web-ingress')?.spec as { ingress: { from: unknown[] }[] }).ingress.map((r) => r.from)).toEqual([[{ ipBlock: { cidr: '10.0.0.0/8' } }], [{ ipBlock: { cidr: '203.0.113.0/24' } }]]);
    expect(cilium.get('NetworkPolicy shop/ztp-web-egress')?.spec).toMatchObject({ egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['192.168.0.0/16'] } }] }] });
  });
});
