import { describe, expect, it } from 'vitest';
import { deployment, netpol, ns, pod } from '../__fixtures__/builders.ts';
import { ccnp, cnp } from '../__fixtures__/mesh.ts';
import { judge } from '../judge.ts';
import type { RequestQuery } from '../judge.ts';
import { buildResources, ManifestError } from '../resources.ts';
import { fqdnMatches } from './fqdn.ts';
import { isIdentityLabel } from './identity.ts';

const base = [
  ns('default'),
  ns('other', { team: 'blue' }),
  pod('default', 'frontend', { role: 'frontend', 'pod-template-hash': 'abc' }, { ip: '10.0.0.1' }),
  pod('default', 'backend', { role: 'backend' }, { ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 8080 }] }),
  pod('other', 'client', { role: 'client' }, { ip: '10.0.1.1' }),
];

function world(...objects: Record<string, unknown>[]) {
  return buildResources([...base, ...objects]);
}

function q(src: RequestQuery['src'], dst: RequestQuery['dst'], port = 80, extra: Partial<RequestQuery> = {}): RequestQuery {
  return { src, dst, protocol: 'TCP', port, ...extra };
}

describe('CiliumNetworkPolicy L3', () => {
  const l3 = cnp('default', 'l3-rule', {
    endpointSelector: { matchLabels: { role: 'backend' } },
    ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }],
  });

  it('allows the selected peers and puts the endpoint in default deny', () => {
    const r = world(l3);
    const ok = judge(r, q('default/frontend', 'default/backend'));
    expect(ok.allowed).toBe(true);
    expect(ok.dataplane).toBe('cilium');
    expect(ok.stages[0]!.decidedBy).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'default', name: 'l3-rule', rule: 'ingress[0]' }]);
    const denied = judge(r, q('other/client', 'default/backend'));
    expect(denied.outcome).toBe('dropped');
    expect(denied.stages[0]!.decidedBy).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'default', name: 'l3-rule', rule: 'ingress' }]);
    // frontend is not selected: unrestricted
    expect(judge(r, q('default/backend', 'default/frontend')).allowed).toBe(true);
  });

  it('restricts peer selectors to the policy namespace unless they name one', () => {
    const own = world(cnp('default', 'p', { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }] }));
    expect(judge(own, q('default/frontend', 'default/backend')).allowed).toBe(true);
    expect(judge(own, q('other/client', 'default/backend')).allowed).toBe(false);
    const named = world(
      cnp('default', 'p', { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'other' } }] }] }),
    );
    expect(judge(named, q('other/client', 'default/backend')).allowed).toBe(true);
    expect(judge(named, q('default/frontend', 'default/backend')).allowed).toBe(false);
    const byNamespaceLabel = world(
      cnp('default', 'p', { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'blue' } }] }] }),
    );
    expect(judge(byNamespaceLabel, q('other/client', 'default/backend')).allowed).toBe(true);
  });

  it('only selects pods of its own namespace', () => {
    const r = world(cnp('other', 'deny-everything-here', { endpointSelector: {}, ingress: [{}] }));
    expect(judge(r, q('default/frontend', 'other/client')).allowed).toBe(false);
    expect(judge(r, q('other/client', 'default/backend')).allowed).toBe(true);
  });

  it('cluster-wide empty peer selectors match every pod but not the world', () => {
    const r = world(ccnp('all-pods', { endpointSelector: { matchLabels: { role: 'backend' } }, ingress: [{ fromEndpoints: [{}] }] }));
    expect(judge(r, q('other/client', 'default/backend')).allowed).toBe(true);
    expect(judge(r, q('8.8.8.8', 'default/backend')).allowed).toBe(false);
  });

  it('ignores labels outside the identity (pod-template-hash)', () => {
    const r = world(
      cnp('default', 'p', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [{ fromEndpoints: [{ matchLabels: { 'pod-template-hash': 'abc' } }] }],
      }),
    );
    expect(judge(r, q('default/frontend', 'default/backend')).allowed).toBe(false);
    expect(isIdentityLabel('pod-template-hash')).toBe(false);
    expect(isIdentityLabel('app.kubernetes.io/name')).toBe(true);
    expect(isIdentityLabel('kubernetes.io/hostname')).toBe(false);
    expect(isIdentityLabel('topology.kubernetes.io/zone')).toBe(true);
    expect(isIdentityLabel('statefulset.kubernetes.io/pod-name')).toBe(false);
  });
});

