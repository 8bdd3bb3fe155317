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

  it('have the host or remote-node identity: one alone is not enough to allow', () => {
    expect(judge(buildResources([hostAgent, db, ingressFrom({ fromEntities: ['host'] })]), q('a/agent', 'a/db')).allowed).toBe(false);
    expect(judge(buildResources([hostAgent, db, ingressFrom({ fromEntities: ['host', 'remote-node'] })]), q('a/agent', 'a/db')).allowed).toBe(true);
    expect(judge(buildResources([hostAgent, db, ingressFrom({ fromEntities: ['cluster'] })]), q('a/agent', 'a/db')).allowed).toBe(true);
    expect(judge(buildResources([hostAgent, db, ingressFrom({ fromEndpoints: [{ matchLabels: { app: 'agent' } }] })]), q('a/agent', 'a/db')).allowed).toBe(false);
  });

  it('one alone is enough to deny', () => {
    const r = buildResources([
      hostAgent,
      db,
      cnp('a', 'deny-host', { endpointSelector: { matchLabels: { app: 'db' } }, ingressDeny: [{ fromEntities: ['host'] }], enableDefaultDeny: { ingress: false } }),
    ]);
    expect(judge(r, q('a/agent', 'a/db')).outcome).toBe('dropped');
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
