import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileEnvironment, type Bundle } from '@ztp/compiler';
import { defineEnvironment, egress, flow, fromCidr, fromNamespace, toCidr, toFqdn, workload, type EnvironmentProps, type MeshSettings } from '@ztp/model';
import { verifyBundle } from './verify.ts';

const DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 };
const SIDECAR: MeshSettings = { mode: 'istio-sidecar', mtls: 'STRICT', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };
const NO_MESH: MeshSettings = { mode: 'none', mtls: 'DISABLE', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };
const CERTS = { issuer: { kind: 'ClusterIssuer' as const, name: 'ca' }, duration: '1h', renewBefore: '30m' };

function shop(over: Partial<EnvironmentProps> = {}): Bundle {
  const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, appProtocol: 'http' } } });
  const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
  const db = workload({ namespace: 'data', name: 'db', ports: { pg: { port: 5432 } } });
  const env = defineEnvironment({
    name: 'shop',
    cni: 'cilium',
    mesh: SIDECAR,
    dns: DNS,
    enforcement: 'enforce',
    phase: 2,
    namespaces: ['shop', 'data'],
    workloads: [web, api, db],
    flows: [
      flow({ from: fromNamespace('ingress'), to: web, ports: ['http'] }),
      flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'], paths: ['/api/*'] }] }),
      flow({ from: api, to: db, ports: ['pg'] }),
    ],
    egress: [egress({ from: api, to: toCidr('0.0.0.0/0', ['10.0.0.0/8']), ports: [443] })],
    ...over,
  });
  return compileEnvironment(env, '/repo');
}

/** The bundle with one object file removed (from the kustomization too). */
function without(b: Bundle, file: string): Bundle {
  const files = new Map(b.files);
  expect(files.delete(file), file).toBe(true);
  files.set('kustomization.yaml', (files.get('kustomization.yaml') ?? '').replace(`  - ${file}\n`, ''));
  return { ...b, files };
}

/** The bundle with one extra object. */
function plus(b: Bundle, file: string, yaml: string): Bundle {
  const files = new Map(b.files);
  files.set(file, yaml);
  files.set('kustomization.yaml', (files.get('kustomization.yaml') ?? '') + `  - ${file}\n`);
  return { ...b, files };
}

describe('verifyBundle', () => {
  it('proves a correct bundle, with a mesh and without', () => {
    for (const b of [shop(), shop({ mesh: NO_MESH, certificates: CERTS, egress: [egress({ from: fromNamespace('shop'), to: toFqdn('api.example.com'), ports: [443] })] })]) {
      const r = verifyBundle(b);
      expect(r.failures).toEqual([]);
      expect(r.checks.some((c) => c.expected === 'allowed')).toBe(true);
      expect(r.checks.some((c) => c.expected === 'denied')).toBe(true);
    }
  });

  it('fails when a declared flow lost its allow, naming the cell, the declaration and the deciding objects', () => {
    const r = verifyBundle(without(shop(), 'network/networkpolicy-data-ztp-db-ingress.yaml'));
    const f = r.failures.find((x) => x.id === 'shop/api[Deployment] => data/db[Deployment]:5432/TCP');
    expect(f).toMatchObject({ expected: 'allowed', observed: 'dropped' });
    expect(f?.declaredBy[0]).toMatch(/verify\.test\.ts:\d+$/);
    expect(f?.decidedBy.join('\n')).toContain('NetworkPolicy data/ztp-default-deny');
    expect(r.ok).toBe(false);
  });

  it('fails when an extra allow opens a path, even where another layer still blocks it', () => {
    const allowAll = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: oops, namespace: data}\nspec: {podSelector: {}, ingress: [{}], policyTypes: [Ingress]}\n';
    const r = verifyBundle(plus(shop(), 'network/oops.yaml', allowAll));
    expect(r.failures.some((f) => f.layer === 'network' && f.id.includes('ztp-verify-outsider/ztp-outsider[Deployment] => data/db[Deployment]:5432/TCP') && f.observed === 'allowed')).toBe(true);
    const authz = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: oops, namespace: data}\nspec: {action: ALLOW, rules: [{}]}\n';
    const m = verifyBundle(plus(shop(), 'mesh/oops.yaml', authz));
    expect(m.failures.some((f) => f.layer === 'mesh' && f.observed === 'allowed' && f.expected === 'denied')).toBe(true);
  });

  it('fails when a selector lost its namespace or names another one: impostors copy every workload outside its namespace', () => {
    const b = shop();
    /** The bundle with one file's text edited (the proof reads the files; their hashes are not its business). */
    const edit = (file: string, change: (text: string) => string) => {
      const files = new Map(b.files);
      const before = files.get(file) ?? '';
      const after = change(before);
      expect(after, file).not.toBe(before);
      files.set(file, after);
      return verifyBundle({ ...b, files });
    };
    const db = 'network/networkpolicy-data-ztp-db-ingress.yaml';
    // the namespace selector emptied: api-labelled pods of every namespace reach the database
    const anyNs = edit(db, (t) => t.replace(/namespaceSelector:\n\s+matchLabels:\n\s+kubernetes.io\/metadata.name: shop/, 'namespaceSelector: {}'));
    expect(anyNs.failures.some((f) => f.id.startsWith('[network layer] ztp-verify-outsider/ztp-impostor-shop-api[Deployment] => data/db[Deployment]:5432/TCP') && f.observed === 'allowed')).toBe(true);
    expect(anyNs.failures.some((f) => f.id.startsWith('[NetworkPolicy, every port] ztp-verify-outsider/ztp-impostor-shop-api[Deployment] => data/db[Deployment]')), 'the exact check sees it too').toBe(true);
    // a namespace label no namespace of the environment carries: the proof places a namespace with it
    const labelled = edit(db, (t) => t.replace('kubernetes.io/metadata.name: shop', 'team: payments'));
    expect(labelled.failures.some((f) => f.id.includes('ztp-verify-impostor-') && f.id.includes('ztp-impostor-shop-api[Deployment] => data/db[Deployment]:5432/TCP') && f.observed === 'allowed')).toBe(true);
    // egress to another namespace's look-alike of the database
    const egress = edit('network/networkpolicy-shop-ztp-api-egress.yaml', (t) => t.replace('kubernetes.io/metadata.name: data', 'kubernetes.io/metadata.name: payments'));
    expect(egress.failures.some((f) => f.id.startsWith('shop/api[Deployment] => payments/ztp-impostor-data-db[Deployment]:5432/TCP') && f.observed === 'allowed')).toBe(true);
    // the DNS egress to every pod of kube-system, not only the DNS
    const dns = edit('network/networkpolicy-shop-ztp-allow-dns.yaml', (t) => t.replace(/\n +podSelector:\n +matchLabels:\n +k8s-app: kube-dns/, ''));
    expect(dns.failures.some((f) => f.id.includes('=> kube-system/ztp-impostor[Deployment]:53/UDP') && f.observed === 'allowed')).toBe(true);
    // Istio: a principal of any namespace, and an account no workload runs as
    const ap = 'mesh/authorizationpolicy-data-ztp-db.yaml';
    const anyNsPrincipal = edit(ap, (t) => t.replace('cluster.local/ns/shop/sa/api', '"*/sa/api"'));
    expect(anyNsPrincipal.failures.some((f) => f.id === '[mesh layer] ztp-verify-outsider/ztp-impostor-shop-api[Deployment] => data/db[Deployment]:5432/TCP' && f.observed === 'allowed')).toBe(true);
    const otherAccount = edit(ap, (t) => t.replace('- cluster.local/ns/shop/sa/api', '- cluster.local/ns/shop/sa/api\n              - cluster.local/ns/shop/sa/debugger'));
    expect(otherAccount.failures.some((f) => f.id === '[mesh layer] shop/ztp-rogue-1[Deployment] => data/db[Deployment]:5432/TCP' && f.observed === 'allowed')).toBe(true);
    const nsPattern = edit(ap, (t) => t.replace('principals:\n              - cluster.local/ns/shop/sa/api', 'namespaces:\n              - "team-*"'));
    expect(nsPattern.failures.some((f) => f.id.startsWith('[mesh layer] team-ztp-impostor/') && f.observed === 'allowed')).toBe(true);
    // an account of a namespace ztp does not manage, in the mesh though its namespace is not labelled for injection
    for (const ns of ['monitoring', 'kube-system']) {
      const foreign = edit(ap, (t) => t.replace('- cluster.local/ns/shop/sa/api', `- cluster.local/ns/shop/sa/api\n              - cluster.local/ns/${ns}/sa/prometheus`));
      expect(foreign.failures.some((f) => f.id === `[mesh layer] ${ns}/ztp-impostor-sa-prometheus[Deployment] => data/db[Deployment]:5432/TCP` && f.observed === 'allowed'), ns).toBe(true);
    }
    // a namespace ztp does not manage, named with pod labels: a pod there meets the selector
    const kubeSystem = edit(db, (t) => t.replace('kubernetes.io/metadata.name: shop', 'kubernetes.io/metadata.name: kube-system'));
    expect(kubeSystem.failures.some((f) => f.id.startsWith('[network layer] kube-system/ztp-impostor-selected[Deployment] => data/db[Deployment]:5432/TCP') && f.observed === 'allowed')).toBe(true);
    // Istio: a namespace that is not in the mesh by its labels; any account of one
    for (const source of ['namespaces:\n              - kube-system', 'principals:\n              - cluster.local/ns/istio-system/sa/*']) {
      const ns = source.includes('kube-system') ? 'kube-system' : 'istio-system';
      const mesh = edit(ap, (t) => t.replace('principals:\n              - cluster.local/ns/shop/sa/api', source));
      expect(mesh.failures.some((f) => f.id === `[mesh layer] ${ns}/ztp-impostor-sa-ztp-impostor[Deployment] => data/db[Deployment]:5432/TCP` && f.observed === 'allowed'), source).toBe(true);
    }
    // every namespace but some: one the proof places that none of them names
    const notIn = edit(db, (t) => t.replace('matchLabels:\n              kubernetes.io/metadata.name: shop', 'matchExpressions:\n              - {key: kubernetes.io/metadata.name, operator: NotIn, values: [ztp-verify-outsider, shop, data]}'));
    expect(notIn.failures.some((f) => /ztp-verify-impostor-\d+\/ztp-impostor-shop-api\[Deployment\] => data\/db\[Deployment\]:5432\/TCP/.test(f.id) && f.observed === 'allowed')).toBe(true);
    // a namespace selector that needs two labels: one namespace carries both
    const twoLabels = edit(db, (t) => t.replace('kubernetes.io/metadata.name: shop', 'team: pay\n              env: prod'));
    expect(twoLabels.failures.some((f) => /ztp-verify-impostor-\d+\/ztp-impostor-shop-api\[Deployment\] => data\/db\[Deployment\]:5432\/TCP/.test(f.id) && f.observed === 'allowed')).toBe(true);
  });

  it("tries what the policies' own rules name: a path, a method or a host nobody declared", () => {
    const b = shop();
    const ap = 'mesh/authorizationpolicy-shop-ztp-api.yaml';
    const files = new Map(b.files);
    files.set(ap, (files.get(ap) ?? '').replace('- /api/*', '- /api/*\n              - /admin/*'));
    expect(files.get(ap)).toContain('/admin/*');
    const path = verifyBundle({ ...b, files });
    expect(path.failures.some((f) => f.id === 'shop/web[Deployment] => shop/api[Deployment]:8080/TCP GET /admin/ztp-probe' && f.observed === 'allowed')).toBe(true);
    const fqdnEnv = shop({ egress: [egress({ from: fromNamespace('shop'), to: toFqdn('api.example.com'), ports: [443] })] });
    const cnp = [...fqdnEnv.files.keys()].find((k) => k.startsWith('network/ciliumnetworkpolicy-') && (fqdnEnv.files.get(k) ?? '').includes('api.example.com'))!;
    expect(verifyBundle(fqdnEnv).failures).toEqual([]);
    const wider = new Map(fqdnEnv.files);
    wider.set(cnp, (wider.get(cnp) ?? '').replaceAll('matchName: api.example.com', 'matchPattern: "*.example.com"'));
    expect(wider.get(cnp)).toContain('*.example.com');
    expect(verifyBundle({ ...fqdnEnv, files: wider }).failures.some((f) => f.id.includes('=> ztp-probe.example.com@') && f.observed === 'allowed')).toBe(true);
    // the witnesses of a Cilium rule whose selector names labels Cilium adds itself (the pod's namespace) reach the workload
    const noMesh = shop({ mesh: NO_MESH, certificates: CERTS });
    const l7File = [...noMesh.files.keys()].find((k) => k.startsWith('network/ciliumnetworkpolicy-shop-') && (noMesh.files.get(k) ?? '').includes('/api/'))!;
    const admin = new Map(noMesh.files);
    admin.set(l7File, (admin.get(l7File) ?? '').replace(/path: (.*)/, 'path: $1\n              - method: DELETE\n                path: /admin').replace(/endpointSelector:\n    matchLabels:\n/, 'endpointSelector:\n    matchLabels:\n      k8s:io.kubernetes.pod.namespace: shop\n'));
    expect(admin.get(l7File)).toContain('k8s:io.kubernetes.pod.namespace: shop\n');
    expect(verifyBundle({ ...noMesh, files: admin }).failures.some((f) => f.id.includes('=> shop/api[Deployment]:8080/TCP DELETE /admin') && f.observed === 'allowed')).toBe(true);
    // a Cilium HTTP rule the proof cannot find a request for fails rather than pass unread
    const l7 = 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: l7, namespace: shop}\nspec: {endpointSelector: {matchLabels: {app.kubernetes.io/name: api}}, ingress: [{fromEndpoints: [{matchLabels: {app.kubernetes.io/name: web}}], toPorts: [{ports: [{port: "8080", protocol: TCP}], rules: {http: [{path: "/[0-9]+"}]}}]}]}\n';
    expect(verifyBundle(plus(b, 'network/l7.yaml', l7)).failures.map((f) => f.id)).toContainEqual(expect.stringMatching(/^CiliumNetworkPolicy shop\/l7 path: "\/\[0-9\]\+" admits requests the proof cannot name/));
  });

  it('finds an undeclared connection the NetworkPolicies allow at any port, protocol or pair, not only at the sampled ones', () => {
    const np = (name: string, namespace: string, spec: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n`;
    const cases: [string, string, RegExp][] = [
      // an extra port on a declared pair
      ['data', np('p22', 'data', "{podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress}}}], ports: [{port: 22}]}]}"), /^ingress\/ztp-probe\[Deployment\] => data\/db\[Deployment\] : TCP 22$/],
      // a port range under the sampled undeclared port
      ['data', np('range', 'data', '{podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: 1, endPort: 1024}]}]}'), /=> data\/db\[Deployment\] : TCP 1$/],
      // any UDP port
      ['data', np('udp', 'data', '{podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{protocol: UDP, port: 5000}]}]}'), /=> data\/db\[Deployment\] : UDP 5000$/],
      // from the cluster's own namespace, where no caller was sampled
      ['data', np('sys', 'data', "{podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]}]}"), /^kube-system\/ztp-cluster-dns\[Deployment\] => data\/db\[Deployment\] : TCP 1$/],
      // to an undeclared pod of a managed namespace
      ['shop', np('rogue', 'shop', '{podSelector: {matchLabels: {ztp.dev/verify: rogue}}, policyTypes: [Ingress], ingress: [{}]}'), /=> shop\/ztp-rogue\[Deployment\] : TCP 1$/],
      // egress to every pod of every namespace
      ['shop', np('everywhere', 'shop', '{podSelector: {}, policyTypes: [Egress], egress: [{to: [{namespaceSelector: {}}]}]}'), /^shop\/\w+(-\w+)*\[Deployment\] => .* : (TCP|UDP|SCTP) 1$/],
    ];
    for (const [namespace, yaml, id] of cases) {
      const r = verifyBundle(plus(shop(), `network/extra-${namespace}.yaml`, yaml));
      const exact = r.failures.filter((f) => f.id.startsWith('[NetworkPolicy, every port]'));
      expect(exact.map((f) => f.id.replace('[NetworkPolicy, every port] ', '')), yaml).toContainEqual(expect.stringMatching(id));
    }
    // the DNS allowance with its destination removed: DNS to anywhere
    const b = shop();
    const dnsFile = [...b.files.keys()].find((f) => f.endsWith('networkpolicy-shop-ztp-allow-dns.yaml'))!;
    const open = new Map(b.files);
    const dnsAnywhere = parse(open.get(dnsFile) ?? '') as { spec: { egress: { to?: unknown }[] } };
    delete dnsAnywhere.spec.egress[0]!.to;
    open.set(dnsFile, stringify(dnsAnywhere));
    const r = verifyBundle({ ...b, files: open });
    expect(r.failures.map((f) => f.id)).toContainEqual(expect.stringMatching(/^\[NetworkPolicy, every port\] shop\/\w+\[Deployment\] => [\d.]+-[\d.]+\[External\] : (TCP|UDP) 53$/));
    // and a correct bundle passes it
    expect(verifyBundle(shop()).checks.find((c) => c.id.startsWith('[NetworkPolicy, every port] every connection'))?.ok).toBe(true);
  });

  it('proves bundles whose names and labels YAML readers disagree on (e5, e-1, on, 0b-0) as the strings they are', () => {
    const web = workload({ namespace: 'e-1', name: 'e5', labels: { app: 'on', tier: '0b-0' }, ports: { http: { port: 8080, appProtocol: 'http' } } });
    const db = workload({ namespace: 'no', name: 'y', labels: { e5: 'e1' }, ports: { pg: { port: 5432 } } });
    const b = shop({ namespaces: ['e-1', 'no'], workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })], egress: [] });
    const r = verifyBundle(b);
    expect(r.failures).toEqual([]);
    expect(r.checks.find((c) => c.id === 'e-1/e5[Deployment] => no/y[Deployment]:5432/TCP')?.observed).toBe('allowed');
  });

  it('sends the cluster DNS and istiod as callers, and probes the undeclared pods as destinations, in the Cilium and Istio layers too', () => {
    const toRogue = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: debug, namespace: shop}\nspec: {action: ALLOW, selector: {matchLabels: {ztp.dev/verify: rogue}}, rules: [{}]}\n';
    const r = verifyBundle(plus(shop(), 'mesh/debug.yaml', toRogue));
    expect(r.failures.some((f) => f.layer === 'mesh' && f.id.includes('=> shop/ztp-rogue[Deployment]') && f.observed === 'allowed')).toBe(true);
    const fromSystem = 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: sys, namespace: data}\nspec: {endpointSelector: {}, ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}]}]}\n';
    const s = verifyBundle(plus(shop(), 'network/sys.yaml', fromSystem));
    expect(s.failures.some((f) => f.layer === 'network' && f.id.startsWith('[network layer] kube-system/ztp-cluster-dns[Deployment] => data/db[Deployment]') && f.observed === 'allowed')).toBe(true);
    const cnp = 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: open, namespace: shop}\nspec: {endpointSelector: {matchLabels: {ztp.dev/verify: rogue}}, ingress: [{fromEntities: [all]}]}\n';
    const c = verifyBundle(plus(shop(), 'network/open.yaml', cnp));
    expect(c.failures.some((f) => f.layer === 'network' && f.id.includes('=> shop/ztp-rogue[Deployment]') && f.observed === 'allowed')).toBe(true);
  });

  it('judges Cilium and Istio policies at every port: one of each class of ports the policies tell apart, at each protocol', () => {
    const cnp = (name: string, namespace: string, spec: string) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n`;
    // callers in kube-system: nothing restricts their egress, so the destination's rules alone decide
    const fromSystem = '{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}';
    const cases: [string, RegExp][] = [
      // an extra port on a declared pair (the sample was the declared port and one above it)
      [cnp('p22', 'data', `{endpointSelector: {}, ingress: [{fromEndpoints: [${fromSystem}], toPorts: [{ports: [{port: '22', protocol: TCP}]}]}]}`), /^\[network layer\] kube-system\/ztp-cluster-dns\[Deployment\] => data\/db\[Deployment\]:22\/TCP$/],
      // a range ending below the declared port
      [cnp('low', 'data', `{endpointSelector: {}, ingress: [{fromEndpoints: [${fromSystem}], toPorts: [{ports: [{port: '1', endPort: 1024, protocol: TCP}]}]}]}`), /^\[network layer\] kube-system\/ztp-cluster-dns\[Deployment\] => data\/db\[Deployment\]:1\/TCP$/],
      // a UDP port
      [cnp('udp', 'data', `{endpointSelector: {}, ingress: [{fromEndpoints: [${fromSystem}], toPorts: [{ports: [{port: '5000', protocol: UDP}]}]}]}`), /^kube-system\/ztp-cluster-dns\[Deployment\] => data\/db\[Deployment\]:5000\/UDP$/],
      // egress to the world at a port nobody declared
      [cnp('out', 'shop', "{endpointSelector: {}, egress: [{toEntities: [world], toPorts: [{ports: [{port: '8443', protocol: TCP}]}]}]}"), /^shop\/api\[Deployment\] => [\d.]+:8443\/TCP$/],
    ];
    for (const [yaml, id] of cases) {
      const r = verifyBundle(plus(shop(), 'network/extra.yaml', yaml));
      expect(r.failures.filter((f) => f.observed === 'allowed').map((f) => f.id), yaml).toContainEqual(expect.stringMatching(id));
    }
    // an Istio ALLOW at a port the workloads do not serve
    const ap = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p2222, namespace: data}\nspec: {action: ALLOW, rules: [{from: [{source: {principals: ['cluster.local/ns/shop/sa/web']}}], to: [{operation: {ports: ['2222']}}]}]}\n";
    const m = verifyBundle(plus(shop(), 'mesh/extra.yaml', ap));
    expect(m.failures.filter((f) => f.observed === 'allowed').map((f) => f.id)).toContainEqual('[mesh layer] shop/web[Deployment] => data/db[Deployment]:2222/TCP');
    expect(m.notCovered.join('\n')).not.toMatch(/at every port/);
  });

  it('judges Cilium and Istio policies from and to an address of every range they name, not only the declared ones', () => {
    const cnp = (name: string, namespace: string, spec: string) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n`;
    // from a range no flow declares (the sampled outside address was elsewhere)
    const from = verifyBundle(plus(shop(), 'network/extra.yaml', cnp('cidr', 'data', "{endpointSelector: {}, ingress: [{fromCIDR: [203.0.113.0/24], toPorts: [{ports: [{port: '5432', protocol: TCP}]}]}]}")));
    expect(from.failures.filter((f) => f.observed === 'allowed').map((f) => f.id)).toContainEqual('[network layer] 203.0.113.1 => data/db[Deployment]:5432/TCP');
    // egress to a range nobody declared, from a pod with no declared egress
    const to = verifyBundle(plus(shop(), 'network/extra.yaml', cnp('out', 'shop', "{endpointSelector: {}, egress: [{toCIDR: [192.0.2.0/24], toPorts: [{ports: [{port: '443', protocol: TCP}]}]}]}")));
    expect(to.failures.filter((f) => f.observed === 'allowed').map((f) => f.id)).toContainEqual('shop/web[Deployment] => 192.0.2.1:443/TCP');
    // an Istio ALLOW for an address range (PERMISSIVE: STRICT mTLS would refuse plaintext callers first)
    const ap = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: range, namespace: data}\nspec: {action: ALLOW, rules: [{from: [{source: {ipBlocks: ['203.0.113.0/24']}}]}]}\n";
    const permissive = shop({ mesh: { ...SIDECAR, mtls: 'PERMISSIVE' } });
    expect(verifyBundle(permissive).failures).toEqual([]);
    const mesh = verifyBundle(plus(permissive, 'mesh/extra.yaml', ap));
    expect(mesh.failures.filter((f) => f.observed === 'allowed').map((f) => f.id)).toContainEqual('[mesh layer] 203.0.113.1 => data/db[Deployment]:5432/TCP');
  });

  it("judges Cilium egress to the pods ztp does not manage, IPv6 addresses, and fails on entities no peer stands for", () => {
    const cnp = (name: string, namespace: string, spec: string) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n`;
    const allowed = (yaml: string) => verifyBundle(plus(shop(), 'network/extra.yaml', yaml)).failures.filter((f) => f.observed === 'allowed').map((f) => f.id);
    // to the cluster DNS at a port that is not DNS, and to every pod of the cluster
    expect(allowed(cnp('sys', 'shop', "{endpointSelector: {}, egress: [{toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}], toPorts: [{ports: [{port: '22', protocol: TCP}]}]}]}"))).toContainEqual('shop/web[Deployment] => kube-system/ztp-cluster-dns[Deployment]:22/TCP');
    expect(allowed(cnp('cluster', 'shop', "{endpointSelector: {}, egress: [{toEntities: [cluster], toPorts: [{ports: [{port: '22', protocol: TCP}]}]}]}"))).toContainEqual('shop/web[Deployment] => ztp-verify-outsider/ztp-outsider[Deployment]:22/TCP');
    // IPv6 though no policy names an IPv6 range
    expect(allowed(cnp('v6', 'shop', "{endpointSelector: {}, egress: [{toEntities: [world-ipv6], toPorts: [{ports: [{port: '22', protocol: TCP}]}]}]}"))).toContainEqual('shop/web[Deployment] => ::1:22/TCP');
    // SCTP through a port-less rule, where the agent enables SCTP
    expect(allowed(cnp('any', 'data', "{endpointSelector: {}, ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}]}]}"))).toContainEqual(expect.stringMatching(/^\[network layer\] kube-system\/ztp-cluster-dns\[Deployment\] => data\/db\[Deployment\]:\d+\/SCTP$/));
    const host = verifyBundle(plus(shop(), 'network/extra.yaml', cnp('host', 'data', '{endpointSelector: {}, ingress: [{fromEntities: [host, remote-node]}]}')));
    expect(host.failures.map((f) => f.id)).toEqual([
      'CiliumNetworkPolicy data/host allows the Cilium entity "host", which no peer of the proof stands for, and may allow traffic',
      'CiliumNetworkPolicy data/host allows the Cilium entity "remote-node", which no peer of the proof stands for, and may allow traffic',
    ]);
    expect(verifyBundle(shop()).notCovered).toContainEqual(expect.stringMatching(/^the mesh layer at the ports the sidecars do not capture \(15008, 15020, 15021, 15090\): Istio applies neither mTLS nor authorization there/));
    // Istio HTTP rules rest on the mesh's path normalization, which leaves %2F alone by default
    expect(verifyBundle(shop()).notCovered).toContainEqual(expect.stringMatching(/^paths as the sidecar sees them .*\/api\/\.\.%2Fadmin matches a rule for \/api\/\* .*CVE-2021-31920/));
    expect(verifyBundle(shop({ mesh: NO_MESH, certificates: CERTS })).notCovered.join('; ')).not.toContain('CVE-2021-31920');
  });

  it('at the sidecars\' own ports, which Istio cannot restrict, proves the network layer alone and fails when it lets a caller in', () => {
    const checks = verifyBundle(shop()).checks;
    const at15021 = checks.filter((c) => c.id.includes('=> shop/api[Deployment]:15021/TCP'));
    expect(at15021.some((c) => c.layer === 'network')).toBe(true);
    expect(at15021.some((c) => c.layer === 'all')).toBe(true);
    expect(at15021.filter((c) => c.layer === 'mesh')).toEqual([]);
    // the mesh layer is still asked at every other port
    expect(checks.some((c) => c.layer === 'mesh' && c.id.includes('=> shop/api[Deployment]:15022/TCP'))).toBe(true);
    // a NetworkPolicy opening the health port: Istio lets it through (not captured), so the connection is allowed end to end
    const open = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: health, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: 15021, protocol: TCP}]}]}\n';
    const failures = verifyBundle(plus(shop(), 'network/health.yaml', open)).failures.filter((f) => f.observed === 'allowed').map((f) => f.id);
    expect(failures).toContainEqual('ztp-verify-outsider/ztp-outsider[Deployment] => shop/api[Deployment]:15021/TCP');
    expect(failures).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/api[Deployment]:15021/TCP');
  });

  it('past its budget of judgements, judges Cilium and Istio at the declared ports and one other, and says so', () => {
    const r = verifyBundle(shop(), { portClassBudget: 1 });
    expect(r.failures).toEqual([]);
    expect(r.notCovered).toContainEqual(expect.stringMatching(/^Cilium and Istio policies at every port and address: \d+ judgements would be needed \(more than 1\), so they were judged at each destination's declared ports and one other, from an address of each declared range and one outside them/));
    expect(r.checks.length).toBeLessThan(verifyBundle(shop()).checks.length);
  });

  it('fails on what the engine cannot read: a kind that may grant traffic, and a Cilium rule it reads as allowing nothing', () => {
    const anp = 'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: open}\nspec: {priority: 1, subject: {namespaces: {}}, ingress: [{action: Allow, from: [{namespaces: {}}]}]}\n';
    expect(verifyBundle(plus(shop(), 'network/anp.yaml', anp)).failures.map((f) => f.id)).toContainEqual(expect.stringMatching(/^AdminNetworkPolicy (default\/)?open is not analysed .*may allow traffic$/));
    const group = 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: group, namespace: data}\nspec: {endpointSelector: {}, ingress: [{fromCIDRSet: [{cidrGroupRef: internet}]}]}\n';
    expect(verifyBundle(plus(shop(), 'network/group.yaml', group)).failures.map((f) => f.id)).toContainEqual(expect.stringMatching(/^not analysed, and may allow traffic: .*cidrGroupRef/));
    // an AuthorizationPolicy Istio would not enforce (istio.io/dry-run) is no longer counted on
    const b = shop();
    const file = 'mesh/authorizationpolicy-shop-ztp-allow-nothing.yaml';
    const ap = parse(b.files.get(file) ?? '') as { metadata: { annotations: Record<string, string> } };
    ap.metadata.annotations['istio.io/dry-run'] = 'true';
    const files = new Map(b.files);
    files.set(file, stringify(ap));
    expect(verifyBundle({ ...b, files }).failures.map((f) => f.id)).toContainEqual(expect.stringMatching(/^AuthorizationPolicy shop\/ztp-allow-nothing is not analysed \(annotated istio.io\/dry-run/));
    // the kinds ztp emits besides the policies pass
    expect(verifyBundle(shop({ phase: 4 })).failures).toEqual([]);
  });

  it('lets only what changes no traffic pass unread: admission that only refuses, not mutation, generation, Argo CD or dataplane configuration', () => {
    const unread = (file: string, yaml: string) => verifyBundle(plus(shop(), file, yaml)).failures.map((f) => f.id);
    const validate = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: v}\nspec: {rules: [{name: r, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {failureAction: Enforce, message: m, pattern: {metadata: {name: "?*"}}}}]}\n';
    expect(unread('admission/v.yaml', validate)).toEqual([]);
    const generate = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: g}\nspec: {rules: [{name: r, match: {any: [{resources: {kinds: [Namespace]}}]}, generate: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, name: open, namespace: "{{request.object.metadata.name}}", data: {spec: {podSelector: {}, ingress: [{}]}}}}]}\n';
    expect(unread('admission/g.yaml', generate)).toContainEqual(expect.stringMatching(/^ClusterPolicy (default\/)?g is not analysed .*its rule has `generate`/));
    const mutating = 'apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata: {name: relabel}\nspec: {matchConstraints: {resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]}, mutations: []}\n';
    expect(unread('admission/m.yaml', mutating)).toContainEqual(expect.stringMatching(/^MutatingAdmissionPolicy (default\/)?relabel is not analysed .*does not only refuse/));
    const app = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: other, namespace: argocd}\nspec: {project: default}\n';
    expect(unread('gitops/app.yaml', app)).toContainEqual(expect.stringMatching(/^Application argocd\/other is not analysed .*Argo CD/));
    const meshConfig = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata: {mesh: "defaultConfig: {interceptionMode: NONE}"}\n';
    expect(unread('mesh/cm.yaml', meshConfig)).toContainEqual(expect.stringMatching(/^ConfigMap istio-system\/istio is not analysed .*configure the dataplane/));
    expect(unread('mesh/cm.yaml', meshConfig.replace('namespace: istio-system', 'namespace: shop'))).toEqual([]);
    expect(unread('mesh/cm.yaml', meshConfig.replace(', namespace: istio-system', ''))).toContainEqual(expect.stringMatching(/^ConfigMap (default\/)?istio is not analysed .*without a namespace/));
  });

  it('counts what ambient\'s baseline opens as declared in the exact check: kubelet probes from ztunnel, HBONE on 15008', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const db = workload({ namespace: 'data', name: 'db', ports: { pg: { port: 5432 } } });
    const b = shop({ mesh: { ...SIDECAR, mode: 'istio-ambient' }, workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })], egress: [] });
    expect(b.files.get('network/networkpolicy-data-ztp-allow-ambient-probes.yaml')).toContain('169.254.7.127/32');
    expect(b.files.get('network/networkpolicy-data-ztp-db-ingress.yaml')).toContain('15008');
    // (ambient authorization itself is undecided for the engine: those checks fail, these do not)
    expect(verifyBundle(b).failures.filter((f) => f.id.startsWith('[NetworkPolicy, every port]'))).toEqual([]);
  });

  it('reads istiod\'s namespace as the mesh root, as the compiler does: an ALLOW there applies to every workload', () => {
    const b = shop({ mesh: { ...SIDECAR, istiodNamespace: 'istio' } });
    expect(verifyBundle(b).ok).toBe(true);
    const open = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: open, namespace: istio}\nspec: {action: ALLOW, rules: [{}]}\n';
    const r = verifyBundle(plus(b, 'mesh/open.yaml', open));
    expect(r.failures.some((f) => f.layer === 'mesh' && f.observed === 'allowed' && f.decidedBy.join(' ').includes('AuthorizationPolicy istio/open'))).toBe(true);
  });

  it("fails when a port's mTLS mode is not the declared one, which no connection verdict shows where the authorization also refuses", () => {
    const b = shop();
    const set = (file: string, change: (text: string) => string): Bundle => {
      const text = b.files.get(file);
      expect(text, file).toBeDefined();
      const changed = change(text!);
      expect(changed, file).not.toBe(text);
      return { ...b, files: new Map(b.files).set(file, changed) };
    };
    const mtls = (r: ReturnType<typeof verifyBundle>) => r.checks.filter((c) => c.id.startsWith('[mTLS] '));
    const ok = mtls(verifyBundle(b));
    expect(ok.map((c) => c.id)).toEqual(['[mTLS] data/db[Deployment]:5432/TCP (port "pg")', '[mTLS] shop/api[Deployment]:8080/TCP (port "http")', '[mTLS] shop/web[Deployment]:8080/TCP (port "http")']);
    expect(ok.every((c) => c.ok && c.expected === 'STRICT' && c.observed === 'STRICT')).toBe(true);
    // data's namespace PeerAuthentication loosened: plain text is accepted, and the AuthorizationPolicy still refuses every caller without a principal
    const permissive = verifyBundle(set('mesh/peerauthentication-data-default.yaml', (t) => t.replace('mode: STRICT', 'mode: PERMISSIVE')));
    expect(permissive.failures.filter((f) => !f.id.startsWith('[mTLS] '))).toEqual([]);
    expect(permissive.failures.filter((f) => f.id.startsWith('[mTLS] '))).toMatchObject([{ id: '[mTLS] data/db[Deployment]:5432/TCP (port "pg")', expected: 'STRICT', observed: 'PERMISSIVE', decidedBy: ['Istio mTLS: PERMISSIVE by PeerAuthentication data/default'] }]);
    // without it, the mesh-wide STRICT one applies: as declared
    expect(mtls(verifyBundle(without(b, 'mesh/peerauthentication-data-default.yaml'))).every((c) => c.ok)).toBe(true);
    // without any, Istio's default is PERMISSIVE
    const none = ['mesh/peerauthentication-data-default.yaml', 'mesh/peerauthentication-shop-default.yaml', 'mesh/peerauthentication-istio-system-default.yaml'].reduce(without, b);
    expect(mtls(verifyBundle(none)).map((c) => c.observed)).toEqual(['PERMISSIVE', 'PERMISSIVE', 'PERMISSIVE']);
    // one port turned off by a workload's PeerAuthentication
    const portOff = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: db, namespace: data}\nspec: {selector: {matchLabels: {app.kubernetes.io/name: db}}, portLevelMtls: {"5432": {mode: DISABLE}}}\n';
    expect(verifyBundle(plus(b, 'mesh/db.yaml', portOff)).failures.filter((f) => f.id.startsWith('[mTLS] '))).toMatchObject([{ id: '[mTLS] data/db[Deployment]:5432/TCP (port "pg")', observed: 'DISABLE' }]);
    // a port declared PERMISSIVE is proven PERMISSIVE
    const db = workload({ namespace: 'data', name: 'db', ports: { pg: { port: 5432, mtls: 'PERMISSIVE' } } });
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const declared = verifyBundle(shop({ workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })], egress: [] }));
    expect(declared.failures).toEqual([]);
    expect(mtls(declared).find((c) => c.id.startsWith('[mTLS] data/db'))).toMatchObject({ expected: 'PERMISSIVE', observed: 'PERMISSIVE', ok: true });
  });

  it('gives the pods that stand for undeclared ones a port of each name the policies name: a rule by name reaches any pod with that port', () => {
    const b = shop();
    expect(verifyBundle(b).ok).toBe(true);
    // a NetworkPolicy admitting every pod of the cluster to the namespace's pods at a port named "admin", which no workload declares
    const np = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: admin, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {}}], ports: [{port: admin}]}]}\n';
    const byNp = verifyBundle(plus(b, 'network/admin.yaml', np)).failures.filter((f) => f.observed === 'allowed').map((f) => f.id);
    expect(byNp).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue[Deployment]:65535/TCP');
    expect(byNp).toContainEqual(expect.stringMatching(/^\[NetworkPolicy, every port\] .*shop\/ztp-rogue.*65535/));
    // the same in Cilium, whose names are read case-insensitively, and at the number a workload gives the name
    const cnp = 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: admin, namespace: shop}\nspec: {endpointSelector: {}, ingress: [{fromEntities: [all], toPorts: [{ports: [{port: Admin}]}]}, {fromEntities: [all], toPorts: [{ports: [{port: pg}]}]}]}\n';
    const byCnp = verifyBundle(plus(b, 'network/admin.yaml', cnp)).failures.filter((f) => f.observed === 'allowed').map((f) => f.id);
    expect(byCnp).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue[Deployment]:65535/TCP');
    expect(byCnp).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue[Deployment]:5432/TCP');
    // egress by name to a pod ztp does not manage
    const egress = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: admin}]}]}\n';
    const out = verifyBundle(plus(b, 'network/out.yaml', egress)).failures.filter((f) => f.observed === 'allowed').map((f) => f.id);
    expect(out).toContainEqual('shop/web[Deployment] => ztp-verify-outsider/ztp-outsider[Deployment]:65535/TCP');
  });

  it('places an undeclared pod meeting each policy selector no declared pod meets: a policy for pods nobody declared opens them', () => {
    const b = shop();
    const before = verifyBundle(b).checks.length;
    const admin = (yaml: string) => verifyBundle(plus(b, 'network/admin.yaml', yaml));
    const allowed = (r: ReturnType<typeof verifyBundle>) => r.failures.filter((f) => f.observed === 'allowed' && f.id.includes('shop/ztp-rogue-selected[Deployment]')).map((f) => f.id);
    // an ingress allow for every caller, to pods labelled app: admin in shop (none declared)
    const np = allowed(admin('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: admin, namespace: shop}\nspec: {podSelector: {matchLabels: {app: admin}}, policyTypes: [Ingress], ingress: [{}]}\n'));
    expect(np).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue-selected[Deployment]:5432/TCP');
    // their egress opened
    const out = allowed(admin('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: admin, namespace: shop}\nspec: {podSelector: {matchExpressions: [{key: app, operator: In, values: [admin]}]}, policyTypes: [Egress], egress: [{}]}\n'));
    expect(out).toContainEqual('shop/ztp-rogue-selected[Deployment] => ztp-verify-outsider/ztp-outsider[Deployment]:5432/TCP');
    // Istio and Cilium alike
    expect(allowed(admin('apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: admin, namespace: shop}\nspec: {action: ALLOW, selector: {matchLabels: {app: admin}}, rules: [{}]}\n'))).toContainEqual('[mesh layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue-selected[Deployment]:8080/TCP');
    expect(allowed(admin('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: admin, namespace: shop}\nspec: {endpointSelector: {matchLabels: {app: admin}}, ingress: [{fromEntities: [all]}]}\n'))).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue-selected[Deployment]:5432/TCP');
    // a rule admitting such pods: one is placed where the rule looks; its own egress default deny
    // still refuses it end to end, the ingress side on its own admits it
    const peer = admin('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: admin, namespace: data}\nspec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: admin}}}]}]}\n');
    expect(peer.checks.find((c) => c.id === 'data/ztp-rogue-selected[Deployment] => data/db[Deployment]:5432/TCP')).toMatchObject({ expected: 'denied', observed: 'dropped' });
    expect(peer.failures.map((f) => f.id)).toContainEqual('[network layer, ingress side only] data/ztp-rogue-selected[Deployment] => data/db[Deployment]:5432/TCP');
    expect(peer.failures.every((f) => f.id.startsWith('[network layer, ingress side only] data/ztp-rogue-selected[Deployment] => '))).toBe(true);
    // a selector only pods without a label meet (DoesNotExist): the declared pods and the undeclared one have it, so one is placed without
    expect(allowed(admin('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: admin, namespace: shop}\nspec: {podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: DoesNotExist}]}, policyTypes: [Ingress], ingress: [{}]}\n'))).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue-selected[Deployment]:5432/TCP');
    // a workload's labels and one more: a pod of that workload, judged as it is (only its declared callers)
    const variant = verifyBundle(plus(b, 'network/admin.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: admin, namespace: data}\nspec: {podSelector: {matchLabels: {app.kubernetes.io/name: db, debug: "true"}}, policyTypes: [Ingress], ingress: [{}]}\n'));
    expect(variant.failures.map((f) => f.id)).toContainEqual('[network layer] ztp-verify-outsider/ztp-outsider[Deployment] => data/db-ztp-variant[Deployment]:5432/TCP');
    expect(variant.checks.find((c) => c.id === 'shop/api[Deployment] => data/db-ztp-variant[Deployment]:5432/TCP')).toMatchObject({ expected: 'allowed', observed: 'allowed' });
    // a policy whose subject a declared pod meets places nobody: the same checks as before
    expect(verifyBundle(plus(b, 'network/deny.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {matchLabels: {app.kubernetes.io/name: web}}, policyTypes: [Ingress]}\n')).checks.length).toBe(before);
  });

  it("sends the requests the policies' HTTP rules admit at the ports those rules name, and to the undeclared pods", () => {
    const b = shop();
    const ap = (yaml: string) => verifyBundle(plus(b, 'mesh/extra.yaml', `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: extra, namespace: shop}\nspec: ${yaml}\n`)).failures.filter((f) => f.observed === 'allowed').map((f) => f.id);
    // a path admitted to anyone at a port nobody declared: a plain connection there is refused, the request is not
    expect(ap('{action: ALLOW, selector: {matchLabels: {app.kubernetes.io/name: web}}, rules: [{to: [{operation: {ports: ["9999"], paths: [/debug]}}]}]}')).toContainEqual('[mesh layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/web[Deployment]:9999/TCP GET /debug');
    // a path admitted to the namespace's undeclared pods, at their ports
    expect(ap('{action: ALLOW, selector: {matchLabels: {app.kubernetes.io/name: ztp-rogue}}, rules: [{to: [{operation: {paths: [/debug]}}]}]}')).toContainEqual('[mesh layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue[Deployment]:8080/TCP GET /debug');
    expect(ap('{action: ALLOW, selector: {matchLabels: {app: admin}}, rules: [{to: [{operation: {methods: [POST]}}]}]}')).toContainEqual('[mesh layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/ztp-rogue-selected[Deployment]:8080/TCP POST /');
  });

  it('fails on HTTP rules the caller meets by its own Host or headers, by `*`, or at ports they do not name', () => {
    const b = shop();
    const failing = (yaml: string) => verifyBundle(plus(b, 'mesh/extra.yaml', `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: extra, namespace: shop}\nspec: ${yaml}\n`)).failures.map((f) => `${f.id}: ${f.observed}`);
    const apiSelected = '{action: ALLOW, selector: {matchLabels: {app.kubernetes.io/name: api}}, rules: ';
    // every HTTP request has a Host, and the caller writes its headers: such a rule may admit anyone
    expect(failing(`${apiSelected}[{to: [{operation: {hosts: ["*"]}}]}]}`)).toContainEqual(expect.stringMatching(/ => shop\/api\[Deployment\]:8080\/TCP GET \/ztp-verify-forbidden: undecided$/));
    expect(failing(`${apiSelected}[{when: [{key: "request.headers[x-debug]", values: ["1"]}]}]}`)).toContainEqual(expect.stringMatching(/ => shop\/api\[Deployment\]:8080\/TCP GET \/ztp-verify-forbidden: undecided$/));
    // every request without a JWT, from anyone: HTTP-only through its source, so tried over HTTP at every port
    expect(failing(`${apiSelected}[{from: [{source: {notRequestPrincipals: ["*"]}}]}]}`)).toContainEqual(expect.stringMatching(/^\[mesh layer\] .* => shop\/api\[Deployment\]:\d+\/TCP GET \/: allowed$/));
    // an HTTP rule without ports, or with notPorts, applies at every port: tried at a port nobody declared
    expect(failing(`${apiSelected}[{to: [{operation: {methods: [GET], notPorts: ["8080"]}}]}]}`)).toContainEqual(expect.stringMatching(/^\[mesh layer\] .* => shop\/api\[Deployment\]:\d+\/TCP GET \/: allowed$/));
    expect(failing(`${apiSelected}[{to: [{operation: {paths: ["*"], ports: ["9999"]}}]}]}`)).toContainEqual(expect.stringMatching(/^\[mesh layer\] .* => shop\/api\[Deployment\]:9999\/TCP GET \/ztp-probe: allowed$/));
    expect(failing(`${apiSelected}[{to: [{operation: {methods: ["*"], ports: ["9999"]}}]}]}`)).toContainEqual(expect.stringMatching(/^\[mesh layer\] .* => shop\/api\[Deployment\]:9999\/TCP GET \/: allowed$/));
    // the emitted rule with its ports dropped: GET /api/* at every port of api
    const file = 'mesh/authorizationpolicy-shop-ztp-api.yaml';
    const noPorts = new Map(b.files);
    noPorts.set(file, (noPorts.get(file) ?? '').replace(/\n *ports:\n *- "8080"/g, ''));
    expect(noPorts.get(file)).not.toContain('"8080"');
    expect(verifyBundle({ ...b, files: noPorts }).failures.map((f) => `${f.id}: ${f.observed}`)).toContainEqual(expect.stringMatching(/^\[mesh layer\] shop\/web\[Deployment\] => shop\/api\[Deployment\]:(?!8080)\d+\/TCP GET \/api\/ztp-probe: allowed$/));
    // Cilium: a rule of Host or headers alone admits whatever request the caller shapes to it
    const noMesh = shop({ mesh: NO_MESH, certificates: CERTS });
    const l7File = [...noMesh.files.keys()].find((k) => k.startsWith('network/ciliumnetworkpolicy-shop-') && (noMesh.files.get(k) ?? '').includes('/api/'))!;
    for (const extra of ['host: ".*"', 'headers: ["X-Debug: 1"]']) {
      const wider = new Map(noMesh.files);
      wider.set(l7File, (wider.get(l7File) ?? '').replace(/( *)- method: (.*)\n/, `$1- ${extra}\n$1- method: $2\n`));
      expect(wider.get(l7File), extra).toContain(extra);
      expect(verifyBundle({ ...noMesh, files: wider }).failures.map((f) => `${f.id}: ${f.observed}`), extra).toContainEqual(expect.stringMatching(/ => shop\/api\[Deployment\]:8080\/TCP GET \/ztp-verify-forbidden: undecided$/));
    }
  });

  it('fails when an HTTP rule is widened', () => {
    const b = shop();
    const file = 'mesh/authorizationpolicy-shop-ztp-api.yaml';
    const files = new Map(b.files);
    files.set(file, (files.get(file) ?? '').replaceAll('/api/*', '/*'));
    const r = verifyBundle({ ...b, files });
    expect(r.failures.some((f) => f.id.includes('GET /ztp-verify-forbidden') && f.observed === 'allowed')).toBe(true);
  });

  it('fails when an HTTP rule is widened by a method or just past its prefix, probing every method and the neighbours of each path', () => {
    const b = shop();
    const file = 'mesh/authorizationpolicy-shop-ztp-api.yaml';
    const widened = (edit: (yaml: string) => string) => {
      const files = new Map(b.files);
      files.set(file, edit(files.get(file) ?? ''));
      return verifyBundle({ ...b, files }).failures.filter((f) => f.observed === 'allowed' && f.expected === 'denied').map((f) => f.id);
    };
    // one more method than declared (the first outside it was DELETE, the only one probed before)
    expect(widened((y) => y.replace('              - GET\n', '              - GET\n              - PUT\n'))).toContainEqual(expect.stringMatching(/shop\/web\[Deployment\] => shop\/api\[Deployment\]:8080\/TCP PUT \/api\/ztp-probe$/));
    // a prefix without its slash: /api* admits /apiadmin
    expect(widened((y) => y.replace('/api/*', '/api*'))).toContainEqual(expect.stringMatching(/GET \/apiztp-probe$/));
    expect(widened((y) => y)).toEqual([]);
  });

  it("fails when an HTTP rule lost its caller, by sending each caller the other callers' requests", () => {
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const web = workload({ namespace: 'shop', name: 'web' });
    const admin = workload({ namespace: 'shop', name: 'admin' });
    const b = compileEnvironment(
      defineEnvironment({
        name: 'x',
        cni: 'kubernetes',
        mesh: SIDECAR,
        dns: DNS,
        enforcement: 'enforce',
        phase: 2,
        namespaces: ['shop'],
        workloads: [api, web, admin],
        flows: [
          flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'], paths: ['/public'] }] }),
          flow({ from: admin, to: api, ports: ['http'], http: [{ methods: ['POST'], paths: ['/admin/*'] }] }),
        ],
      }),
      '/repo',
    );
    const sound = verifyBundle(b);
    expect(sound.failures).toEqual([]);
    const crossed = 'shop/web[Deployment] => shop/api[Deployment]:8080/TCP POST /admin/ztp-probe';
    for (const id of [crossed, `[mesh layer] ${crossed}`]) expect(sound.checks.find((c) => c.id === id)).toMatchObject({ expected: 'denied', ok: true });

    // The AuthorizationPolicy's rules lose their `from`: each caller's requests are open to all.
    const file = 'mesh/authorizationpolicy-shop-ztp-api.yaml';
    const policy = parse(b.files.get(file) ?? '') as { spec: { rules: { from?: unknown }[] } };
    expect(policy.spec.rules.map((r) => r.from !== undefined)).toEqual([true, true]);
    for (const r of policy.spec.rules) delete r.from;
    const files = new Map(b.files);
    files.set(file, stringify(policy));
    const r = verifyBundle({ ...b, files });
    expect(r.ok).toBe(false);
    const failed = new Set(r.failures.map((f) => `${f.id}: ${f.expected}, ${f.observed}`));
    // web may POST /admin/..., and admin GET /public: end to end, and in the mesh layer on its own
    for (const layer of ['', '[mesh layer] ']) {
      expect(failed).toContain(`${layer}${crossed}: denied, allowed`);
      expect(failed).toContain(`${layer}shop/admin[Deployment] => shop/api[Deployment]:8080/TCP GET /public: denied, allowed`);
    }
    // a caller with no flow at all is sent the declared requests too (the network layer still drops it end to end)
    expect(failed).toContain('[mesh layer] ztp-verify-outsider/ztp-outsider[Deployment] => shop/api[Deployment]:8080/TCP GET /public: denied, allowed');
    expect(r.failures.every((f) => f.expected === 'denied' && f.observed === 'allowed')).toBe(true);
  });

  it('fails when external egress is wider than declared', () => {
    const b = shop();
    const file = 'network/networkpolicy-shop-ztp-api-egress.yaml';
    const files = new Map(b.files);
    files.set(file, (files.get(file) ?? '').replace(/\n\s+except:\n\s+- 10\.0\.0\.0\/8/, ''));
    expect(files.get(file)).not.toContain('except');
    const r = verifyBundle({ ...b, files });
    expect(r.failures.some((f) => /=> 10\.\d+\.\d+\.\d+:443\/TCP/.test(f.id) && f.observed === 'allowed')).toBe(true);
  });

  // one side widened, the other side still refusing: hidden end to end, a real hole once anything
  // outside ztp opens the other side (a platform's clusterwide egress allow, say)
  for (const [side, file, section, peers] of [
    ['ingress', 'network/networkpolicy-data-ztp-db-ingress.yaml', 'ingress', 'from'],
    ['egress', 'network/networkpolicy-shop-ztp-api-egress.yaml', 'egress', 'to'],
  ] as const) {
    it(`fails when the ${side} side alone admits a whole namespace (the other side hides it end to end)`, () => {
      const b = shop();
      const files = new Map(b.files);
      const policy = parse(files.get(file)!) as { spec: Record<string, { ports?: unknown; [k: string]: unknown }[]> };
      let widened = 0;
      for (const rule of policy.spec[section]!) {
        for (const peer of (rule[peers] ?? []) as Record<string, unknown>[]) {
          if (peer['namespaceSelector'] !== undefined && peer['podSelector'] !== undefined && JSON.stringify(peer).includes('"data"') === (side === 'egress')) {
            delete peer['podSelector'];
            widened++;
          }
        }
      }
      expect(widened).toBe(1);
      files.set(file, stringify(policy));
      const r = verifyBundle({ ...b, files });
      expect(r.failures.length).toBeGreaterThan(0);
      // only the side on its own sees it
      expect(r.failures.every((f) => f.id.startsWith(`[network layer, ${side} side only] `) && f.expected === 'denied' && f.observed === 'allowed')).toBe(true);
      expect(verifyBundle(b).failures).toEqual([]);
    });
  }

  it("proves each SPIFFE certificate asks for its workload's own identity only", () => {
    const b = shop({ mesh: NO_MESH, certificates: CERTS });
    const ok = verifyBundle(b);
    expect(ok.failures).toEqual([]);
    expect(ok.checks.filter((c) => c.id.startsWith('[identity] ')).map((c) => c.id).sort()).toEqual([
      "[identity] Certificate data/ztp-db-svid: data/db's own SPIFFE ID only",
      "[identity] Certificate shop/ztp-api-svid: shop/api's own SPIFFE ID only",
      "[identity] Certificate shop/ztp-web-svid: shop/web's own SPIFFE ID only",
    ]);
    const file = [...b.files.keys()].find((k) => k.endsWith('certificate-shop-ztp-web-svid.yaml'))!;
    const edited = (edit: (spec: Record<string, unknown>) => void) => {
      const files = new Map(b.files);
      const cert = parse(files.get(file)!) as { spec: Record<string, unknown> };
      edit(cert.spec);
      files.set(file, stringify(cert));
      return verifyBundle({ ...b, files }).failures.map((f) => `${f.id}: ${f.decidedBy.join('; ')}`);
    };
    expect(edited((s) => (s.uris = ['spiffe://cluster.local/ns/shop/sa/api']))).toEqual([expect.stringMatching(/^\[identity\] Certificate shop\/ztp-web-svid: uris .* must be exactly \[spiffe:\/\/.*\/ns\/shop\/sa\/web\]/)]);
    expect(edited((s) => (s.isCA = true))).toEqual([expect.stringMatching(/isCA makes it a CA/)]);
    expect(edited((s) => (s.dnsNames = ['*.shop.svc.cluster.local']))).toEqual([expect.stringMatching(/dnsNames adds a name/)]);
    expect(edited((s) => (s.usages = ['digital signature', 'cert sign']))).toEqual([expect.stringMatching(/usage "cert sign" is not one of a TLS leaf's/)]);
    expect(edited((s) => (s.secretName = 'api-svid'))).toEqual(expect.arrayContaining([expect.stringMatching(/shop\/api: 2 Certificates write its certificate Secret/)]));
  });

  it('holds the certificate-Secret guard to what the admission policies are held to', () => {
    const b = shop({ mesh: NO_MESH, certificates: CERTS });
    const ok = verifyBundle(b);
    expect(ok.failures).toEqual([]);
    expect(ok.checks.map((c) => c.id)).toContainEqual(expect.stringMatching(/^\[admission\] ValidatingAdmissionPolicy ztp-shop-svid-mounts, ValidatingAdmissionPolicyBinding ztp-shop-svid-mounts fail closed/));
    const files = [...b.files.keys()];
    const vap = files.find((f) => /mesh\/validatingadmissionpolicy-ztp-shop-svid-mounts\.yaml$/.test(f))!;
    const binding = files.find((f) => /mesh\/validatingadmissionpolicybinding-ztp-shop-svid-mounts\.yaml$/.test(f))!;
    const edited = (file: string, edit: (spec: Record<string, any>) => void) => {
      const copy = new Map(b.files);
      const o = parse(copy.get(file)!) as { spec: Record<string, any> };
      edit(o.spec);
      copy.set(file, stringify(o));
      return verifyBundle({ ...b, files: copy }).failures.map((f) => f.id);
    };
    expect(edited(vap, (s) => (s.failurePolicy = 'Ignore'))).toEqual([expect.stringMatching(/^\[admission\] ValidatingAdmissionPolicy ztp-shop-svid-mounts: failurePolicy is "Ignore"/)]);
    expect(edited(vap, (s) => s.matchConstraints.resourceRules.pop())).toEqual([expect.stringMatching(/matches Pods but not .*ephemeralcontainers/)]);
    expect(edited(vap, (s) => (s.matchConstraints.resourceRules[0].operations = ['CREATE']))).toEqual([expect.stringMatching(/operations on \["pods"\] are \["CREATE"\]/)]);
    expect(edited(binding, (s) => (s.validationActions = ['Warn']))).toEqual([expect.stringMatching(/validationActions is \["Warn"\]/)]);
    expect(edited(binding, (s) => (s.matchResources.namespaceSelector.matchExpressions[0].values = ['shop']))).toEqual([expect.stringMatching(/matchResources.namespaceSelector is .* need/)]);
    expect(edited(binding, (s) => (s.policyName = 'other'))).toEqual(expect.arrayContaining([expect.stringMatching(/ztp-shop-svid-mounts: bound 0 times/)]));
    // taken out of the bundle altogether (files, kustomization and manifest): missing, not passed
    const gone = new Map(b.files);
    const manifest = JSON.parse(gone.get('manifest.json')!) as { objects: { file: string }[] };
    manifest.objects = manifest.objects.filter((o) => o.file !== vap && o.file !== binding);
    gone.set('manifest.json', JSON.stringify(manifest));
    for (const f of [vap, binding]) {
      gone.delete(f);
      gone.set('kustomization.yaml', gone.get('kustomization.yaml')!.replace(`  - ${f}\n`, ''));
    }
    expect(verifyBundle({ ...b, files: gone }).failures.map((f) => f.id)).toEqual([
      "[admission] ValidatingAdmissionPolicy ztp-shop-svid-mounts is missing, so nothing keeps a pod from referencing another workload's secrets",
      "[admission] ValidatingAdmissionPolicyBinding ztp-shop-svid-mounts is missing, so nothing keeps a pod from referencing another workload's secrets",
    ]);
  });

  it("fails declared FQDN egress whose DNS rule does not cover the lookups to the cluster DNS: Cilium's proxy never sees the name", () => {
    const fqdnEnv = shop({ mesh: NO_MESH, certificates: CERTS, egress: [egress({ from: fromNamespace('shop'), to: toFqdn('api.example.com'), ports: [443] })] });
    expect(verifyBundle(fqdnEnv).failures).toEqual([]);
    const file = 'network/ciliumnetworkpolicy-shop-ztp-namespace-fqdn.yaml';
    const dnsRule = "    - toEndpoints:\n        - matchLabels:\n            k8s-app: kube-dns\n            k8s:io.kubernetes.pod.namespace: kube-system\n";
    expect(fqdnEnv.files.get(file)).toContain(dnsRule);
    // the lookups still reach the DNS (a plain L4 rule), but the DNS rule names another peer, or another port
    const plainDns = '    - toEndpoints:\n        - matchLabels:\n            k8s-app: kube-dns\n            k8s:io.kubernetes.pod.namespace: kube-system\n      toPorts:\n        - ports:\n            - port: "53"\n              protocol: ANY\n';
    for (const [what, edit] of [
      ['another peer', (t: string) => t.replace(dnsRule, `${plainDns}${dnsRule.replace('k8s-app: kube-dns', 'k8s-app: not-the-dns')}`)],
      ['another port', (t: string) => t.replace(dnsRule, plainDns + dnsRule).replace('- port: "53"\n              protocol: UDP\n            - port: "53"\n              protocol: TCP\n          rules:', '- port: "5353"\n              protocol: UDP\n          rules:')],
    ] as const) {
      const files = new Map(fqdnEnv.files);
      files.set(file, edit(files.get(file) ?? ''));
      expect(files.get(file), what).not.toBe(fqdnEnv.files.get(file));
      const failures = verifyBundle({ ...fqdnEnv, files }).failures.map((f) => `${f.id}: ${f.expected}, ${f.observed}`);
      expect(failures, what).toContainEqual(expect.stringMatching(/=> api\.example\.com@\S+:443\/TCP: allowed, dropped$/));
    }
  });

  it('proves a *. DNS name as one label: a name one label deeper is denied', () => {
    const r = verifyBundle(shop({ egress: [egress({ from: fromNamespace('shop'), to: toFqdn('*.cdn.example.com'), ports: [443] })] }));
    expect(r.failures).toEqual([]);
    const probe = (name: string) => r.checks.find((c) => c.id.startsWith(`shop/web[Deployment] => ${name}@`) && c.id.endsWith(':443/TCP'));
    expect(probe('ztp-probe.cdn.example.com')).toMatchObject({ expected: 'allowed', ok: true });
    expect(probe('ztp-probe.ztp-deeper.cdn.example.com')).toMatchObject({ expected: 'denied', ok: true });
  });

  it('probes each DNS name at an address of its own, and says what sharing an address would open', () => {
    // Cilium allows by the addresses a declared name resolved to, whatever name a connection is
    // for: an undeclared name probed at a declared name's address would claim a deny it does not give
    const r = verifyBundle(shop({ egress: [egress({ from: fromNamespace('shop'), to: toFqdn('api.partner.example.com'), ports: [443] })] }));
    expect(r.failures).toEqual([]);
    const byName = new Map<string, Set<string>>();
    for (const c of r.checks) {
      const m = /^shop\/web\[Deployment\] => ([^@\s]+)@([\d.]+):/.exec(c.id);
      if (m) byName.set(m[1]!, (byName.get(m[1]!) ?? new Set()).add(m[2]!));
    }
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['api.partner.example.com', 'ztp-undeclared.example.net']));
    const addresses = [...byName.values()].map((s) => [...s]);
    expect(addresses.every((a) => a.length === 1)).toBe(true);
    expect(new Set(addresses.flat()).size).toBe(byName.size);
    expect(r.notCovered).toContainEqual(expect.stringMatching(/^other names and services at the addresses a declared FQDN egress resolves to/));
    expect(verifyBundle(shop()).notCovered.join('; ')).not.toContain('FQDN');
  });

  it('denies external callers outside a declared CIDR and admits those inside', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
    const b = compileEnvironment(defineEnvironment({ name: 'x', cni: 'kubernetes', clusterCidrs: ['10.244.0.0/16', '10.96.0.0/12'], mesh: NO_MESH, certificates: CERTS, dns: DNS, enforcement: 'enforce', phase: 2, namespaces: ['shop'], workloads: [web], flows: [flow({ from: fromCidr('203.0.113.0/24'), to: web, ports: ['http'] })] }), '/repo');
    const v = verifyBundle(b);
    expect(v.failures).toEqual([]);
    expect(v.checks.find((c) => c.id === '203.0.113.1 => shop/web[Deployment]:8080/TCP')).toMatchObject({ expected: 'allowed', observed: 'allowed' });
    expect(v.checks.find((c) => c.id.startsWith('198.51.100.200 => shop/web[Deployment]:8080/TCP'))).toMatchObject({ expected: 'denied', ok: true });
  });

  it("with cni 'kubernetes', proves the cluster's own ranges denied inside a CIDR caller and destination, in each layer", () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, mtls: 'PERMISSIVE' } } });
    const b = compileEnvironment(
      defineEnvironment({
        name: 'x',
        cni: 'kubernetes',
        clusterCidrs: ['10.244.0.0/16', '10.96.0.0/12'],
        mesh: SIDECAR,
        dns: DNS,
        enforcement: 'enforce',
        phase: 2,
        namespaces: ['shop'],
        workloads: [web],
        flows: [flow({ from: fromCidr('10.0.0.0/8'), to: web, ports: ['http'] })],
        egress: [egress({ from: web, to: toCidr('0.0.0.0/0'), ports: [443] })],
      }),
      '/repo',
    );
    const v = verifyBundle(b);
    expect(v.failures).toEqual([]);
    for (const layer of ['', '[network layer] ', '[mesh layer] ']) {
      expect(v.checks.find((c) => c.id === `${layer}10.0.0.1 => shop/web[Deployment]:8080/TCP`), layer).toMatchObject({ expected: 'allowed', ok: true });
      for (const ip of ['10.96.0.1', '10.244.0.1']) expect(v.checks.find((c) => c.id === `${layer}${ip} => shop/web[Deployment]:8080/TCP`), `${layer}${ip}`).toMatchObject({ expected: 'denied', ok: true });
    }
    expect(v.checks.find((c) => c.id === 'shop/web[Deployment] => 10.244.0.1:443/TCP')).toMatchObject({ expected: 'denied', ok: true });

    // Without the excepts, the verifier sees the cluster's ranges admitted: in NetworkPolicy ...
    const files = new Map(b.files);
    for (const f of ['network/networkpolicy-shop-ztp-web-ingress.yaml', 'network/networkpolicy-shop-ztp-web-egress.yaml']) {
      const text = files.get(f) ?? '';
      expect(text, f).toContain('except');
      files.set(f, text.replace(/\n\s+except:(\n\s+- [0-9./]+)+/g, ''));
    }
    const failed = new Set(verifyBundle({ ...b, files }).failures.map((f) => `${f.id}: ${f.expected}, ${f.observed}`));
    expect(failed).toContain('[network layer] 10.96.0.1 => shop/web[Deployment]:8080/TCP: denied, allowed');
    expect(failed).toContain('shop/web[Deployment] => 10.244.0.1:443/TCP: denied, allowed');
    // ... and in Istio's AuthorizationPolicy
    const file = 'mesh/authorizationpolicy-shop-ztp-web.yaml';
    const policy = parse(b.files.get(file) ?? '') as { spec: { rules: { from: { source: { notIpBlocks?: string[] } }[] }[] } };
    expect(policy.spec.rules[0]?.from[0]?.source.notIpBlocks).toEqual(['10.96.0.0/12', '10.244.0.0/16']);
    delete policy.spec.rules[0]?.from[0]?.source.notIpBlocks;
    const meshFiles = new Map(b.files);
    meshFiles.set(file, stringify(policy));
    const meshFailed = new Set(verifyBundle({ ...b, files: meshFiles }).failures.map((f) => `${f.id}: ${f.expected}, ${f.observed}`));
    expect(meshFailed).toContain('[mesh layer] 10.244.0.1 => shop/web[Deployment]:8080/TCP: denied, allowed');
  });
});