describe('entities and CIDRs', () => {
  it('world matches external addresses, cluster matches pods', () => {
    const w = world(cnp('default', 'p', { endpointSelector: { matchLabels: { role: 'backend' } }, ingress: [{ fromEntities: ['world'] }] }));
    expect(judge(w, q('8.8.8.8', 'default/backend')).allowed).toBe(true);
    expect(judge(w, q('default/frontend', 'default/backend')).allowed).toBe(false);
    const c = world(cnp('default', 'p', { endpointSelector: { matchLabels: { role: 'backend' } }, ingress: [{ fromEntities: ['cluster'] }] }));
    expect(judge(c, q('other/client', 'default/backend')).allowed).toBe(true);
    expect(judge(c, q('8.8.8.8', 'default/backend')).allowed).toBe(false);
  });

  // A name without its address may be IPv4 or IPv6 world: a verdict that differs between the two
  // is undecided (this test used to expect a refusal: "world-ipv4 alone cannot allow it,
  // world-ipv6 alone denies it").
  it('a destination known only by name is IPv4 or IPv6 world: a verdict that depends on the family is undecided', () => {
    const egress = (rules: Record<string, unknown>) => world(cnp('default', 'p', { endpointSelector: { matchLabels: { role: 'frontend' } }, ...rules }));
    const byName = q('default/frontend', { fqdn: 'x.example' }, 443);
    expect(judge(egress({ egress: [{ toEntities: ['world-ipv4'] }] }), byName).outcome).toBe('undecided');
    expect(judge(egress({ egress: [{ toEntities: ['world-ipv4'] }] }), q('default/frontend', { fqdn: 'x.example', ip: '1.2.3.4' }, 443)).allowed).toBe(true);
    expect(judge(egress({ egress: [{ toEntities: ['world'] }] }), byName).allowed).toBe(true);
    expect(judge(egress({ egress: [{ toEntities: ['world'] }], egressDeny: [{ toEntities: ['world-ipv6'] }] }), byName).outcome).toBe('undecided');
    // the same in both families: certain
    expect(judge(egress({ egress: [{ toEntities: ['world'] }], egressDeny: [{ toEntities: ['world'] }] }), byName).outcome).toBe('dropped');
    expect(judge(egress({ egress: [{ toEntities: ['world-ipv4'] }, { toEntities: ['world-ipv6'] }] }), byName).outcome).toBe('allowed');
  });

  it('toCIDR never matches a pod, even inside the CIDR', () => {
    const r = world(cnp('default', 'p', { endpointSelector: { matchLabels: { role: 'frontend' } }, egress: [{ toCIDR: ['10.0.0.0/8'] }] }));
    expect(judge(r, q('default/frontend', 'default/backend')).allowed).toBe(false);
    expect(judge(r, q('default/frontend', '10.9.9.9')).allowed).toBe(true);
    expect(judge(r, q('default/frontend', '11.0.0.1')).allowed).toBe(false);
  });

  it('a Kubernetes ipBlock matches a pod upstream but not on Cilium', () => {
    const r = world(
      netpol('default', 'np', { podSelector: { matchLabels: { role: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.2/32' } }] }] }),
    );
    expect(judge(r, q('default/frontend', 'default/backend')).allowed).toBe(true);
    expect(judge(r, q('default/frontend', 'default/backend'), { dataplane: 'cilium' }).allowed).toBe(false);
  });

  it('toCIDRSet honours except', () => {
    const r = world(
      cnp('default', 'p', {
        endpointSelector: { matchLabels: { role: 'frontend' } },
        egress: [{ toCIDRSet: [{ cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] }] }],
      }),
    );
    expect(judge(r, q('default/frontend', '192.168.2.1')).allowed).toBe(true);
    expect(judge(r, q('default/frontend', '192.168.1.1')).allowed).toBe(false);
  });
});

describe('ports', () => {
  it('matches toPorts by protocol, range and named port; ANY is TCP and UDP', () => {
    const r = world(
      cnp('default', 'p', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [
          { fromEndpoints: [{}], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '9000', endPort: 9010 }, { port: 'http' }] }] },
        ],
      }),
    );
    const t = (protocol: 'TCP' | 'UDP' | 'SCTP', port: number) => judge(r, { src: 'default/frontend', dst: 'default/backend', protocol, port }).allowed;
    expect(t('TCP', 80)).toBe(true);
    expect(t('UDP', 80)).toBe(false);
    expect(t('UDP', 9005)).toBe(true);
    expect(t('SCTP', 9005)).toBe(false);
    expect(t('TCP', 9011)).toBe(false);
    expect(t('TCP', 8080)).toBe(true);
    expect(judge(r, { src: 'default/frontend', dst: 'default/backend', protocol: 'SCTP', port: 9005 }, { ciliumSctp: true }).allowed).toBe(true);
  });

  it('an L4-only rule applies to every peer, an empty rule to none', () => {
    const l4 = world(cnp('default', 'p', { endpointSelector: { matchLabels: { role: 'backend' } }, ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] }));
    expect(judge(l4, q('8.8.8.8', 'default/backend')).allowed).toBe(true);
    expect(judge(l4, q('other/client', 'default/backend')).allowed).toBe(true);
    expect(judge(l4, q('other/client', 'default/backend', 81)).allowed).toBe(false);
    const empty = world(cnp('default', 'p', { endpointSelector: { matchLabels: { role: 'backend' } }, ingress: [{}] }));
    expect(judge(empty, q('default/frontend', 'default/backend')).allowed).toBe(false);
  });
});

