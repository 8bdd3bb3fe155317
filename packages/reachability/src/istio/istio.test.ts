import { describe, expect, it } from 'vitest';
import { netpol, ns, pod } from '../__fixtures__/builders.ts';
import { authz, cnp, peerAuth } from '../__fixtures__/mesh.ts';
import { judge } from '../judge.ts';
import type { RequestQuery } from '../judge.ts';
import { buildResources, ManifestError } from '../resources.ts';
import { matchPath, matchString } from './match.ts';
import { inboundCapture, meshMode, outboundCapture } from './sidecar.ts';

const base = [
  ns('foo', { 'istio-injection': 'enabled' }),
  ns('bar', { 'istio-injection': 'enabled' }),
  ns('legacy'),
  pod('foo', 'httpbin', { app: 'httpbin' }, { ip: '10.1.0.1', serviceAccount: 'httpbin', ports: [{ name: 'http', containerPort: 8000 }] }),
  pod('foo', 'sleep', { app: 'sleep' }, { ip: '10.1.0.2', serviceAccount: 'sleep' }),
  pod('bar', 'sleep', { app: 'sleep' }, { ip: '10.2.0.2', serviceAccount: 'sleep' }),
  pod('legacy', 'sleep', { app: 'sleep' }, { ip: '10.3.0.2', serviceAccount: 'sleep' }),
  pod('legacy', 'web', { app: 'web' }, { ip: '10.3.0.3' }),
];

function world(...objects: Record<string, unknown>[]) {
  return buildResources([...base, ...objects]);
}

function http(src: string, method = 'GET', path = '/ip', port = 8000): RequestQuery {
  return { src, dst: 'foo/httpbin', protocol: 'TCP', port, http: { method, path } };
}

function tcp(src: string, port = 8000): RequestQuery {
  return { src, dst: 'foo/httpbin', protocol: 'TCP', port };
}

describe('sidecar detection', () => {
  it('follows the injection labels and an istio-proxy container', () => {
    const r = world();
    const podOf = (id: string) => r.workloads.find((w) => w.id === id)!.pods[0]!;
    expect(meshMode(podOf('foo/httpbin[Pod]'), { 'istio-injection': 'enabled' })).toBe('sidecar');
    expect(meshMode(podOf('legacy/sleep[Pod]'), {})).toBe('none');
    expect(meshMode({ ...podOf('legacy/sleep[Pod]'), labels: { 'sidecar.istio.io/inject': 'true' } }, {})).toBe('sidecar');
    expect(meshMode({ ...podOf('foo/sleep[Pod]'), labels: { 'sidecar.istio.io/inject': 'false' } }, { 'istio-injection': 'enabled' })).toBe('none');
    expect(meshMode({ ...podOf('legacy/sleep[Pod]'), labels: { 'sidecar.istio.io/inject': 'true' } }, { 'istio-injection': 'disabled' })).toBe('none');
    expect(meshMode({ ...podOf('legacy/sleep[Pod]'), containers: ['app', 'istio-proxy'] }, {})).toBe('sidecar');
    expect(meshMode(podOf('legacy/sleep[Pod]'), { 'istio.io/rev': 'canary' })).toBe('sidecar');
    expect(meshMode(podOf('legacy/sleep[Pod]'), { 'istio.io/dataplane-mode': 'ambient' })).toBe('ambient');
    // the older annotation opts out as the label does (the injector prefers the label when both are set) ...
    const annotated = (value: string, labels: Record<string, string> = {}) => ({ ...podOf('foo/sleep[Pod]'), labels, annotations: { 'sidecar.istio.io/inject': value } });
    expect(meshMode(annotated('false'), { 'istio-injection': 'enabled' })).toBe('none');
    expect(meshMode(annotated('false', { 'sidecar.istio.io/inject': 'true' }), { 'istio-injection': 'enabled' })).toBe('sidecar');
    // ... but cannot opt in: only the label brings a pod of a namespace without injection to the webhook
    expect(meshMode(annotated('true'), {})).toBe('none');
  });
});

