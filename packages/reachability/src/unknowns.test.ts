/**
 * What the manifests do not say is never resolved to a refusal (review-3 F2): a rule whose match
 * depends on an unknown (an address not known, the node a host-network pod runs on...) makes the
 * verdict `undecided`, unless the verdict is the same whichever way the unknown resolves.
 * Host-network cases are in hostnetwork.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deployment, netpol, ns, pod } from './__fixtures__/builders.ts';
import { authz, cnp } from './__fixtures__/mesh.ts';
import { judge } from './judge.ts';
import type { RequestQuery } from './judge.ts';
import { buildResources } from './resources.ts';

const cli = deployment('b', 'cli', { app: 'cli' });
const dns = { toEndpoints: [{}], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }] };
const toName = (fqdn: string, ip?: string, port = 443): RequestQuery => ({ src: 'b/cli', dst: { fqdn, ...(ip ? { ip } : {}) }, protocol: 'TCP', port });
const egressOf = (spec: Record<string, unknown>) => cnp('b', 'cli', { endpointSelector: { matchLabels: { app: 'cli' } }, ...spec });

describe('Cilium: a destination known only by name against CIDR rules', () => {
  it('review-3 D2: a CIDR deny rule that may contain the address leaves the verdict undecided', () => {
    const r = buildResources([cli, egressOf({ egressDeny: [{ toCIDR: ['198.51.100.0/24'] }], egress: [{ toFQDNs: [{ matchName: 'api.example.com' }] }, dns] })]);
    const v = judge(r, toName('api.example.com'));
    expect(v.outcome).toBe('undecided');
    expect(v.stages[0]!.decidedBy).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'b', name: 'cli', rule: 'egressDeny[0]' }]);
    expect(judge(r, toName('api.example.com', '203.0.113.9')).outcome).toBe('allowed');
    expect(judge(r, toName('api.example.com', '198.51.100.9')).outcome).toBe('dropped');
  });

  it('a CIDR allow rule that may contain the address leaves the verdict undecided; one that contains every address allows', () => {
    const r = (cidrs: string[]) => buildResources([cli, egressOf({ egress: [{ toCIDR: cidrs }] })]);
    expect(judge(r(['198.51.100.0/24']), toName('x.example')).outcome).toBe('undecided');
    expect(judge(r(['0.0.0.0/0']), toName('x.example')).outcome).toBe('undecided'); // IPv6 is not in it
    expect(judge(r(['0.0.0.0/0', '::/0']), toName('x.example')).outcome).toBe('allowed');
    expect(judge(r(['198.51.100.0/24']), toName('x.example', '198.51.100.1')).outcome).toBe('allowed');
    expect(judge(r(['198.51.100.0/24']), toName('x.example', '203.0.113.1')).outcome).toBe('dropped');
  });

  it('stays refused when no rule could allow it whatever the address (a refusal for another, certain reason)', () => {
    const r = buildResources([cli, egressOf({ egressDeny: [{ toCIDR: ['198.51.100.0/24'] }], egress: [{ toEndpoints: [{}] }] })]);
    const v = judge(r, toName('x.example'));
    expect(v.outcome).toBe('dropped');
    expect(v.stages[0]!.reason).toContain('default-deny');
  });

  it('stays allowed when an allow rule matches for certain and no deny rule could apply', () => {
    const r = buildResources([cli, egressOf({ egress: [{ toFQDNs: [{ matchName: 'api.example.com' }] }, dns, { toCIDR: ['198.51.100.0/24'] }] })]);
    expect(judge(r, toName('api.example.com')).outcome).toBe('allowed');
    expect(judge(r, toName('other.example')).outcome).toBe('undecided');
  });

  it('a NetworkPolicy ipBlock under Cilium is a CIDR rule too (as ztp emits for declared CIDR egress)', () => {
    const np = netpol('b', 'egress', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }],
    });
    const r = buildResources([cli, np, egressOf({ egress: [{ toFQDNs: [{ matchName: 'api.example.com' }] }, dns] })]);
    // whatever the name resolves to, a public IPv4 address on 443 is allowed by the ipBlock
    const v = judge(r, toName('undeclared.example'));
    expect(v.outcome).toBe('undecided');
    expect(v.stages[0]!.decidedBy).toEqual([{ kind: 'NetworkPolicy', namespace: 'b', name: 'egress', rule: 'egress[0]' }]);
    expect(judge(r, toName('undeclared.example', '203.0.113.1')).outcome).toBe('allowed');
    expect(judge(r, toName('undeclared.example', '10.1.1.1')).outcome).toBe('dropped');
    // on a port the ipBlock does not cover, only the FQDN rule could allow: refused for certain
    expect(judge(r, toName('undeclared.example', undefined, 8443)).outcome).toBe('dropped');
  });

  it('on the Kubernetes dataplane, an egress ipBlock that may contain the address leaves the verdict undecided', () => {
    const np = (to: Record<string, unknown>[]) => buildResources([cli, netpol('b', 'egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to, ports: [{ port: 443 }] }] })]);
    const k8s = { dataplane: 'kubernetes' } as const;
    expect(judge(np([{ ipBlock: { cidr: '198.51.100.0/24' } }]), toName('x.example'), k8s).outcome).toBe('undecided');
    expect(judge(np([{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]), toName('x.example'), k8s).outcome).toBe('allowed');
    expect(judge(np([{ podSelector: {} }]), toName('x.example'), k8s).outcome).toBe('dropped');
    expect(judge(np([{ ipBlock: { cidr: '198.51.100.0/24' } }]), toName('x.example', undefined, 80), k8s).outcome).toBe('dropped');
  });

  it('a verdict for a name without address is definite only when every address gives it', () => {
    const cidrs = ['198.51.100.0/24', '0.0.0.0/0', '2001:db8::/32', '::/0', '203.0.113.0/24'];
    const addresses = ['198.51.100.7', '203.0.113.5', '8.8.8.8', '2001:db8::1', '2606:4700::1'];
    const rule = fc.record({ kind: fc.constantFrom('allow', 'deny', 'np'), cidrs: fc.subarray(cidrs, { minLength: 1 }), port: fc.option(fc.constantFrom(443, 80), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), fc.boolean(), (rules, defaultDeny) => {
        const toPorts = (port: number | undefined) => (port === undefined ? {} : { toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }] });
        const spec = {
          endpointSelector: { matchLabels: { app: 'cli' } },
          // a rule towards no pod, so the spec is never empty
          egress: [{ toEndpoints: [{ matchLabels: { app: 'nobody' } }] }, ...rules.filter((x) => x.kind === 'allow').map((x) => ({ toCIDR: x.cidrs, ...toPorts(x.port) }))],
          egressDeny: rules.filter((x) => x.kind === 'deny').map((x) => ({ toCIDR: x.cidrs, ...toPorts(x.port) })),
          enableDefaultDeny: { egress: defaultDeny },
        };
        const nps = rules
          .filter((x) => x.kind === 'np')
          .map((x, i) => netpol('b', `np-${i}`, { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: x.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ...(x.port ? { ports: [{ port: x.port }] } : {}) }] }));
        const r = buildResources([cli, cnp('b', 'cli', spec), ...nps]);
        const byName = judge(r, toName('x.example')).outcome;
        if (byName === 'undecided') return;
        for (const ip of addresses) expect(judge(r, toName('x.example', ip)).outcome, `${byName} for the name, at ${ip}`).toBe(byName);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Istio: attributes the analysis cannot see', () => {
  const nsA = ns('a', { 'istio-injection': 'enabled' });
  const srv = deployment('a', 'srv', { app: 'srv' });
  const noIpCaller = deployment('a', 'cli', { app: 'cli' });
  const inside = pod('a', 'inside', { app: 'inside' }, { ip: '10.1.2.3' });
  const outside = pod('a', 'outside', { app: 'outside' }, { ip: '192.168.1.1' });
  const q = (src: string): RequestQuery => ({ src, dst: 'a/srv', protocol: 'TCP', port: 8080 });
  const denyNotIn = authz('a', 'deny', { selector: { matchLabels: { app: 'srv' } }, action: 'DENY', rules: [{ from: [{ source: { notIpBlocks: ['10.0.0.0/8'] } }] }] });

  it('review-3 C3: a DENY with notIpBlocks against a caller without a known IP is undecided', () => {
    const r = buildResources([nsA, srv, noIpCaller, inside, outside, denyNotIn]);
    const v = judge(r, q('a/cli'));
    expect(v.outcome).toBe('undecided');
    expect(v.stages.at(-1)!.decidedBy).toEqual([{ kind: 'AuthorizationPolicy', namespace: 'a', name: 'deny', rule: 'rules[0]' }]);
    expect(judge(r, q('a/inside')).outcome).toBe('allowed');
    expect(judge(r, q('a/outside')).outcome).toBe('connection-reset');
  });

  it('review-3 C1: an ALLOW with ipBlocks against a caller without a known IP is undecided (not a refusal)', () => {
    const allowAll = authz('a', 'srv', { selector: { matchLabels: { app: 'srv' } }, action: 'ALLOW', rules: [{ from: [{ source: { ipBlocks: ['0.0.0.0/0'] } }], to: [{ operation: { ports: ['8080'] } }] }] });
    const r = buildResources([nsA, srv, noIpCaller, inside, allowAll]);
    expect(judge(r, q('a/cli')).outcome).toBe('undecided');
    expect(judge(r, q('a/inside')).outcome).toBe('allowed');
  });

  it('an unknown DENY match is a certain refusal when ALLOW policies apply and none can match', () => {
    const allowOther = authz('a', 'allow-other', { selector: { matchLabels: { app: 'srv' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/x/sa/y'] } }] }] });
    const v = judge(buildResources([nsA, srv, noIpCaller, denyNotIn, allowOther]), q('a/cli'));
    expect(v.outcome).toBe('connection-reset');
    expect(v.stages.at(-1)!.reason).toBe('ALLOW policies apply and none matches');
  });

  it('an unknown DENY match next to a certain ALLOW match is undecided; an unknown ALLOW match next to a certain one is allowed', () => {
    const allowAll = authz('a', 'allow-all', { selector: { matchLabels: { app: 'srv' } }, rules: [{}] });
    expect(judge(buildResources([nsA, srv, noIpCaller, denyNotIn, allowAll]), q('a/cli')).outcome).toBe('undecided');
    const maybe = authz('a', 'maybe', { selector: { matchLabels: { app: 'srv' } }, rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] });
    expect(judge(buildResources([nsA, srv, noIpCaller, maybe, allowAll]), q('a/cli')).outcome).toBe('allowed');
  });

  it('conditions on attributes never known (the TLS SNI) leave an ALLOW undecided', () => {
    const sni = authz('a', 'sni', { selector: { matchLabels: { app: 'srv' } }, rules: [{ when: [{ key: 'connection.sni', values: ['srv.example'] }] }] });
    expect(judge(buildResources([nsA, srv, inside, sni]), q('a/inside')).outcome).toBe('undecided');
  });

  it('a CUSTOM policy cannot make a certain refusal undecided', () => {
    const custom = authz('a', 'ext', { selector: { matchLabels: { app: 'srv' } }, action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] });
    const deny = authz('a', 'deny-all', { selector: { matchLabels: { app: 'srv' } }, action: 'DENY', rules: [{}] });
    expect(judge(buildResources([nsA, srv, inside, custom]), q('a/inside')).outcome).toBe('undecided');
    const v = judge(buildResources([nsA, srv, inside, custom, deny]), q('a/inside'));
    expect(v.outcome).toBe('connection-reset');
    expect(v.stages.at(-1)!.decidedBy).toEqual([{ kind: 'AuthorizationPolicy', namespace: 'a', name: 'deny-all', rule: 'rules[0]' }]);
  });
});