describe('deny rules (Cilium deny policy table)', () => {
  const allow = cnp('default', 'allow', {
    endpointSelector: { matchLabels: { role: 'backend' } },
    ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }],
  });

  it('deny on a port wins over an L3 allow; other ports stay allowed', () => {
    const r = world(
      allow,
      cnp('default', 'deny-80', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }],
      }),
    );
    const denied = judge(r, q('default/frontend', 'default/backend', 80));
    expect(denied.outcome).toBe('dropped');
    expect(denied.stages[0]!.decidedBy).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'default', name: 'deny-80', rule: 'ingressDeny[0]' }]);
    expect(judge(r, q('default/frontend', 'default/backend', 81)).allowed).toBe(true);
  });

  it('an L3 deny denies every port, also over Kubernetes NetworkPolicy allows', () => {
    const r = world(
      netpol('default', 'np-allow-all', { podSelector: {}, ingress: [{}] }),
      cnp('default', 'deny-frontend', { endpointSelector: { matchLabels: { role: 'backend' } }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }] }),
    );
    expect(judge(r, q('default/frontend', 'default/backend', 443)).allowed).toBe(false);
    expect(judge(r, { src: 'default/frontend', dst: 'default/backend', protocol: 'SCTP', port: 1 }).allowed).toBe(false);
    expect(judge(r, q('other/client', 'default/backend', 443)).allowed).toBe(true);
  });

  it('egressDeny to the world', () => {
    const r = world(cnp('default', 'no-world', { endpointSelector: {}, egressDeny: [{ toEntities: ['world'] }], enableDefaultDeny: { egress: false } }));
    expect(judge(r, q('default/frontend', '1.1.1.1')).allowed).toBe(false);
    expect(judge(r, q('default/frontend', 'default/backend')).allowed).toBe(true);
  });
});