describe('sidecar capture', () => {
  const captured = (annotations: Record<string, string>, port: number) => inboundCapture({ name: 'p', labels: {}, ports: [], ips: [], serviceAccount: 'sa', containers: [], hostNetwork: false, annotations }, port).captured;

  it('leaves out the sidecar\'s own ports, the status port and the excluded ports, as the injector and istio-iptables do', () => {
    for (const port of [15090, 15021, 15020]) expect(captured({}, port)).toBe(false);
    expect(captured({}, 8000)).toBe(true);
    // the HBONE tunnel port returns before the capture, except in TPROXY mode
    expect(captured({}, 15008)).toBe(false);
    expect(captured({ 'sidecar.istio.io/interceptionMode': 'TPROXY' }, 15008)).toBe(true);
    expect(captured({ 'status.sidecar.istio.io/port': '15555' }, 15020)).toBe(true);
    expect(captured({ 'status.sidecar.istio.io/port': '15555' }, 15555)).toBe(false);
    expect(captured({ 'status.sidecar.istio.io/port': '0' }, 15020)).toBe(true);
    expect(captured({ 'traffic.sidecar.istio.io/excludeInboundPorts': '8000, 9000:9100' }, 8000)).toBe(false);
    expect(captured({ 'traffic.sidecar.istio.io/excludeInboundPorts': '8000, 9000:9100' }, 9050)).toBe(false);
    expect(captured({ 'traffic.sidecar.istio.io/excludeInboundPorts': '8000, 9000:9100' }, 9101)).toBe(true);
  });

  it('captures only the listed ports, none for an empty list or interception mode NONE', () => {
    expect(captured({ 'traffic.sidecar.istio.io/includeInboundPorts': '8000' }, 8000)).toBe(true);
    expect(captured({ 'traffic.sidecar.istio.io/includeInboundPorts': '8000' }, 8001)).toBe(false);
    // in list mode istio-iptables applies no exclusions: a listed port is captured
    expect(captured({ 'traffic.sidecar.istio.io/includeInboundPorts': '8000', 'traffic.sidecar.istio.io/excludeInboundPorts': '8000' }, 8000)).toBe(true);
    expect(captured({ 'traffic.sidecar.istio.io/includeInboundPorts': '' }, 8000)).toBe(false);
    expect(captured({ 'sidecar.istio.io/interceptionMode': 'NONE' }, 8000)).toBe(false);
    expect(captured({ 'sidecar.istio.io/interceptionMode': 'TPROXY' }, 8000)).toBe(true);
  });

  it('says what it cannot read: service names in a list, a ProxyConfig setting the capture', () => {
    expect(captured({ 'traffic.sidecar.istio.io/excludeInboundPorts': 'http' }, 8000)).toBe('unknown');
    expect(captured({ 'proxy.istio.io/config': 'interceptionMode: NONE' }, 8000)).toBe('unknown');
    expect(captured({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}' }, 8000)).toBe(true);
  });

  it('a port the sidecar does not capture is past mTLS and authorization: allowed where the network allows it', () => {
    const strict = peerAuth('foo', 'strict', { mtls: { mode: 'STRICT' } });
    const r = world(authz('foo', 'allow-nothing', {}), strict);
    // from outside the mesh: STRICT would refuse, allow-nothing would deny; the health port is neither's
    const health = judge(r, { src: 'legacy/sleep', dst: 'foo/httpbin', protocol: 'TCP', port: 15021 });
    expect(health.outcome).toBe('allowed');
    expect(health.stages.at(-1)).toEqual({ layer: 'Istio authorization', result: 'not applicable', reason: "the sidecar does not capture port 15021 (port 15021 is the sidecar's own health listener): neither mTLS nor authorization applies", decidedBy: [] });
    expect(judge(r, { src: 'legacy/sleep', dst: 'foo/httpbin', protocol: 'TCP', port: 8000 }).outcome).toBe('mtls-refused');
    // an excluded application port, and a pod whose capture this analysis cannot read
    const excluded = buildResources([
      ...base.filter((o) => (o.metadata as { name: string; namespace?: string }).name !== 'httpbin'),
      { ...pod('foo', 'httpbin', { app: 'httpbin' }, { ip: '10.1.0.1', serviceAccount: 'httpbin' }), metadata: { name: 'httpbin', namespace: 'foo', labels: { app: 'httpbin' }, annotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '8000' } } },
      authz('foo', 'allow-nothing', {}),
      strict,
    ]);
    expect(judge(excluded, { src: 'legacy/sleep', dst: 'foo/httpbin', protocol: 'TCP', port: 8000 }).outcome).toBe('allowed');
    expect(judge(excluded, { src: 'legacy/sleep', dst: 'foo/httpbin', protocol: 'TCP', port: 8001 }).outcome).toBe('mtls-refused');
    // the network layer still decides first
    const dropped = world(authz('foo', 'allow-nothing', {}), netpol('foo', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(judge(dropped, { src: 'legacy/sleep', dst: 'foo/httpbin', protocol: 'TCP', port: 15021 }).outcome).toBe('dropped');
  });

  it('says unknown where the pod changes its sidecar in ways not modelled, and reads a harmless ProxyConfig', () => {
    const base = { name: 'p', labels: {}, ports: [], ips: [], serviceAccount: 'sa', containers: [], hostNetwork: false };
    const unknown = (annotations: Record<string, string>, containers: string[] = []) => inboundCapture({ ...base, containers, annotations }, 8000);
    for (const config of ['proxyMetadata: {DRY_RUN: "true"}', '{"\\u0069nterceptionMode": "NONE"}', 'status_port: 8000', '{not yaml']) {
      expect(unknown({ 'proxy.istio.io/config': config }).captured, config).toBe('unknown');
    }
    expect(unknown({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}' }).captured).toBe(true);
    for (const key of ['traffic.sidecar.istio.io/excludeInterfaces', 'traffic.sidecar.istio.io/kubevirtInterfaces', 'istio.io/reroute-virtual-interfaces', 'proxy.istio.io/overrides', 'sidecar.istio.io/proxyImage', 'sidecar.istio.io/bootstrapOverride']) {
      expect(unknown({ [key]: 'x' }).captured, key).toBe('unknown');
    }
    expect(unknown({ 'inject.istio.io/templates': 'gateway' }).captured).toBe('unknown');
    expect(unknown({ 'inject.istio.io/templates': 'sidecar' }).captured).toBe(true);
    // a sidecar brought by the pod itself, without the init container that sets up its capture
    expect(unknown({}, ['app', 'istio-proxy']).captured).toBe('unknown');
    expect(unknown({}, ['istio-init', 'app', 'istio-proxy']).captured).toBe(true);
  });

  it('reads a pod injected under istio-cni as the CNI plugin does', () => {
    const cni = { name: 'p', labels: {} as Record<string, string>, ports: [], ips: [], serviceAccount: 'sa', containers: ['istio-validation', 'app', 'istio-proxy'], hostNetwork: false };
    // what the injector writes onto every pod under istio-cni, with the upstream proxy values
    const injected = {
      'sidecar.istio.io/status': '{"initContainers":["istio-validation"],"containers":["istio-proxy"]}',
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
    };
    const inbound = (annotations: Record<string, string>, port: number, labels: Record<string, string> = {}) => inboundCapture({ ...cni, labels, annotations }, port).captured;
    expect(inbound(injected, 8000)).toBe(true);
    for (const port of [15008, 15020, 15021, 15090]) expect(inbound(injected, port), String(port)).toBe(false);
    expect(outboundCapture({ ...cni, annotations: injected }).captured).toBe(true);
    // the plugin ignores the status port annotation (the injector has folded it into the excluded ports): 15020 stays out
    expect(inbound({ ...injected, 'status.sidecar.istio.io/port': '15555', 'traffic.sidecar.istio.io/excludeInboundPorts': '15555' }, 15020)).toBe(false);
    expect(inbound({ ...injected, 'status.sidecar.istio.io/port': '15555', 'traffic.sidecar.istio.io/excludeInboundPorts': '15555' }, 15555)).toBe(false);
    // without the status annotation, or with an inject value Go reads as false, the plugin sets up no capture at all
    const { 'sidecar.istio.io/status': _, ...unmarked } = injected;
    expect(inbound(unmarked, 8000)).toBe(false);
    expect(outboundCapture({ ...cni, annotations: unmarked }).captured).toBe(false);
    expect(inbound(injected, 8000, { 'sidecar.istio.io/inject': 'F' })).toBe(false);
    expect(inbound({ ...injected, 'sidecar.istio.io/inject': '0' }, 8000)).toBe(false);
    // the label wins over the annotation, and a value Go cannot parse is ignored
    expect(inbound({ ...injected, 'sidecar.istio.io/inject': '0' }, 8000, { 'sidecar.istio.io/inject': 'true' })).toBe(true);
    expect(inbound(injected, 8000, { 'sidecar.istio.io/inject': 'no' })).toBe(true);
    // with istio-init beside it the plugin leaves the pod alone: istio-init's capture, the status annotation not needed
    expect(inboundCapture({ ...cni, containers: ['istio-init', ...cni.containers], annotations: unmarked }, 8000).captured).toBe(true);
    // a value other than the default is still the pod's own capture
    expect(outboundCapture({ ...cni, annotations: { ...injected, 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.0.0.0/8' } }).captured).toBe('unknown');
    expect(outboundCapture({ ...cni, annotations: { ...injected, 'traffic.sidecar.istio.io/includeOutboundIPRanges': '' } }).captured).toBe('unknown');
  });

  it('injects only as the webhooks select: namespace label enabled, never in kube-system', () => {
    const p = { name: 'p', labels: { 'sidecar.istio.io/inject': 'true' }, ports: [], ips: [], serviceAccount: 'sa', containers: ['app'], hostNetwork: false };
    expect(meshMode(p, { 'istio-injection': 'true' })).toBe('none');
    expect(meshMode(p, { 'istio-injection': 'true', 'istio.io/rev': 'default' })).toBe('none');
    expect(meshMode(p, { 'kubernetes.io/metadata.name': 'kube-system' })).toBe('none');
    expect(meshMode(p, { 'kubernetes.io/metadata.name': 'shop' })).toBe('sidecar');
  });

  it("judges a source whose sidecar does not carry the connection as sending plain text, and says unknown where that depends", () => {
    const denySleep = authz('foo', 'deny-bar-sleep', { action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/bar/sa/sleep'] } }] }] });
    const source = (annotations: Record<string, string>) =>
      buildResources([
        ...base.filter((o) => !((o.metadata as { name: string; namespace?: string }).name === 'sleep' && (o.metadata as { namespace?: string }).namespace === 'bar')),
        { ...pod('bar', 'sleep', { app: 'sleep' }, { ip: '10.2.0.2', serviceAccount: 'sleep' }), metadata: { name: 'sleep', namespace: 'bar', labels: { app: 'sleep' }, annotations } },
        denySleep,
      ]);
    expect(judge(source({}), tcp('bar/sleep')).outcome).toBe('connection-reset');
    // no capture: plain text, no principal, so the DENY by principal does not match
    expect(judge(source({ 'sidecar.istio.io/interceptionMode': 'NONE' }), tcp('bar/sleep')).outcome).toBe('allowed');
    expect(judge(source({ 'traffic.sidecar.istio.io/excludeOutboundPorts': '8000' }), tcp('bar/sleep')).outcome).toBe('undecided');
    // nor is a STRICT refusal certain when the source may or may not send mTLS
    const strict = buildResources([...base.filter((o) => !((o.metadata as { name: string; namespace?: string }).name === 'sleep' && (o.metadata as { namespace?: string }).namespace === 'bar')), { ...pod('bar', 'sleep', { app: 'sleep' }, { ip: '10.2.0.2', serviceAccount: 'sleep' }), metadata: { name: 'sleep', namespace: 'bar', labels: { app: 'sleep' }, annotations: { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.1.0.0/16' } } }, peerAuth('foo', 'strict', { mtls: { mode: 'STRICT' } })]);
    expect(judge(strict, tcp('bar/sleep')).outcome).toBe('undecided');
    const p = { name: 'p', labels: {}, ports: [], ips: [], serviceAccount: 'sa', containers: [], hostNetwork: false };
    expect(outboundCapture({ ...p, annotations: { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.0.0.0/8' } }).captured).toBe('unknown');
    expect(outboundCapture(p).captured).toBe(true);
  });

  it('reads pod annotations as strings, and refuses others naming the pod', () => {
    const bad = { ...pod('foo', 'x', { app: 'x' }), metadata: { name: 'x', namespace: 'foo', labels: { app: 'x' }, annotations: { 'status.sidecar.istio.io/port': 15020 } } };
    expect(() => buildResources([...base, bad])).toThrow(/Pod foo\/x: metadata.annotations: annotation "status.sidecar.istio.io\/port" must be a string \(quote 15020\)/);
  });
});

describe('AuthorizationPolicy', () => {
  it('a namespace-wide `spec: {}` ALLOW policy denies everything to sidecars of the namespace', () => {
    const r = world(authz('foo', 'allow-nothing', {}));
    const v = judge(r, http('foo/sleep'));
    expect(v.outcome).toBe('http-403');
    expect(v.stages.at(-1)).toEqual({
      layer: 'Istio authorization',
      result: 'deny',
      reason: 'ALLOW policies apply and none matches',
      decidedBy: [{ kind: 'AuthorizationPolicy', namespace: 'foo', name: 'allow-nothing' }],
    });
    expect(judge(r, tcp('foo/sleep')).outcome).toBe('connection-reset');
    // a workload without sidecar is not affected
    expect(judge(r, { src: 'foo/sleep', dst: 'legacy/web', protocol: 'TCP', port: 80 }).allowed).toBe(true);
  });

  it('allows by principal only with mTLS', () => {
    const r = world(
      authz('foo', 'allow-sleep', {
        selector: { matchLabels: { app: 'httpbin' } },
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/bar/sa/sleep'] } }] }],
      }),
    );
    const ok = judge(r, http('bar/sleep'));
    expect(ok.allowed).toBe(true);
    expect(ok.stages.at(-1)!.decidedBy).toEqual([{ kind: 'AuthorizationPolicy', namespace: 'foo', name: 'allow-sleep', rule: 'rules[0]' }]);
    expect(judge(r, http('foo/sleep')).outcome).toBe('http-403');
    // plain text from outside the mesh has no principal
    expect(judge(r, http('legacy/sleep')).outcome).toBe('http-403');
    // cluster.local in a policy is the mesh's own trust domain, whatever it is (istiod's ReplaceTrustDomainAliases)
    expect(judge(r, http('bar/sleep'), { trustDomain: 'example.org' }).outcome).toBe('allowed');
    const other = world(authz('foo', 'allow-sleep', { selector: { matchLabels: { app: 'httpbin' } }, rules: [{ from: [{ source: { principals: ['other.org/ns/bar/sa/sleep'] } }] }] }));
    expect(judge(other, http('bar/sleep'), { trustDomain: 'example.org' }).outcome).toBe('http-403');
    // istiod prefixes every principal with spiffe://: a value that has it already matches nobody
    const prefixed = (action: 'ALLOW' | 'DENY') => world(authz('foo', 'p', { action, rules: [{ from: [{ source: { principals: ['spiffe://cluster.local/ns/bar/sa/sleep'] } }] }] }));
    expect(judge(prefixed('ALLOW'), http('bar/sleep')).outcome).toBe('http-403');
    expect(judge(prefixed('DENY'), http('bar/sleep')).outcome).toBe('allowed');
  });

  it("reads remoteIpBlocks and remote.ip on HTTP as the caller's choice (X-Forwarded-For), on TCP as the source", () => {
    const deny = world(authz('foo', 'd', { action: 'DENY', rules: [{ from: [{ source: { remoteIpBlocks: ['10.2.0.0/16'] } }] }] }));
    expect(judge(deny, http('bar/sleep')).outcome).toBe('undecided');
    expect(judge(deny, tcp('bar/sleep')).outcome).toBe('connection-reset');
    const allow = world(authz('foo', 'a', { rules: [{ when: [{ key: 'remote.ip', values: ['1.2.3.4'] }] }] }));
    expect(judge(allow, http('bar/sleep')).outcome).toBe('undecided');
  });

  it('matches namespaces and notNamespaces', () => {
    const r = world(authz('foo', 'deny-other-ns', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['foo'] } }] }] }));
    expect(judge(r, http('foo/sleep')).allowed).toBe(true);
    expect(judge(r, http('bar/sleep')).outcome).toBe('http-403');
    // plain text has no namespace, so notNamespaces matches and the request is denied
    expect(judge(r, http('legacy/sleep')).outcome).toBe('http-403');
  });

  it('DENY wins over ALLOW; methods and paths with prefix/suffix matching', () => {
    const r = world(
      authz('foo', 'allow-all', { rules: [{}] }),
      authz('foo', 'deny-get-admin', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/admin*', '*/secret'] } }] }] }),
    );
    expect(judge(r, http('foo/sleep', 'GET', '/admin/users?x=1')).outcome).toBe('http-403');
    expect(judge(r, http('foo/sleep', 'GET', '/v1/secret')).outcome).toBe('http-403');
    expect(judge(r, http('foo/sleep', 'POST', '/admin/users')).allowed).toBe(true);
    expect(judge(r, http('foo/sleep', 'GET', '/ip')).allowed).toBe(true);
  });

  it('on plain TCP, an ALLOW rule with HTTP-only fields never matches', () => {
    const r = world(authz('foo', 'allow-get', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }));
    expect(judge(r, http('foo/sleep', 'GET')).allowed).toBe(true);
    expect(judge(r, tcp('foo/sleep')).outcome).toBe('connection-reset');
  });

  it('on plain TCP, a DENY rule loses its HTTP-only fields and denies more', () => {
    const r = world(authz('foo', 'deny-get', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], ports: ['8000'] } }] }] }));
    expect(judge(r, http('foo/sleep', 'POST')).allowed).toBe(true);
    expect(judge(r, tcp('foo/sleep')).outcome).toBe('connection-reset');
    expect(judge(r, tcp('foo/sleep', 9000)).allowed).toBe(true);
  });

  // An unknown source IP makes an ipBlocks match unknown, for ALLOW and DENY alike: the verdict
  // is undecided unless it is the same whichever way the match goes. (This test used to expect
  // "no match for ALLOW, a match for DENY", i.e. a refusal in both cases, which a proof of
  // "denied" would accept although the real caller, in the block or not, may be allowed.)
  it('counts an unknown source IP as an unknown match, for ALLOW and DENY', () => {
    const noIp = pod('foo', 'noip', { app: 'noip' });
    const allow = world(noIp, authz('foo', 'a', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] }));
    expect(judge(allow, http('foo/sleep')).allowed).toBe(true);
    const maybeAllowed = judge(allow, http('foo/noip'));
    expect(maybeAllowed.outcome).toBe('undecided');
    expect(maybeAllowed.stages.at(-1)!.decidedBy).toEqual([{ kind: 'AuthorizationPolicy', namespace: 'foo', name: 'a', rule: 'rules[0]' }]);
    const deny = world(noIp, authz('foo', 'd', { action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['192.168.0.0/16'] } }] }] }));
    expect(judge(deny, http('foo/sleep')).allowed).toBe(true);
    const unknown = judge(deny, http('foo/noip'));
    expect(unknown.outcome).toBe('undecided');
    expect(unknown.stages.at(-1)!.reason).toContain('cannot see');
  });

  it('root-namespace policies apply to the whole mesh, selectors across namespaces', () => {
    const r = world(authz('istio-system', 'mesh-deny', { action: 'DENY', selector: { matchLabels: { app: 'httpbin' } }, rules: [{ to: [{ operation: { paths: ['/forbidden'] } }] }] }));
    expect(judge(r, http('foo/sleep', 'GET', '/forbidden')).outcome).toBe('http-403');
    expect(judge(r, http('foo/sleep', 'GET', '/forbidden'), { istioRootNamespace: 'mesh-root' }).allowed).toBe(true);
  });

  it('leaves CUSTOM decisions to the external authorizer', () => {
    const r = world(authz('foo', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/api*'] } }] }] }));
    expect(judge(r, http('foo/sleep', 'GET', '/api/x')).outcome).toBe('undecided');
    expect(judge(r, http('foo/sleep', 'GET', '/api/x')).allowed).toBe(false);
    expect(judge(r, http('foo/sleep', 'GET', '/ip')).allowed).toBe(true);
  });

  it('rejects unknown condition keys and bad ports', () => {
    expect(() => world(authz('foo', 'bad', { rules: [{ when: [{ key: 'source.planet', values: ['earth'] }] }] }))).toThrow(ManifestError);
    expect(() => world(authz('foo', 'bad', { rules: [{ to: [{ operation: { ports: ['http'] } }] }] }))).toThrow(ManifestError);
    expect(() => world(authz('foo', 'bad', { action: 'MAYBE' }))).toThrow(ManifestError);
    expect(() => world(authz('foo', 'bad', { rules: [{ to: [{ operation: { ports: ['02222'] } }] }] }))).toThrow(/"02222" has a leading zero, which istiod reads away \(port 2222\)/);
    expect(() => world(authz('foo', 'bad', { rules: [{ from: [{ source: { ipBlocks: ['::ffff:10.0.0.1'] } }] }] }))).toThrow(/IPv4-mapped IPv6 address, which dataplanes read differently \(as 10\.0\.0\.1, or as IPv6 only\)/);
  });

  it('evaluates when conditions on headers and ports', () => {
    const r = world(authz('foo', 'v', { rules: [{ when: [{ key: 'request.headers[version]', values: ['v1', 'v2'] }, { key: 'destination.port', values: ['8000'] }] }] }));
    expect(judge(r, { ...http('foo/sleep'), http: { method: 'GET', path: '/', headers: { Version: 'v2' } } }).allowed).toBe(true);
    expect(judge(r, { ...http('foo/sleep'), http: { method: 'GET', path: '/', headers: { Version: 'v3' } } }).outcome).toBe('http-403');
    expect(judge(r, { ...http('foo/sleep'), http: { method: 'GET', path: '/', headers: {} } }).outcome).toBe('http-403');
    // a request that does not say its headers: the caller sends whichever it likes
    expect(judge(r, http('foo/sleep')).outcome).toBe('undecided');
  });

  it('reads a Host match as the caller\'s choice when the request does not say its Host: every HTTP request has one', () => {
    const r = world(authz('foo', 'h', { rules: [{ to: [{ operation: { hosts: ['*'] } }] }] }));
    expect(judge(r, http('foo/sleep')).outcome).toBe('undecided');
    expect(judge(r, { ...http('foo/sleep'), http: { method: 'GET', path: '/', host: 'httpbin' } }).allowed).toBe(true);
    const named = world(authz('foo', 'h', { rules: [{ to: [{ operation: { hosts: ['admin.example.com'] } }] }] }));
    expect(judge(named, { ...http('foo/sleep'), http: { method: 'GET', path: '/', host: 'httpbin' } }).outcome).toBe('http-403');
    expect(judge(named, { ...http('foo/sleep'), http: { method: 'GET', path: '/', host: 'Admin.Example.com' } }).allowed).toBe(true);
  });
});

describe('PeerAuthentication', () => {
  it('STRICT refuses clients without a sidecar, PERMISSIVE accepts plain text', () => {
    const strict = world(peerAuth('istio-system', 'default', { mtls: { mode: 'STRICT' } }));
    const refused = judge(strict, http('legacy/sleep'));
    expect(refused.outcome).toBe('mtls-refused');
    expect(refused.stages.at(-1)!.decidedBy).toEqual([{ kind: 'PeerAuthentication', namespace: 'istio-system', name: 'default' }]);
    expect(judge(strict, http('bar/sleep')).allowed).toBe(true);
    expect(judge(world(), http('legacy/sleep')).allowed).toBe(true);
  });

  it('workload and port level settings override the namespace', () => {
    const r = world(
      peerAuth('foo', 'ns-strict', { mtls: { mode: 'STRICT' } }),
      peerAuth('foo', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { 9000: { mode: 'DISABLE' } } }),
    );
    expect(judge(r, http('legacy/sleep', 'GET', '/', 8000)).outcome).toBe('mtls-refused');
    const disabled = judge(r, http('legacy/sleep', 'GET', '/', 9000));
    expect(disabled.allowed).toBe(true);
    expect(disabled.stages.find((s) => s.layer === 'Istio mTLS')!.decidedBy).toEqual([{ kind: 'PeerAuthentication', namespace: 'foo', name: 'httpbin', rule: 'portLevelMtls.9000' }]);
  });

  it('is undecided where competing policies at one level disagree (Istio takes the oldest, which manifests do not show)', () => {
    for (const [a, b] of [['STRICT', 'PERMISSIVE'], ['PERMISSIVE', 'STRICT'], ['STRICT', 'DISABLE']]) {
      const r = world(peerAuth('foo', 'one', { mtls: { mode: a } }), peerAuth('foo', 'two', { mtls: { mode: b } }));
      for (const src of ['legacy/sleep', 'bar/sleep']) {
        const j = judge(r, http(src));
        expect(j.outcome, `${a} ${b} ${src}`).toBe('undecided');
        expect(j.stages.find((s) => s.layer === 'Istio mTLS')!.reason).toMatch(/several namespace-wide PeerAuthentications .* disagree/);
      }
    }
    // agreeing ones decide as one; an UNSET one inherits the level below
    expect(judge(world(peerAuth('foo', 'one', { mtls: { mode: 'STRICT' } }), peerAuth('foo', 'two', { mtls: { mode: 'STRICT' } })), http('legacy/sleep')).outcome).toBe('mtls-refused');
    const unset = world(peerAuth('istio-system', 'default', { mtls: { mode: 'STRICT' } }), peerAuth('foo', 'one', { mtls: { mode: 'STRICT' } }), peerAuth('foo', 'two', { mtls: { mode: 'UNSET' } }));
    expect(judge(unset, http('legacy/sleep')).outcome).toBe('mtls-refused');
  });

  it('DISABLE means no peer identity for authorization', () => {
    const r = world(
      peerAuth('foo', 'off', { mtls: { mode: 'DISABLE' } }),
      authz('foo', 'allow-foo', { rules: [{ from: [{ source: { namespaces: ['foo'] } }] }] }),
    );
    expect(judge(r, http('foo/sleep')).outcome).toBe('http-403');
  });
});

describe('layers together', () => {
  it('names the NetworkPolicy when the network drops the connection first', () => {
    const r = world(netpol('foo', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }), authz('foo', 'allow-all', { rules: [{}] }));
    const v = judge(r, http('bar/sleep'));
    expect(v.outcome).toBe('dropped');
    expect(v.stages).toHaveLength(1);
    expect(v.stages[0]!.decidedBy).toEqual([{ kind: 'NetworkPolicy', namespace: 'foo', name: 'deny' }]);
  });

  it('Cilium L7 rules cannot judge Istio mTLS traffic', () => {
    const r = world(
      cnp('foo', 'l7', {
        endpointSelector: { matchLabels: { app: 'httpbin' } },
        ingress: [{ toPorts: [{ ports: [{ port: '8000', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }],
      }),
    );
    expect(judge(r, http('bar/sleep')).outcome).toBe('undecided');
    // without a sidecar on the client, the request is plain HTTP Cilium can read
    expect(judge(r, http('legacy/sleep', 'GET')).allowed).toBe(true);
    expect(judge(r, http('legacy/sleep', 'POST')).outcome).toBe('http-403');
  });
});

describe('Istio string matching', () => {
  it('supports exact, prefix, suffix, presence and path templates', () => {
    expect(matchString('abc', 'abc')).toBe(true);
    expect(matchString('ab*', 'abc')).toBe(true);
    expect(matchString('*bc', 'abc')).toBe(true);
    expect(matchString('*', 'x')).toBe(true);
    expect(matchString('*', '')).toBe(false);
    expect(matchString('*', undefined)).toBe(false);
    expect(matchString('Example.COM', 'example.com', true)).toBe(true);
    expect(matchPath('/foo/{*}/bar', '/foo/x/bar')).toBe(true);
    expect(matchPath('/foo/{*}/bar', '/foo/x/y/bar')).toBe(false);
    expect(matchPath('/foo/{**}', '/foo/x/y')).toBe(true);
    expect(matchPath('/ip', '/ip?x=1')).toBe(true);
  });
});

describe('what the analysis does not read', () => {
  it('refuses a Source or Operation field it does not read, such as serviceAccounts, rather than drop it', () => {
    // dropped, this DENY would read as "deny everyone but sleep" and hide the open ALLOW; Istio denies nobody here
    const deny = authz('foo', 'deny', { action: 'DENY', rules: [{ from: [{ source: { serviceAccounts: ['nobody/nobody'], notPrincipals: ['cluster.local/ns/foo/sa/sleep'] } }] }] });
    expect(() => world(authz('foo', 'open', { rules: [{}] }), deny)).toThrow(ManifestError);
    expect(() => world(authz('foo', 'open', { rules: [{}] }), deny)).toThrow(/from\[0\]\.source\.serviceAccounts: not supported by this analysis/);
    expect(() => world(authz('foo', 'x', { rules: [{ to: [{ operation: { ports: ['8000'], sni: ['a'] } }] }] }))).toThrow(/operation\.sni: not supported/);
  });

  it('passes over a policy annotated istio.io/dry-run, which Istio does not enforce, and says so', () => {
    const nothing = { ...authz('foo', 'nothing', {}), metadata: { name: 'nothing', namespace: 'foo', annotations: { 'istio.io/dry-run': 'true' } } };
    const r = world(nothing);
    expect(judge(r, tcp('bar/sleep')).outcome).toBe('allowed');
    expect(r.ignored).toContainEqual(expect.objectContaining({ kind: 'AuthorizationPolicy', name: 'nothing', reason: expect.stringMatching(/istio.io\/dry-run/) }));
    // enforced, the same policy denies
    expect(judge(world(authz('foo', 'nothing', {})), tcp('bar/sleep')).outcome).not.toBe('allowed');
    // the annotation is read as Go's ParseBool reads it
    for (const v of ['True', '1', 't']) expect(world({ ...nothing, metadata: { ...nothing.metadata, annotations: { 'istio.io/dry-run': v } } }).ignored, v).toHaveLength(1);
    expect(world({ ...nothing, metadata: { ...nothing.metadata, annotations: { 'istio.io/dry-run': 'yes' } } }).ignored).toHaveLength(0);
  });
});
