import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { egress, flow, fromCidr, fromNamespace, toCidr, toFqdn } from '@ztp/model';
import { ipBlockExcept, toIR } from './ir.ts';
import { CERTS, CLUSTER_CIDRS, env, irOf, NO_MESH, shop } from './testing.ts';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

describe('toIR', () => {
  it('makes source locations relative to the root however the root is written', () => {
    const { web, db } = shop();
    const e = env({ workloads: [web, db] });
    const expected = relative(REPO, fileURLToPath(new URL('testing.ts', import.meta.url)));
    for (const root of [REPO, REPO + '/', relative(process.cwd(), REPO) || '.']) {
      const ir = toIR(e, root);
      expect(ir.workloads.map((w) => w.origin.replace(/:\d+$/, ''))).toEqual([expected, expected]);
      expect(ir.envOrigin).toMatch(/^packages\/compiler\/src\/testing\.ts:\d+$/);
    }
  });
});

describe('ipBlockExcept', () => {
  it('adds the cluster ranges strictly inside the CIDR, sorted by address, without duplicates or covered ranges', () => {
    expect(ipBlockExcept('0.0.0.0/0', [], CLUSTER_CIDRS)).toEqual(['10.96.0.0/12', '10.244.0.0/16']);
    expect(ipBlockExcept('0.0.0.0/0', ['192.168.0.0/16', '10.244.0.0/16'], ['10.244.0.0/16', '10.96.0.0/12'])).toEqual(['10.96.0.0/12', '10.244.0.0/16', '192.168.0.0/16']);
    // a range inside another one of the list adds nothing
    expect(ipBlockExcept('0.0.0.0/0', ['10.0.0.0/8'], CLUSTER_CIDRS)).toEqual(['10.0.0.0/8']);
    expect(ipBlockExcept('10.0.0.0/8', [], ['10.244.0.0/16', '10.244.128.0/17'])).toEqual(['10.244.0.0/16']);
    // outside the CIDR, of the other family, or the CIDR itself: never an except
    expect(ipBlockExcept('203.0.113.0/24', [], CLUSTER_CIDRS)).toEqual([]);
    expect(ipBlockExcept('10.244.0.0/16', [], CLUSTER_CIDRS)).toEqual([]);
    expect(ipBlockExcept('::/0', [], CLUSTER_CIDRS)).toEqual(['fd00:10:244::/56']);
  });
});

describe('CIDR peers and destinations in the IR', () => {
  const { web, db } = shop();
  const props = {
    mesh: NO_MESH,
    certificates: CERTS,
    clusterCidrs: CLUSTER_CIDRS,
    workloads: [web, db],
    flows: [flow({ from: [fromCidr('10.0.0.0/8'), fromCidr('203.0.113.0/24'), fromNamespace('edge')], to: web, ports: ['http'] })],
    egress: [egress({ from: web, to: [toCidr('0.0.0.0/0', ['192.168.0.0/16']), toCidr('::/0'), toFqdn('api.example.com')], ports: [443] })],
  };

  it("with cni 'kubernetes', excepts the cluster ranges inside each CIDR caller and destination", () => {
    const ir = irOf({ ...props, cni: 'kubernetes' });
    expect(ir.allows.map((a) => a.source)).toEqual([
      { kind: 'cidr', cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/16'], meshExcept: ['10.96.0.0/12', '10.244.0.0/16'] },
      { kind: 'cidr', cidr: '203.0.113.0/24', except: [], meshExcept: [] },
      { kind: 'namespace', namespace: 'edge', managed: false },
    ]);
    expect(ir.egress.map((e) => e.to)).toEqual([
      { type: 'cidr', cidr: '0.0.0.0/0', except: ['10.96.0.0/12', '10.244.0.0/16', '192.168.0.0/16'] },
      { type: 'cidr', cidr: '::/0', except: ['fd00:10:244::/56'] },
      { type: 'fqdn', fqdn: 'api.example.com' },
    ]);
  });

  it('under Cilium, whose CIDR rules never match pods, keeps the declared ranges as they are', () => {
    const ir = irOf({ ...props, cni: 'cilium' });
    expect(ir.allows.map((a) => (a.source.kind === 'cidr' ? a.source.except : undefined))).toEqual([[], [], undefined]);
    expect(ir.egress.map((e) => (e.to.type === 'cidr' ? e.to.except : undefined))).toEqual([['192.168.0.0/16'], [], undefined]);
  });

  it("excepts the cluster ranges from a CIDR caller's mesh rule under every CNI (Istio's ipBlocks match pod IPs)", () => {
    const meshExcept = (over: { cni: 'cilium' | 'kubernetes'; clusterCidrs?: string[] }) => irOf({ ...props, ...over }).allows.map((a) => (a.source.kind === 'cidr' ? a.source.meshExcept : undefined));
    expect(meshExcept({ cni: 'cilium' })).toEqual([['10.96.0.0/12', '10.244.0.0/16'], [], undefined]);
    expect(meshExcept({ cni: 'kubernetes' })).toEqual([['10.96.0.0/12', '10.244.0.0/16'], [], undefined]);
    // without clusterCidrs (allowed under Cilium) there is nothing to except
    expect(meshExcept({ cni: 'cilium', clusterCidrs: [] })).toEqual([[], [], undefined]);
  });
});