describe('enableDefaultDeny', () => {
  it('false keeps other traffic allowed', () => {
    const r = world(
      cnp('default', 'p', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        enableDefaultDeny: { ingress: false },
        ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }],
      }),
    );
    expect(judge(r, q('other/client', 'default/backend')).allowed).toBe(true);
  });
});

describe('L7 HTTP rules', () => {
  const l7 = cnp('default', 'l7', {
    endpointSelector: { matchLabels: { role: 'backend' } },
    ingress: [
      {
        fromEndpoints: [{ matchLabels: { role: 'frontend' } }],
        toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/public.*' }, { method: 'PUT', path: '/avatar', headers: ['X-My-Header: true'] }] } }],
      },
    ],
  });

  it('answers 403 to requests no rule allows while the connection is allowed', () => {
    const r = world(l7);
    const get = judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'GET', path: '/public/index.html?x=1' } }));
    expect(get.allowed).toBe(true);
    const post = judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'POST', path: '/public' } }));
    expect(post.outcome).toBe('http-403');
    expect(post.stages.at(-1)).toMatchObject({ layer: 'Cilium L7', result: 'deny', decidedBy: [{ kind: 'CiliumNetworkPolicy', name: 'l7', rule: 'ingress[0]' }] });
    expect(judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'GET', path: '/private' } })).outcome).toBe('http-403');
    expect(judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'PUT', path: '/avatar', headers: {} } })).outcome).toBe('http-403');
    // a request that does not say its headers: the caller may send the one the rule asks for
    const unsaid = judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'PUT', path: '/avatar' } }));
    expect(unsaid.outcome).toBe('undecided');
    expect(unsaid.stages.at(-1)).toMatchObject({ layer: 'Cilium L7', result: 'undecided', decidedBy: [{ kind: 'CiliumNetworkPolicy', name: 'l7', rule: 'ingress[0]' }] });
    expect(judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'PUT', path: '/avatar', headers: { 'x-my-header': 'true' } } })).allowed).toBe(true);
    const connection = judge(r, q('default/frontend', 'default/backend', 80));
    expect(connection.allowed).toBe(true);
    expect(connection.stages.at(-1)!.layer).toBe('Cilium L7');
  });

  it('matches a path regex as a whole, alternatives included (Envoy matches the full path)', () => {
    const r = world(
      cnp('default', 'alt', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ path: '/a|/b/.*' }] } }] }],
      }),
    );
    const get = (path: string) => judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'GET', path } })).outcome;
    expect(get('/a')).toBe('allowed');
    expect(get('/b/x')).toBe('allowed');
    // anchored only at the ends of the whole pattern, `^/a|/b/.*$` would admit these
    expect(get('/ax')).toBe('http-403');
    expect(get('/c/b/x')).toBe('http-403');
  });

  it('an L4 allow for the same peer and port lifts the L7 restriction', () => {
    const r = world(l7, netpol('default', 'np', { podSelector: { matchLabels: { role: 'backend' } }, ingress: [{ ports: [{ port: 80 }] }] }));
    expect(judge(r, q('default/frontend', 'default/backend', 80, { http: { method: 'DELETE', path: '/x' } })).allowed).toBe(true);
  });

  it('is enforced even without default deny', () => {
    const r = world(
      cnp('default', 'l7', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        enableDefaultDeny: { ingress: false },
        ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }],
      }),
    );
    expect(judge(r, q('other/client', 'default/backend', 80, { http: { method: 'POST', path: '/' } })).outcome).toBe('http-403');
    expect(judge(r, q('other/client', 'default/backend', 81, { http: { method: 'POST', path: '/' } })).allowed).toBe(true);
  });
});

