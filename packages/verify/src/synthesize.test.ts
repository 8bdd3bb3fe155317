import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@ztp/compiler';
import { defineEnvironment, egress, flow, fromCidr, fromNamespace, toCidr, workload } from '@ztp/model';
import { readBundle } from './bundle-manifest.ts';
import { egressProbeAddresses, externalCallerAddresses, inCidr, podAddresses } from './expectations.ts';
import { synthesize } from './synthesize.ts';

const DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 };
const CERTS = { issuer: { kind: 'ClusterIssuer' as const, name: 'ca' }, duration: '1h', renewBefore: '30m' };
const NO_MESH = { mode: 'none' as const, mtls: 'DISABLE' as const, istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };

function manifest(clusterCidrs?: string[], cni: 'kubernetes' | 'cilium' = 'kubernetes') {
  const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
  const db = workload({ namespace: 'data', name: 'db', ports: { pg: { port: 5432 } } });
  const env = defineEnvironment({
    name: 'x',
    cni,
    ...(clusterCidrs ? { clusterCidrs } : {}),
    mesh: NO_MESH,
    certificates: CERTS,
    dns: DNS,
    enforcement: 'enforce',
    phase: 2,
    namespaces: ['shop', 'data'],
    workloads: [web, db],
    flows: [flow({ from: [fromCidr('0.0.0.0/0'), fromNamespace('edge')], to: web, ports: ['http'] }), flow({ from: web, to: db, ports: ['pg'] })],
    egress: [egress({ from: web, to: toCidr('0.0.0.0/0'), ports: [443] })],
  });
  return readBundle(compileEnvironment(env, '/repo')).manifest;
}

describe('synthesize', () => {
  it('places impostors under names of their own: copies whose namespace and name would run together stay two pods', () => {
    const m = manifest(undefined, 'cilium');
    const c = { id: 'a-b/c', name: 'c', namespace: 'a-b' };
    const bc = { id: 'a/b-c', name: 'b-c', namespace: 'a' };
    const w0 = m.workloads[0]!;
    const collide = { ...m, workloads: [{ ...w0, ...c, labels: { app: 'c' } }, { ...w0, ...bc, labels: { app: 'b-c' } }] };
    const impostors = synthesize(collide).peers.filter((p) => p.kind === 'impostor' && p.imitates !== undefined && p.imitates.includes('/'));
    expect(impostors.map((p) => [p.ref, p.imitates])).toEqual([
      ['ztp-verify-outsider/ztp-impostor-a-b-c[Deployment]', 'a-b/c'],
      ['ztp-verify-outsider/ztp-impostor-a-b-c-2[Deployment]', 'a/b-c'],
    ]);
    expect(new Set(synthesize(collide).peers.map((p) => p.ref)).size).toBe(synthesize(collide).peers.length);
  });

  it('gives every pod a distinct address in the IPv4 cluster ranges in turn, none a probed external address', () => {
    const m = manifest(['fd00:10:244::/56', '10.244.0.0/16', '10.96.0.0/12']);
    expect(m.clusterCidrs).toEqual(['fd00:10:244::/56', '10.244.0.0/16', '10.96.0.0/12']);
    const { objects, peers } = synthesize(m, { addresses: true });
    const ips = peers.map((p) => p.ip);
    expect(ips.every((ip) => ip !== undefined && (inCidr(ip, '10.244.0.0/16') || inCidr(ip, '10.96.0.0/12')))).toBe(true);
    // pods in every range, undeclared ones too: an ipBlock that fails to except one of them admits them
    for (const range of ['10.244.0.0/16', '10.96.0.0/12']) expect(peers.filter((p) => p.kind !== 'workload' && inCidr(p.ip!, range)).length, range).toBeGreaterThan(2);
    expect(new Set(ips).size).toBe(peers.length);
    const probed = new Set([...externalCallerAddresses(m), ...egressProbeAddresses(m)]);
    expect(probed).toContain('10.244.0.1'); // the address the proof probes in the excepted range
    expect(ips.filter((ip) => probed.has(ip!))).toEqual([]);
    expect(ips.slice(0, 2)).toEqual(['10.244.0.2', '10.96.0.2']); // counting up from the first usable address of each, skipping the probed ones
    // Pods named after their Deployment, as the reachability engine names the workload
    const pods = objects.filter((o) => o.kind === 'Pod') as { metadata: { name: string; ownerReferences: { kind: string; name: string; controller: boolean }[] }; status: { podIP: string } }[];
    expect(pods.length).toBe(peers.length);
    expect(objects.some((o) => o.kind === 'Deployment')).toBe(false);
    for (const p of pods) expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: p.metadata.name, controller: true })]);
    expect(pods.map((p) => p.status.podIP)).toEqual(ips);
  });

  it('is unchanged without the option, or without clusterCidrs (Deployments, no address)', () => {
    const with_ = manifest(['10.244.0.0/16']);
    const without = manifest(undefined, 'cilium'); // optional under Cilium
    expect('clusterCidrs' in without).toBe(false);
    for (const s of [synthesize(with_), synthesize(without, { addresses: true })]) {
      expect(s.peers.every((p) => p.ip === undefined)).toBe(true);
      expect(s.objects.some((o) => o.kind === 'Pod')).toBe(false);
    }
    expect(synthesize(without, { addresses: true })).toEqual(synthesize(without));
  });

  it('counts on into the next IPv4 range when the first is full', () => {
    // the ranges in turn: pods sit in every range
    expect([...podAddresses(['10.0.0.0/30', 'fd00::/64', '10.1.0.0/29'], new Set(['10.1.0.2']))]).toEqual(['10.0.0.1', '10.1.0.1', '10.0.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5', '10.1.0.6']);
  });
});
