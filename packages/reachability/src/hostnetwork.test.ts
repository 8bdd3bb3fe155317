import { describe, expect, it } from 'vitest';
import { netpol, pod } from './__fixtures__/builders.ts';
import { ccnp, cnp } from './__fixtures__/mesh.ts';
import { connlist } from './connlist.ts';
import { judge } from './judge.ts';
import { buildResources } from './resources.ts';
import { verdict } from './verdict.ts';

function hostPod(name: string, labels: Record<string, string>, ip: string) {
  const p = pod('a', name, labels, { ip });
  return { ...p, spec: { ...(p.spec as object), hostNetwork: true } };
}

const hostAgent = hostPod('agent', { app: 'agent' }, '192.168.0.10');
const db = pod('a', 'db', { app: 'db' }, { ip: '10.0.0.5' });
const q = (src: string, dst: string) => ({ src, dst, protocol: 'TCP' as const, port: 5432 });

describe('host-network pods and NetworkPolicy', () => {
  it('selectors match them only in the as-pods reading', () => {
    const r = buildResources([hostAgent, db, netpol('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'agent' } } }] }] })]);
    expect(verdict(r, q('a/agent', 'a/db')).allowed).toBe(false);
    expect(verdict(r, q('a/agent', 'a/db'), { hostNetwork: 'as-node' }).allowed).toBe(false);
    expect(verdict(r, q('a/agent', 'a/db'), { hostNetwork: 'as-pods' }).allowed).toBe(true);
    expect(connlist(r).some((e) => e.src.name === 'a/agent[Pod]' && e.dst.name === 'a/db[Pod]')).toBe(false);
    expect(connlist(r, { hostNetwork: 'as-pods' }).some((e) => e.src.name === 'a/agent[Pod]' && e.dst.name === 'a/db[Pod]')).toBe(true);
  });

  it('ipBlocks match their (node) IP in every reading', () => {
    const r = buildResources([hostAgent, db, netpol('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/24' } }] }] })]);
    for (const mode of ['intersection', 'as-pods', 'as-node'] as const) expect(verdict(r, q('a/agent', 'a/db'), { hostNetwork: mode }).allowed).toBe(true);
  });

  it('policies selecting them apply, except in the as-node reading', () => {
    const r = buildResources([hostAgent, db, netpol('a', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
    expect(verdict(r, q('a/db', 'a/agent')).allowed).toBe(false);
    expect(verdict(r, q('a/agent', '8.8.8.8')).allowed).toBe(false);
    expect(verdict(r, q('a/agent', '8.8.8.8'), { hostNetwork: 'as-node' }).allowed).toBe(true);
    expect(verdict(r, q('a/agent', '8.8.8.8'), { hostNetwork: 'as-pods' }).allowed).toBe(false);
  });
});

describe('host-network pods on Cilium', () => {
  const ingressFrom = (rule: Record<string, unknown>) => cnp('a', 'db', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [rule] });

  // A host-network pod has the `host` identity seen from a pod on its own node (where Cilium's
  // default allow-localhost may also admit it) and `remote-node` from any other node; the
  // manifests do not say which node it runs on. A verdict that differs between the two is
  // therefore undecided, never refused: a refusal would let a proof of "denied" accept a
  // connection the dataplane allows whenever the two pods share a node. (These tests used to
  // expect a refusal: "one alone is not enough to allow / one alone is enough to deny".)
  it('have the host or remote-node identity: a rule matching only one of them leaves the verdict undecided', () => {
    const host = judge(buildResources([hostAgent, db, ingressFrom({ fromEntities: ['host'] })]), q('a/agent', 'a/db'));
    expect(host.outcome).toBe('undecided');
    expect(host.allowed).toBe(false);
    expect(host.stages[0]!.decidedBy).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'db', rule: 'ingress[0]' }]);
    expect(judge(buildResources([hostAgent, db, ingressFrom({ fromEntities: ['host', 'remote-node'] })]), q('a/agent', 'a/db')).outcome).toBe('allowed');
    expect(judge(buildResources([hostAgent, db, ingressFrom({ fromEntities: ['cluster'] })]), q('a/agent', 'a/db')).outcome).toBe('allowed');
    // review-3 B1: no rule admits it, but on db's node allow-localhost (agent configuration) may
    const local = judge(buildResources([hostAgent, db, ingressFrom({ fromEndpoints: [{ matchLabels: { app: 'agent' } }] })]), q('a/agent', 'a/db'));
    expect(local.outcome).toBe('undecided');
    expect(local.stages[0]!.reason).toContain('allow-localhost');
    // remote-node alone: allowed from other nodes, only allow-localhost decides on the same node
    expect(judge(buildResources([hostAgent, db, ingressFrom({ fromEntities: ['remote-node'] })]), q('a/agent', 'a/db')).outcome).toBe('undecided');
  });

  it('a deny rule matching only one of the identities leaves the verdict undecided, unless refused in both', () => {
    const denyHost = (extra: Record<string, unknown>) =>
      buildResources([hostAgent, db, cnp('a', 'deny-host', { endpointSelector: { matchLabels: { app: 'db' } }, ingressDeny: [{ fromEntities: ['host'] }], ...extra })]);
    // not default-deny: remote-node is allowed, host is denied
    expect(judge(denyHost({ enableDefaultDeny: { ingress: false } }), q('a/agent', 'a/db')).outcome).toBe('undecided');
    // default deny and no allow rule for nodes: refused in both worlds (denied on the same node, not allowed from others)
    const both = judge(denyHost({ ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] }), q('a/agent', 'a/db'));
    expect(both.outcome).toBe('dropped');
    expect(both.stages[0]!.decidedBy).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'deny-host', rule: 'ingressDeny[0]' }]);
    // denied for host, allowed for remote-node by a rule: undecided
    expect(judge(denyHost({ ingress: [{ fromEntities: ['remote-node'] }] }), q('a/agent', 'a/db')).outcome).toBe('undecided');
    // denied for both
    const all = buildResources([hostAgent, db, cnp('a', 'deny-nodes', { endpointSelector: { matchLabels: { app: 'db' } }, ingressDeny: [{ fromEntities: ['host', 'remote-node'] }], enableDefaultDeny: { ingress: false } })]);
    expect(judge(all, q('a/agent', 'a/db')).outcome).toBe('dropped');
  });

  it('L7 rules that differ between the identities leave HTTP requests undecided, not the connection', () => {
    const r = buildResources([
      hostAgent,
      db,
      cnp('a', 'db', {
        endpointSelector: { matchLabels: { app: 'db' } },
        ingress: [
          { fromEntities: ['host', 'remote-node'], toPorts: [{ ports: [{ port: '5432', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] },
          { fromEntities: ['remote-node'] },
        ],
      }),
    ]);
    expect(judge(r, q('a/agent', 'a/db')).outcome).toBe('allowed');
    const v = judge(r, { ...q('a/agent', 'a/db'), http: { method: 'POST', path: '/' } });
    expect(v.outcome).toBe('undecided');
    expect(v.stages.map((s) => `${s.layer}:${s.result}`)).toEqual(['Cilium:allow', 'Cilium L7:undecided']);
  });

  it('an undecided network layer still gives a refusal when a later layer refuses for certain', () => {
    const meshed = buildResources([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'istio-injection': 'enabled' } } },
      hostAgent,
      db,
      ingressFrom({ fromEntities: ['host'] }),
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'a' }, spec: { mtls: { mode: 'STRICT' } } },
    ]);
    // host-network pods get no sidecar, so STRICT refuses them whichever identity Cilium sees
    const v = judge(meshed, q('a/agent', 'a/db'));
    expect(v.outcome).toBe('mtls-refused');
    expect(v.stages.map((s) => `${s.layer}:${s.result}`)).toEqual(['Cilium:undecided', 'Istio mTLS:deny']);
  });

  it('are not Cilium endpoints: policies selecting them do not apply, unless host policies make it undecided', () => {
    const selectAgent = cnp('a', 'agent', { endpointSelector: { matchLabels: { app: 'agent' } }, ingress: [{}] });
    expect(judge(buildResources([hostAgent, db, selectAgent]), q('a/db', 'a/agent')).allowed).toBe(true);
    const hostPolicy = ccnp('host-fw', { nodeSelector: {}, ingress: [{ fromEntities: ['cluster'] }] });
    const v = judge(buildResources([hostAgent, db, selectAgent, hostPolicy]), q('a/db', 'a/agent'));
    expect(v.outcome).toBe('undecided');
    expect(v.stages[0]!.decidedBy).toEqual([{ kind: 'CiliumClusterwideNetworkPolicy', name: 'host-fw' }]);
  });
});