describe('toFQDNs', () => {
  const dns = { toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }], toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }] };

  it('allows names the DNS proxy sees', () => {
    const r = world(cnp('default', 'fqdn', { endpointSelector: { matchLabels: { role: 'frontend' } }, egress: [dns, { toFQDNs: [{ matchPattern: '*.github.com' }] }] }));
    expect(judge(r, q('default/frontend', { fqdn: 'api.github.com' }, 443)).allowed).toBe(true);
    expect(judge(r, q('default/frontend', { fqdn: 'github.com' }, 443)).allowed).toBe(false);
    expect(judge(r, q('default/frontend', { fqdn: 'api.gitlab.com', ip: '1.2.3.4' }, 443)).allowed).toBe(false);
  });

  it('needs a DNS rule: without DNS visibility the name never resolves in policy', () => {
    const r = world(cnp('default', 'fqdn', { endpointSelector: { matchLabels: { role: 'frontend' } }, egress: [{ toFQDNs: [{ matchName: 'api.github.com' }] }] }));
    expect(judge(r, q('default/frontend', { fqdn: 'api.github.com' }, 443)).allowed).toBe(false);
  });

  it('matches names like Cilium', () => {
    expect(fqdnMatches({ matchName: 'API.GitHub.com.' }, 'api.github.com')).toBe(true);
    expect(fqdnMatches({ matchPattern: '*' }, 'anything.example')).toBe(true);
    expect(fqdnMatches({ matchPattern: '*.example.com' }, 'a.b.example.com')).toBe(false);
    expect(fqdnMatches({ matchPattern: '**.example.com' }, 'a.b.example.com')).toBe(true);
    expect(fqdnMatches({ matchPattern: 'api-*.example.com' }, 'api-v2.example.com')).toBe(true);
  });
});

describe('Cilium validation', () => {
  it.each([
    ['combining L3 members', { endpointSelector: {}, ingress: [{ fromEndpoints: [{}], fromCIDR: ['10.0.0.0/8'] }] }],
    ['L7 rules on ANY', { endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '80' }], rules: { http: [{}] } }] }] }],
    ['DNS rules on ingress', { endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }] }] }],
    ['fromRequires', { endpointSelector: {}, ingress: [{ fromRequires: [{ matchLabels: { env: 'prod' } }] }] }],
    ['an unknown entity', { endpointSelector: {}, ingress: [{ fromEntities: ['moon'] }] }],
    ['an IPv4-mapped IPv6 fromCIDR', { endpointSelector: {}, ingress: [{ fromCIDR: ['::ffff:10.0.0.0/104'] }] }],
    ['a leading zero in a toCIDRSet', { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: '0.0.0.0/0', except: ['010.0.0.0/8'] }] }] }],
    // Cilium reads port text as Go's ParseUint(s, 0, 16): octal
    ['a port with a leading zero', { endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '05432', protocol: 'TCP' }] }] }] }],
    ['no rule section', { endpointSelector: {} }],
    ['both selectors', { endpointSelector: {}, nodeSelector: {}, ingress: [{}] }],
    ['a bad regex', { endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ path: '(' }] } }] }] }],
  ])('rejects %s', (_name, spec) => {
    expect(() => world(cnp('default', 'bad', spec))).toThrow(ManifestError);
  });

  it('warns about and never allows through unsupported allow features', () => {
    const r = world(cnp('default', 'svc', { endpointSelector: { matchLabels: { role: 'frontend' } }, egress: [{ toServices: [{ k8sService: { serviceName: 'x', namespace: 'y' } }] }] }));
    expect(r.warnings.some((w) => w.includes('toServices'))).toBe(true);
    expect(judge(r, q('default/frontend', 'default/backend')).allowed).toBe(false);
  });

  it('treats Deployments like pods (template labels)', () => {
    const r = buildResources([
      deployment('default', 'api', { app: 'api' }),
      deployment('default', 'web', { app: 'web' }),
      cnp('default', 'p', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] }),
    ]);
    expect(judge(r, q('default/web', 'default/api')).allowed).toBe(true);
    expect(judge(r, q('8.8.8.8', 'default/api')).allowed).toBe(false);
  });
});