describe('verifyBundle with clusterCidrs: the pods have addresses, so ipBlocks that cover pod IPs are judged', () => {
  const CLUSTER = ['10.244.0.0/16', '10.96.0.0/12'];
  const internet = (cni: 'kubernetes' | 'cilium', mesh: MeshSettings = SIDECAR): Bundle => {
    // PERMISSIVE: an external caller has no sidecar
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, appProtocol: 'http', ...(mesh.mode === 'none' ? {} : { mtls: 'PERMISSIVE' as const }) } } });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    return compileEnvironment(
      defineEnvironment({
        name: 'x',
        cni,
        clusterCidrs: CLUSTER,
        mesh,
        ...(mesh.mode === 'none' ? { certificates: CERTS } : {}),
        dns: DNS,
        enforcement: 'enforce',
        phase: 2,
        namespaces: ['shop'],
        workloads: [web, api],
        flows: [flow({ from: fromCidr('0.0.0.0/0'), to: web, ports: ['http'] }), flow({ from: fromNamespace('edge'), to: api, ports: ['http'] })],
      }),
      '/repo',
    );
  };
  const failuresOf = (b: Bundle) => new Set(verifyBundle(b).failures.map((f) => `${f.id}: ${f.expected}, ${f.observed}`));
  /** The bundle with `edit` applied to one emitted object (parsed and re-serialised). */
  const edited = <T>(b: Bundle, file: string, edit: (o: T) => void): Bundle => {
    const o = parse(b.files.get(file) ?? '') as T;
    edit(o);
    const files = new Map(b.files);
    files.set(file, stringify(o));
    return { ...b, files };
  };
  // pod callers the fromCidr('0.0.0.0/0') flow must not admit: in a managed namespace, in a namespace a flow admits, in any other
  const pods = ['shop/ztp-rogue[Deployment]', 'edge/ztp-probe[Deployment]', 'ztp-verify-outsider/ztp-outsider[Deployment]', 'shop/api[Deployment]'];
  // the pods among them that nothing else stops: a managed namespace's pods are also held by their own egress default deny
  const unmanaged = ['edge/ztp-probe[Deployment]', 'ztp-verify-outsider/ztp-outsider[Deployment]'];
  const WEB = 'shop/web[Deployment]:8080/TCP';

  it("with cni 'kubernetes', proves it and fails when the ipBlock's except is gone, because undeclared pods are admitted", () => {
    for (const mesh of [SIDECAR, NO_MESH]) {
      const b = internet('kubernetes', mesh);
      const v = verifyBundle(b);
      expect(v.failures, mesh.mode).toEqual([]);
      expect(v.notCovered.join('; ')).not.toContain('ipBlocks');
      // node addresses are outside the cluster ranges ztp excepts
      expect(v.notCovered).toContainEqual(expect.stringMatching(/^node addresses: .*list the nodes' range in clusterCidrs too/));
      const layers = mesh.mode === 'none' ? [''] : ['', '[network layer] ', '[mesh layer] '];
      for (const layer of layers) for (const p of pods) expect(v.checks.find((c) => c.id === `${layer}${p} => ${WEB}`), `${layer}${p}`).toMatchObject({ expected: 'denied', ok: true });
      expect(v.checks.find((c) => c.id === `0.0.0.1 => ${WEB}`)).toMatchObject({ expected: 'allowed', ok: true });

      // The NetworkPolicy ipBlock loses its except: every pod's IP is then in 0.0.0.0/0.
      const file = 'network/networkpolicy-shop-ztp-web-ingress.yaml';
      const open = edited<{ spec: { ingress: { from: { ipBlock?: { cidr: string; except?: string[] } }[] }[] } }>(b, file, (np) => {
        const block = np.spec.ingress.flatMap((r) => r.from).find((p) => p.ipBlock?.cidr === '0.0.0.0/0')?.ipBlock;
        expect(block?.except).toEqual(['10.96.0.0/12', '10.244.0.0/16']);
        delete block?.except;
      });
      const failed = failuresOf(open);
      // without a mesh end to end, with one in the network layer on its own (Istio's notIpBlocks still holds end to end)
      const layer = mesh.mode === 'none' ? '' : '[network layer] ';
      for (const p of unmanaged) expect(failed, `${mesh.mode} ${p}`).toContain(`${layer}${p} => ${WEB}: denied, allowed`);
    }
  });

  it("with cni 'kubernetes', fails when the compiler excepts only one of the cluster ranges, in the policy and the intent alike: pods sit in every range", () => {
    const b = internet('kubernetes', NO_MESH);
    const file = 'network/networkpolicy-shop-ztp-web-ingress.yaml';
    for (const kept of CLUSTER) {
      // as a compiler that lost a cluster range would write both (the intent's except comes from the same IR)
      const partial = edited<{ spec: { ingress: { from: { ipBlock?: { cidr: string; except?: string[] } }[] }[] } }>(b, file, (np) => {
        const block = np.spec.ingress.flatMap((r) => r.from).find((p) => p.ipBlock?.cidr === '0.0.0.0/0')?.ipBlock;
        expect(block?.except).toEqual(['10.96.0.0/12', '10.244.0.0/16']);
        block!.except = [kept];
      });
      const manifest = JSON.parse(partial.files.get('manifest.json') ?? '') as { intent: { flows: { from: { cidr?: string; except?: string[] } }[] } };
      const intent = manifest.intent.flows.find((f) => f.from.cidr === '0.0.0.0/0')!;
      expect(intent.from.except).toEqual(['10.96.0.0/12', '10.244.0.0/16']);
      intent.from.except = [kept];
      const files = new Map(partial.files);
      files.set('manifest.json', JSON.stringify(manifest));
      expect([...failuresOf({ ...partial, files })].filter((f) => f.endsWith(`=> ${WEB}: denied, allowed`)).length, `except ${kept} only`).toBeGreaterThan(0);
    }
  });

  it("with cni 'kubernetes', fails the mesh layer when the AuthorizationPolicy's notIpBlocks is gone", () => {
    const b = internet('kubernetes');
    const open = edited<{ spec: { rules: { from: { source: { notIpBlocks?: string[] } }[] }[] } }>(b, 'mesh/authorizationpolicy-shop-ztp-web.yaml', (ap) => {
      expect(ap.spec.rules[0]?.from[0]?.source.notIpBlocks).toEqual(['10.96.0.0/12', '10.244.0.0/16']);
      delete ap.spec.rules[0]?.from[0]?.source.notIpBlocks;
    });
    const failed = failuresOf(open);
    for (const p of pods) expect(failed, p).toContain(`[mesh layer] ${p} => ${WEB}: denied, allowed`);
    // the network layer still keeps pods out, so end to end and there nothing else fails
    expect([...failed].filter((f) => !f.startsWith('[mesh layer] '))).toEqual([]);
  });

  it("under Cilium, keeps pods out of a CIDR caller's Istio rule (notIpBlocks), and fails the mesh layer without it", () => {
    const b = internet('cilium');
    // the network layer is as declared: Cilium's CIDR rules never match pods
    for (const [file, text] of b.files) if (file.startsWith('network/')) expect(text, file).not.toMatch(/except|10\.244\.0\.0/);
    const v = verifyBundle(b);
    expect(v.failures).toEqual([]);
    expect(v.notCovered.join('; ')).not.toContain('node addresses');
    for (const layer of ['', '[network layer] ', '[mesh layer] ']) for (const p of pods) expect(v.checks.find((c) => c.id === `${layer}${p} => ${WEB}`), `${layer}${p}`).toMatchObject({ expected: 'denied', ok: true });

    const open = edited<{ spec: { rules: { from: { source: { ipBlocks: string[]; notIpBlocks?: string[] } }[] }[] } }>(b, 'mesh/authorizationpolicy-shop-ztp-web.yaml', (ap) => {
      expect(ap.spec.rules[0]?.from[0]?.source).toEqual({ ipBlocks: ['0.0.0.0/0'], notIpBlocks: ['10.96.0.0/12', '10.244.0.0/16'] });
      delete ap.spec.rules[0]?.from[0]?.source.notIpBlocks;
    });
    const failed = failuresOf(open);
    for (const p of pods) expect(failed, p).toContain(`[mesh layer] ${p} => ${WEB}: denied, allowed`);
    expect([...failed].filter((f) => !f.startsWith('[mesh layer] '))).toEqual([]);
  });

  it('names the blind spot when the environment declares no clusterCidrs', () => {
    expect(verifyBundle(shop()).notCovered.join('; ')).toContain('declares no clusterCidrs');
  });
});
