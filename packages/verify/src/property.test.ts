import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@ztp/compiler';
import { defineEnvironment, egress, flow, fromCidr, fromNamespace, InputError, toCidr, toFqdn, workload, type FlowSource, type MeshSettings, type PortProps, type Workload } from '@ztp/model';
import { formatReport } from './format.ts';
import { verifyBundle } from './verify.ts';

const PORTS: Record<string, PortProps> = {
  http: { port: 8080, appProtocol: 'http' },
  grpc: { port: 9000, appProtocol: 'grpc' },
  pg: { port: 5432 },
  stats: { port: 5353, protocol: 'UDP' },
};
const MESHES: Record<string, MeshSettings> = {
  none: { mode: 'none', mtls: 'DISABLE', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } },
  strict: { mode: 'istio-sidecar', mtls: 'STRICT', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } },
  permissive: { mode: 'istio-sidecar', mtls: 'PERMISSIVE', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } },
};

/** A random intent, as plain data (so fast-check can shrink it to a minimal failing one). */
const intent = fc.record({
  namespaces: fc.integer({ min: 1, max: 3 }),
  workloads: fc.array(fc.record({ ns: fc.nat(2), ports: fc.subarray(Object.keys(PORTS), { minLength: 0, maxLength: 3 }) }), { minLength: 1, maxLength: 5 }),
  cni: fc.constantFrom('cilium', 'kubernetes'),
  mesh: fc.constantFrom('none', 'strict', 'permissive'),
  phase: fc.constantFrom(1, 2, 3, 4),
  flows: fc.array(
    fc.record({ from: fc.oneof(fc.record({ w: fc.nat(4) }), fc.record({ ns: fc.constantFrom('a', 'b', 'c', 'edge') }), fc.constant({ cidr: true })), to: fc.nat(4), ports: fc.nat(7), http: fc.boolean() }),
    { maxLength: 6 },
  ),
  egress: fc.array(fc.record({ from: fc.oneof(fc.record({ w: fc.nat(4) }), fc.record({ ns: fc.nat(2) })), to: fc.constantFrom('internet', 'partner', 'fqdn'), ports: fc.constantFrom([443], [443, 8443]) }), { maxLength: 2 }),
});

type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

function build(i: Intent) {
  const nss = ['a', 'b', 'c'].slice(0, i.namespaces);
  const ws: Workload[] = i.workloads.map((w, n) =>
    workload({ namespace: nss[w.ns % nss.length]!, name: `w${n}`, ports: Object.fromEntries(w.ports.map((p) => [p, PORTS[p]!])) }),
  );
  const flows = i.flows.flatMap((f) => {
    const to = ws[f.to % ws.length]!;
    const names = Object.keys(to.ports);
    if (names.length === 0) return [];
    const ports = names.filter((_, k) => (f.ports >> k) & 1);
    const chosen = ports.length > 0 ? ports : [names[0]!];
    const from: FlowSource = 'w' in f.from ? ws[f.from.w % ws.length]! : 'ns' in f.from ? fromNamespace(f.from.ns) : fromCidr('172.16.0.0/12');
    const httpOk = chosen.every((p) => to.ports[p]?.appProtocol !== 'tcp');
    return [flow({ from, to, ports: chosen, ...(f.http && httpOk ? { http: [{ methods: ['GET' as const], paths: ['/api/*'] }] } : {}) })];
  });
  const egresses = i.egress.map((e) =>
    egress({
      from: 'w' in e.from ? ws[e.from.w % ws.length]! : fromNamespace(nss[e.from.ns % nss.length]!),
      to: e.to === 'internet' ? toCidr('0.0.0.0/0', ['10.0.0.0/8', '192.168.0.0/16']) : e.to === 'partner' ? toCidr('198.51.100.0/24') : toFqdn('api.example.com'),
      ports: e.ports,
    }),
  );
  return defineEnvironment({
    name: 'random',
    cni: i.cni as 'cilium' | 'kubernetes',
    // the pod and service ranges; an ipBlock matches pods with cni 'kubernetes', so they are excepted
    clusterCidrs: ['172.20.0.0/16', '10.96.0.0/12'],
    mesh: MESHES[i.mesh]!,
    ...(i.mesh === 'none' ? { certificates: { issuer: { kind: 'ClusterIssuer' as const, name: 'ca' }, duration: '1h', renewBefore: '30m' } } : {}),
    dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 },
    enforcement: 'enforce',
    phase: i.phase as 1 | 2 | 3 | 4,
    namespaces: nss,
    workloads: ws,
    flows,
    egress: egresses,
  });
}

describe('compiled bundles allow exactly their intent', () => {
  it('for random intents (every valid one compiles to a bundle that verifies)', () => {
    let compiled = 0;
    fc.assert(
      fc.property(intent, (i) => {
        let bundle;
        try {
          bundle = compileEnvironment(build(i), '/repo');
        } catch (e) {
          if (e instanceof InputError) return fc.pre(false); // the model refused it: nothing to prove
          throw e;
        }
        compiled++;
        const report = verifyBundle(bundle);
        expect(report.failures, formatReport(report, 'txt')).toEqual([]);
      }),
      { numRuns: 150, seed: Number(process.env.ZTP_PROPERTY_SEED ?? Date.now() % 2 ** 31), maxSkipsPerRun: 1000 },
    );
    expect(compiled).toBeGreaterThan(50);
  });
});