// review-3 F1: Cilium matches NetworkPolicy selectors, like its own, against security identities,
// whose labels drop e.g. statefulset.kubernetes.io/pod-name, controller-revision-hash,
// pod-template-hash and kubernetes.io/* (the identity-relevant label filter).
describe('Kubernetes NetworkPolicy on Cilium: selectors see identity labels only', () => {
  const db0 = pod('a', 'db-0', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0' }, { ip: '10.0.0.5' });
  const client = pod('a', 'client', { app: 'client' }, { ip: '10.0.0.6' });
  const q5 = (src: string, dst: string) => q(src, dst, 80);

  it('review-3 A1: a policy selecting its subject by a filtered label selects nothing', () => {
    const r = buildResources([db0, client, netpol('a', 'deny-db-0', { podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } }, policyTypes: ['Ingress'] })]);
    expect(judge(r, q5('a/client', 'a/db-0'), { dataplane: 'cilium' }).outcome).toBe('allowed');
    expect(judge(r, q5('a/client', 'a/db-0'), { dataplane: 'kubernetes' }).outcome).toBe('dropped');
  });

  it('review-3 A2: DoesNotExist on a filtered label matches every peer, as in a CiliumNetworkPolicy', () => {
    const hashed = pod('a', 'client2', { app: 'client2', 'controller-revision-hash': 'abc' }, { ip: '10.0.0.7' });
    const peer = { matchExpressions: [{ key: 'controller-revision-hash', operator: 'DoesNotExist' }] };
    const np = netpol('a', 'db-in', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: peer }] }] });
    const r = buildResources([db0, hashed, np]);
    expect(judge(r, q5('a/client2', 'a/db-0'), { dataplane: 'cilium' }).outcome).toBe('allowed');
    expect(judge(r, q5('a/client2', 'a/db-0'), { dataplane: 'kubernetes' }).outcome).toBe('dropped');
    // the same rule as a CiliumNetworkPolicy (review-3 A3) agrees
    const c = cnp('a', 'db-in', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ fromEndpoints: [peer] }] });
    expect(judge(buildResources([db0, hashed, c]), q5('a/client2', 'a/db-0')).outcome).toBe('allowed');
  });

  it('a peer selected by a filtered label is not admitted, and kept labels and namespace labels still select', () => {
    const r = world(
      netpol('default', 'backend-in', {
        podSelector: { matchLabels: { role: 'backend' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { 'pod-template-hash': 'abc' } } }] },
          { from: [{ namespaceSelector: { matchLabels: { team: 'blue' } }, podSelector: { matchLabels: { role: 'client' } } }] },
        ],
      }),
    );
    // frontend carries pod-template-hash=abc, which its identity drops
    expect(judge(r, q('default/frontend', 'default/backend'), { dataplane: 'cilium' }).outcome).toBe('dropped');
    expect(judge(r, q('default/frontend', 'default/backend'), { dataplane: 'kubernetes' }).outcome).toBe('allowed');
    expect(judge(r, q('other/client', 'default/backend'), { dataplane: 'cilium' }).outcome).toBe('allowed');
  });

  it('an egress policy selecting its subject by a filtered label does not isolate it', () => {
    const r = buildResources([db0, client, netpol('a', 'db-0-egress', { podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } }, policyTypes: ['Egress'] })]);
    expect(judge(r, q5('a/db-0', 'a/client'), { dataplane: 'cilium' }).outcome).toBe('allowed');
    expect(judge(r, q5('a/db-0', '8.8.8.8'), { dataplane: 'cilium' }).outcome).toBe('allowed');
    expect(judge(r, q5('a/db-0', 'a/client'), { dataplane: 'kubernetes' }).outcome).toBe('dropped');
  });
});
