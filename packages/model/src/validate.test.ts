import { describe, expect, it } from 'vitest';
import { defineEnvironment, type EnvironmentProps } from './environment.ts';
import { egress, toCidr, toFqdn } from './egress.ts';
import { InputError } from './errors.ts';
import { flow, fromCidr, fromNamespace } from './flow.ts';
import { runtime } from './runtime.ts';
import { secret } from './secret.ts';
import type { MeshSettings } from './settings.ts';
import { l7EnforcerOf, validateEnvironment, validateEnvironments } from './validate.ts';
import { svidSecretName, workload, type ApiPermission } from './workload.ts';

const THIS_FILE = new URL(import.meta.url).pathname;
const dns = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 };
const sidecar: MeshSettings = { mode: 'istio-sidecar', mtls: 'STRICT', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };
const none: MeshSettings = { mode: 'none', mtls: 'DISABLE', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };

function base(over: Partial<EnvironmentProps> = {}): EnvironmentProps {
  const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, appProtocol: 'http' } } });
  const db = workload({ namespace: 'shop', name: 'db', ports: { pg: { port: 5432 } } });
  return {
    name: 'test',
    cni: 'cilium',
    mesh: sidecar,
    dns,
    enforcement: 'enforce',
    phase: 2,
    namespaces: ['shop'],
    workloads: [web, db],
    flows: [flow({ from: web, to: db, ports: ['pg'] })],
    ...over,
  };
}

/** The problems of an environment, or [] when it is valid. */
function problems(props: EnvironmentProps) {
  try {
    validateEnvironment(defineEnvironment(props));
    return [];
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.problems;
  }
}

/** Asserts exactly one problem, about `object`, located in this file, whose message matches. */
function expectProblem(props: EnvironmentProps, object: string | RegExp, message: RegExp) {
  const found = problems(props);
  expect(found.map((p) => `${p.object}: ${p.message}`)).toHaveLength(1);
  const p = found[0]!;
  expect(p.file).toBe(THIS_FILE);
  expect(p.line).toBeGreaterThan(0);
  if (typeof object === 'string') expect(p.object).toBe(object);
  else expect(p.object).toMatch(object);
  expect(p.message).toMatch(message);
}

describe('validateEnvironment', () => {
  it('accepts a valid environment', () => {
    expect(problems(base())).toEqual([]);
  });

  it('refuses a flow to a workload that is not declared', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
    const ghost = workload({ namespace: 'shop', name: 'ghost', ports: { http: { port: 80 } } });
    expectProblem(base({ workloads: [web], flows: [flow({ from: web, to: ghost, ports: ['http'] })] }), 'flow shop/web -> shop/ghost', /destination shop\/ghost is not one of the environment's workloads/);
  });

  it('refuses a caller that is not declared', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
    const ghost = workload({ namespace: 'shop', name: 'ghost' });
    expectProblem(base({ workloads: [web], flows: [flow({ from: ghost, to: web, ports: ['http'] })] }), 'flow shop/ghost -> shop/web', /caller shop\/ghost is not one of the environment's workloads/);
  });

  it('refuses duplicate workload names', () => {
    const a = workload({ namespace: 'shop', name: 'web', labels: { app: 'a' } });
    const b = workload({ namespace: 'shop', name: 'web', labels: { app: 'b' }, serviceAccount: 'other' });
    expectProblem(base({ workloads: [a, b], flows: [] }), 'workload shop/web', /declared twice/);
  });

  it('refuses a port name the destination does not have', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
    const db = workload({ namespace: 'shop', name: 'db', ports: { pg: { port: 5432 } } });
    // A cast stands for a JavaScript user or a stale type: validation still catches it.
    const f = flow({ from: web, to: db, ports: ['postgres' as 'pg'] });
    expectProblem(base({ workloads: [web, db], flows: [f] }), 'flow shop/web -> shop/db', /port "postgres" is not a port of shop\/db \(its ports: pg\)/);
  });

  it('refuses invalid label keys and values', () => {
    const w = workload({ namespace: 'shop', name: 'web', labels: { 'bad key!': 'x' } });
    expectProblem(base({ workloads: [w], flows: [] }), 'workload shop/web', /label key "bad key!" is invalid/);
    const v = workload({ namespace: 'shop', name: 'web', labels: { app: '-web-' } });
    expectProblem(base({ workloads: [v], flows: [] }), 'workload shop/web', /label value "-web-" is invalid/);
  });

  it('refuses names that are not DNS labels', () => {
    const w = workload({ namespace: 'shop', name: 'web.1' });
    expectProblem(base({ workloads: [w], flows: [] }), 'workload shop/web.1', /not a valid DNS-1123 label/);
    expectProblem(base({ namespaces: ['Shop'], workloads: [], flows: [] }), 'namespace Shop', /not a valid DNS-1123 label/);
  });

  it('refuses HTTP rules on a non-HTTP port', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const db = workload({ namespace: 'shop', name: 'db', ports: { pg: { port: 5432 } } });
    expectProblem(base({ workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'], http: [{ methods: ['GET'] }] })] }), 'flow shop/web -> shop/db', /HTTP rules on port "pg", which is not an HTTP port/);
  });

  it('refuses a Cilium HTTP rule on a port where Istio mTLS is STRICT or PERMISSIVE', () => {
    for (const mtls of ['STRICT', 'PERMISSIVE'] as const) {
      const web = workload({ namespace: 'shop', name: 'web' });
      const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
      const f = flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'] }], l7: 'cilium' });
      expectProblem(base({ mesh: { ...sidecar, mtls }, workloads: [web, api], flows: [f] }), 'flow shop/web -> shop/api', new RegExp(`Cilium HTTP rule cannot apply on port "http" \\(8080\\) because Istio mTLS is ${mtls}`));
    }
  });

  it('accepts a Cilium HTTP rule on a port whose mTLS is disabled', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { metrics: { port: 9090, appProtocol: 'http', mtls: 'DISABLE' } } });
    expect(problems(base({ workloads: [web, api], flows: [flow({ from: web, to: api, ports: ['metrics'], http: [{ methods: ['GET'] }], l7: 'cilium' })] }))).toEqual([]);
  });

  describe('HTTP rules on a port whose mTLS is DISABLE (Istio cannot tell its callers apart)', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const admin = workload({ namespace: 'shop', name: 'admin' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' }, metrics: { port: 9090, appProtocol: 'http', mtls: 'DISABLE' } } });
    const two = (l7: 'auto' | 'istio' | 'cilium') => [
      flow({ from: web, to: api, ports: ['metrics'], http: [{ methods: ['GET'], paths: ['/public'] }], l7 }),
      flow({ from: admin, to: api, ports: ['metrics'], http: [{ methods: ['POST'], paths: ['/admin/*'] }], l7 }),
    ];

    it("refuses l7: 'istio' there, saying how to fix it", () => {
      const found = problems(base({ workloads: [web, admin, api], flows: two('istio') }));
      expect(found.map((p) => p.object)).toEqual(['flow shop/web -> shop/api', 'flow shop/admin -> shop/api']);
      for (const p of found) {
        expect(p.file).toBe(THIS_FILE);
        expect(p.message).toMatch(/Istio cannot enforce HTTP rules on port "metrics" \(9090\) because its mTLS is DISABLE/);
        expect(p.message).toMatch(/use l7: 'cilium' \(with cni 'cilium'\), or set that port's mtls to 'STRICT' or 'PERMISSIVE'/);
      }
    });

    it("refuses l7: 'istio' on every port when the mesh-wide mode is DISABLE", () => {
      const svc = workload({ namespace: 'shop', name: 'svc', ports: { http: { port: 8080, appProtocol: 'http' } } });
      const f = flow({ from: web, to: svc, ports: ['http'], http: [{ methods: ['GET'] }], l7: 'istio' });
      expectProblem(base({ mesh: { ...sidecar, mtls: 'DISABLE' }, workloads: [web, svc], flows: [f] }), 'flow shop/web -> shop/svc', /Istio cannot enforce HTTP rules on port "http" \(8080\) because its mTLS is DISABLE/);
    });

    it("makes auto pick Cilium there with the Cilium CNI, and keeps Istio on the ports with mTLS", () => {
      expect(problems(base({ workloads: [web, admin, api], flows: two('auto') }))).toEqual([]);
      const env = defineEnvironment(base({ workloads: [web, admin, api], flows: two('auto') }));
      expect(l7EnforcerOf(env, env.flows[0]!)).toEqual({ enforcer: 'cilium' });
      const onHttp = flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'] }] });
      expect(l7EnforcerOf(env, onHttp)).toEqual({ enforcer: 'istio' });
      const meshWide = defineEnvironment(base({ mesh: { ...sidecar, mtls: 'DISABLE' } }));
      expect(l7EnforcerOf(meshWide, onHttp)).toEqual({ enforcer: 'cilium' });
    });

    it('refuses auto there without the Cilium CNI, saying how to fix it', () => {
      const found = problems(base({ cni: 'kubernetes', workloads: [web, admin, api], flows: two('auto') }));
      expect(found).toHaveLength(2);
      for (const p of found) {
        expect(p.object).toMatch(/^flow shop\/(web|admin) -> shop\/api$/);
        expect(p.message).toMatch(/port "metrics" \(9090\), whose mTLS is DISABLE, cannot be enforced per caller/);
        expect(p.message).toMatch(/set that port's mtls to 'STRICT' or 'PERMISSIVE', or use the Cilium CNI/);
      }
    });

    it('refuses one flow with HTTP rules on ports with and without mTLS, asking to split it', () => {
      for (const l7 of ['auto', 'istio', 'cilium'] as const) {
        const f = flow({ from: web, to: api, ports: ['http', 'metrics'], http: [{ methods: ['GET'] }], l7 });
        expectProblem(base({ workloads: [web, api], flows: [f] }), 'flow shop/web -> shop/api', /mTLS \("http" \(8080\)\) and without \("metrics" \(9090\)\).*split the flow/);
      }
    });
  });

  it('refuses HTTP rules nobody can enforce (no Cilium, no mesh)', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const f = flow({ from: web, to: api, ports: ['http'], http: [{ paths: ['/api/*'] }] });
    expectProblem(
      base({ cni: 'kubernetes', mesh: none, certificates: { issuer: { kind: 'ClusterIssuer', name: 'ca' }, duration: '1h', renewBefore: '30m' }, workloads: [web, api], flows: [f] }),
      'flow shop/web -> shop/api',
      /need the Cilium CNI or an Istio sidecar mesh/,
    );
  });

  it('refuses HTTP rules under istio-ambient (no waypoint) and Istio HTTP rules before phase 2', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const f = flow({ from: web, to: api, ports: ['http'], http: [{ paths: ['/api/*'] }] });
    expectProblem(base({ mesh: { ...sidecar, mode: 'istio-ambient' }, workloads: [web, api], flows: [f] }), 'flow shop/web -> shop/api', /need a waypoint proxy/);
    const g = flow({ from: web, to: api, ports: ['http'], http: [{ paths: ['/api/*'] }] });
    expectProblem(base({ phase: 1, workloads: [web, api], flows: [g] }), 'flow shop/web -> shop/api', /phase 2/);
  });

  it('refuses malformed HTTP rules', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    expectProblem(base({ workloads: [web, api], flows: [flow({ from: web, to: api, ports: ['http'], http: [{ paths: ['/api/*/x'] }] })] }), /flow/, /must start with '\/' and be exact, or a prefix ending in '\/\*'/);
    expectProblem(base({ workloads: [web, api], flows: [flow({ from: web, to: api, ports: ['http'], http: [] })] }), /flow/, /allows no request at all/);
    expectProblem(base({ workloads: [web, api], flows: [flow({ from: web, to: api, ports: ['http'], http: [{ methods: [] }] })] }), /flow/, /matches nothing/);
    // a rule that restricts nothing is an L4 flow in disguise (and from a namespace, it would void others' HTTP rules unseen)
    expectProblem(base({ workloads: [web, api], flows: [flow({ from: fromNamespace('shop'), to: api, ports: ['http'], http: [{}] })] }), /flow/, /an HTTP rule with neither methods nor paths allows every request; remove http for an L4-only flow/);
  });

  it('refuses selectors that also select another workload, and shared service accounts', () => {
    const a = workload({ namespace: 'shop', name: 'a', labels: { app: 'shop' }, serviceAccount: 'a' });
    const b = workload({ namespace: 'shop', name: 'b', labels: { app: 'shop', tier: 'b' }, serviceAccount: 'b' });
    expectProblem(base({ workloads: [a, b], flows: [] }), 'workload shop/a', /also select the pods of shop\/b/);
    const c = workload({ namespace: 'shop', name: 'c', serviceAccount: 'shared' });
    const d = workload({ namespace: 'shop', name: 'd', serviceAccount: 'shared' });
    expectProblem(base({ workloads: [c, d], flows: [] }), 'workload shop/d', /shares service account "shared" with shop\/c/);
  });

  it('finds every clashing selector and shared service account that comparing every pair finds, in the same order', () => {
    // small random worlds where labels and service accounts collide often (empty labels included)
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let round = 0; round < 300; round++) {
      const workloads = Array.from({ length: 2 + rnd(7) }, (_, i) => {
        const labels: Record<string, string> = {};
        for (let k = rnd(3); k > 0; k--) labels[['app', 'tier', 'team'][rnd(3)]!] = ['a', 'b'][rnd(2)]!;
        return workload({ namespace: ['shop', 'ml'][rnd(2)]!, name: `w${i}`, labels, serviceAccount: ['s1', 's2', 's3'][rnd(3)]! });
      });
      const expected: string[] = [];
      for (const a of workloads)
        for (const b of workloads) {
          if (a === b || a.namespace !== b.namespace) continue;
          const ida = `${a.namespace}/${a.name}`;
          const idb = `${b.namespace}/${b.name}`;
          if (Object.entries(a.labels).every(([k, v]) => b.labels[k] === v)) expected.push(`workload ${ida}: also selects ${idb}`);
          if (a.serviceAccount === b.serviceAccount && ida < idb) expected.push(`workload ${idb}: shares with ${ida}`);
        }
      const found = problems(base({ namespaces: ['shop', 'ml'], workloads, flows: [] }))
        .map((p) => {
          const select = /also select the pods of (\S+),/.exec(p.message);
          const shares = /shares service account "[^"]+" with (\S+):/.exec(p.message);
          return select ? `${p.object}: also selects ${select[1]}` : shares ? `${p.object}: shares with ${shares[1]}` : undefined;
        })
        .filter((p) => p !== undefined);
      expect(found, `round ${round}`).toEqual(expected);
    }
  });

  it('refuses workloads outside the managed namespaces and system namespaces', () => {
    const w = workload({ namespace: 'elsewhere', name: 'web' });
    expectProblem(base({ workloads: [w], flows: [] }), 'workload elsewhere/web', /namespace "elsewhere" is not one of the environment's namespaces/);
    expectProblem(base({ namespaces: ['shop', 'kube-system'] }), 'namespace kube-system', /does not manage "kube-system"/);
  });

  it('refuses external callers that STRICT mTLS would always refuse', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
    expectProblem(base({ workloads: [web], flows: [flow({ from: fromCidr('203.0.113.0/24'), to: web, ports: ['http'] })] }), /flow 203.0.113.0\/24 -> shop\/web/, /outside the mesh, and mTLS is STRICT/);
  });

  it('refuses callers in kube-system and kube-public on a port with mTLS, since the sidecar injector never reaches them', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 }, metrics: { port: 9090, mtls: 'DISABLE' } } });
    const calls = (namespace: string, port: 'http' | 'metrics') => [flow({ from: fromNamespace(namespace), to: web, ports: [port] })];
    expectProblem(base({ workloads: [web], flows: calls('kube-system', 'http') }), 'flow namespace kube-system -> shop/web', /never get an Istio sidecar .* mTLS is STRICT there, so they could never connect; set that port's mtls to 'DISABLE'/);
    expectProblem(base({ workloads: [web], flows: calls('kube-public', 'http'), mesh: { ...sidecar, mtls: 'PERMISSIVE' } }), 'flow namespace kube-public -> shop/web', /Istio's authorization admits a namespace's callers by that identity, so it would refuse them/);
    // at a port without mTLS, from a namespace the injector serves, or before phase 2 turns the mesh on: accepted
    expect(problems(base({ workloads: [web], flows: calls('kube-system', 'metrics') }))).toEqual([]);
    expect(problems(base({ workloads: [web], flows: calls('monitoring', 'http') }))).toEqual([]);
    expect(problems(base({ workloads: [web], flows: calls('kube-system', 'http'), phase: 1 }))).toEqual([]);
  });

  it('refuses a flow declared both with and without HTTP rules', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    expectProblem(base({ workloads: [web, api], flows: [flow({ from: web, to: api, ports: ['http'] }), flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'] }] })] }), /flow/, /declared both with and without HTTP rules/);
  });

  it('checks CIDRs, DNS names and ports of external egress', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toCidr('10.0.0.1/8'), ports: [443] })] }), /egress shop\/web/, /not a CIDR with zero host bits/);
    // `::` stands for at least one group of zeros: eight groups and `::`, or more, is no address (Go refuses it)
    for (const cidr of ['1:2:3:4:5:6:7:8::/128', '1:2:3:4:5:6:7:8:9::/128', '::1:2:3:4:5:6:7:8:9/128']) {
      expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toCidr(cidr), ports: [443] })] }), /egress shop\/web/, new RegExp(`"${cidr.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
    }
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toCidr('10.0.0.0/8', ['192.168.0.0/16']), ports: [443] })] }), /egress/, /not strictly inside 10.0.0.0\/8/);
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toFqdn('api.example.com'), ports: [0] })] }), /egress/, /port 0 is not an integer from 1 to 65535/);
    expectProblem(base({ cni: 'kubernetes', workloads: [web], flows: [], egress: [egress({ from: web, to: toFqdn('api.example.com'), ports: [443] })] }), /egress/, /needs the Cilium CNI/);
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: fromNamespace('other'), to: toCidr('0.0.0.0/0'), ports: [443] })] }), /egress namespace other/, /not managed by this environment/);
    // from JavaScript or a cast: a namespace caller narrowed by pod labels would allow every pod of the namespace
    const narrowed = { ...fromNamespace('shop'), podSelector: { app: 'web' } } as unknown as ReturnType<typeof fromNamespace>;
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: narrowed, to: toCidr('203.0.113.0/24'), ports: [443] })] }), /egress namespace shop/, /fromNamespace\(\) has no property 'podSelector', and ztp would ignore it/);
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: fromCidr('10.0.0.0/8') as unknown as ReturnType<typeof fromNamespace>, to: toCidr('203.0.113.0/24'), ports: [443] })] }), /egress/, /from is \{"type":"cidr".*not a workload or fromNamespace\(\)/);
    // a number where a name goes (JavaScript or a cast): refused as input, not left to the schema check as a ztp bug
    expect(problems(base({ workloads: [workload({ namespace: 'shop', name: 5 as never })], flows: [] })).map((p) => p.message)).toEqual(['name and namespace must be strings; build it with workload({ namespace, name, ... })']);
    // null entries and callers (JavaScript or a cast): named, never a crash
    const nulls = (over: Partial<EnvironmentProps>) => problems(base({ workloads: [web], flows: [], ...over })).map((p) => `${p.object}: ${p.message}`);
    expect(nulls({ workloads: [web, null as never] })).toEqual([expect.stringMatching(/^environment \S+: workloads\[1\] is null, not made by workload\(\)/)]);
    expect(nulls({ egress: [null as never] })).toEqual([expect.stringMatching(/egress\[0\] is null, not made by egress\(\)/)]);
    expect(nulls({ flows: [flow({ from: null as never, to: web, ports: ['x'] as never })] })).toContainEqual(expect.stringMatching(/^flows\[0\]: caller null is not a workload, fromNamespace\(\) or fromCidr\(\)/));
    expect(nulls({ flows: [flow({ from: web, to: null as never, ports: ['x'] as never })] })).toContainEqual(expect.stringMatching(/^flows\[0\]: to is null, not a workload/));
    const loop: Record<string, unknown> = { type: 'workload' };
    loop.self = loop;
    expect(nulls({ flows: [flow({ from: web, to: loop as never, ports: ['x'] as never })] })).toContainEqual('flows[0]: to is [object Object], not a workload of the environment');
    expect(nulls({ flows: [flow({ from: fromNamespace('shop'), to: web, ports: ['x'] as never, http: [{ methods: null as never }] })] })).toContainEqual(expect.stringMatching(/HTTP rule \{"methods":null\} must be like/));
    // a port's keys ztp does not read are refused, not dropped (endPort would be silently narrower)
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toCidr('203.0.113.0/24'), ports: [{ port: 443, endPort: 500 } as unknown as number] })] }), /egress shop\/web/, /has no property 'ports\[\]\.endPort'/);
  });

  describe('CIDR callers and destinations against the cluster ranges (clusterCidrs)', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
    const cluster = ['10.244.0.0/16', '10.96.0.0/12'];
    // phase 1: no mesh layer yet, so CIDR callers are not refused for STRICT mTLS
    const kube = (over: Partial<EnvironmentProps>) => base({ cni: 'kubernetes', phase: 1, workloads: [web], flows: [], ...over });

    it('with cni kubernetes, refuses fromCidr and toCidr until the pod and service ranges are declared', () => {
      expectProblem(kube({ flows: [flow({ from: fromCidr('10.0.0.0/8'), to: web, ports: ['http'] })] }), /^flow 10.0.0.0\/8 -> shop\/web$/, /cni 'kubernetes' a NetworkPolicy ipBlock also matches pod IPs.*would also admit in-cluster pods.*declare the cluster's pod and service ranges on the environment \(e.g. clusterCidrs: \[/);
      expectProblem(kube({ egress: [egress({ from: web, to: toCidr('0.0.0.0/0'), ports: [443] })] }), /^egress shop\/web -> 0.0.0.0\/0$/, /ipBlock also matches pod IPs.*let the callers reach in-cluster pods.*declare the cluster's pod and service ranges/);
      expectProblem(kube({ clusterCidrs: [], egress: [egress({ from: web, to: toCidr('203.0.113.0/24'), ports: [443] })] }), /^egress/, /declare the cluster's pod and service ranges/);
      expect(problems(kube({ clusterCidrs: cluster, flows: [flow({ from: fromCidr('10.0.0.0/8'), to: web, ports: ['http'] })], egress: [egress({ from: web, to: toCidr('0.0.0.0/0'), ports: [443] })] }))).toEqual([]);
      // but Istio's ipBlocks match the calling pod's IP whatever the CNI: at a PERMISSIVE port the mesh layer needs them too
      const permissive = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, mtls: 'PERMISSIVE' } } });
      expectProblem(
        kube({ cni: 'cilium', phase: 2, workloads: [permissive], flows: [flow({ from: fromCidr('0.0.0.0/0'), to: permissive, ports: ['http'] })] }),
        /^flow 0.0.0.0\/0 -> shop\/web$/,
        /Istio AuthorizationPolicy ipBlock matches the calling pod's own IP, whatever the CNI, so on port "http" \(PERMISSIVE\) 0.0.0.0\/0 would admit at the mesh layer every meshed pod.*declare the cluster's pod and service ranges/,
      );
      expect(problems(kube({ cni: 'cilium', phase: 2, clusterCidrs: cluster, workloads: [permissive], flows: [flow({ from: fromCidr('0.0.0.0/0'), to: permissive, ports: ['http'] })] }))).toEqual([]);
      // of the caller's family: IPv4 ranges alone do not keep a dual-stack cluster's pods out of ::/0
      expectProblem(kube({ cni: 'cilium', phase: 2, clusterCidrs: cluster, workloads: [permissive], flows: [flow({ from: fromCidr('::/0'), to: permissive, ports: ['http'] })] }), /^flow/, /::\/0 is an IPv6 range, and clusterCidrs has none: an Istio AuthorizationPolicy ipBlock matches the calling pod's own IP/);
      // Cilium's CIDR rules never match pods: the setting is optional there
      expect(problems(kube({ cni: 'cilium', flows: [flow({ from: fromCidr('10.0.0.0/8'), to: web, ports: ['http'] })], egress: [egress({ from: web, to: toCidr('0.0.0.0/0'), ports: [443] })] }))).toEqual([]);
      // and nothing is asked of an environment without CIDR callers or destinations
      expect(problems(kube({ flows: [flow({ from: fromNamespace('edge'), to: web, ports: ['http'] })] }))).toEqual([]);
    });

    it('refuses a CIDR caller or destination inside a cluster range, whatever the CNI', () => {
      expectProblem(kube({ clusterCidrs: cluster, flows: [flow({ from: fromCidr('10.244.3.0/24'), to: web, ports: ['http'] })] }), /^flow 10.244.3.0\/24 -> shop\/web$/, /10.244.3.0\/24 lies inside the cluster range 10.244.0.0\/16 \(clusterCidrs\): it could match only the cluster's own pods.*workload or fromNamespace\(\)/);
      expectProblem(kube({ clusterCidrs: cluster, egress: [egress({ from: web, to: toCidr('10.96.0.0/12'), ports: [443] })] }), /^egress shop\/web -> 10.96.0.0\/12$/, /10.96.0.0\/12 lies inside the cluster range 10.96.0.0\/12/);
      expectProblem(kube({ cni: 'cilium', clusterCidrs: cluster, egress: [egress({ from: web, to: toCidr('10.244.0.7/32'), ports: [443] })] }), /^egress/, /lies inside the cluster range 10.244.0.0\/16 \(clusterCidrs\): Cilium's CIDR rules never match pods, so it would match nothing/);
      // IPv6 ranges are compared within their family only
      expect(problems(kube({ clusterCidrs: [...cluster, 'fd00:10:244::/56'], egress: [egress({ from: web, to: [toCidr('0.0.0.0/0'), toCidr('::/0')], ports: [443] })] }))).toEqual([]);
      expectProblem(kube({ clusterCidrs: ['fd00:10:244::/56'], egress: [egress({ from: web, to: toCidr('fd00:10:244:0:1::/80'), ports: [443] })] }), /^egress/, /lies inside the cluster range fd00:10:244::\/56/);
    });

    it('refuses a CIDR of a family clusterCidrs has no range of (a dual-stack cluster\'s pods would match it)', () => {
      expectProblem(kube({ clusterCidrs: cluster, egress: [egress({ from: web, to: toCidr('::/0'), ports: [443] })] }), /^egress/, /::\/0 is an IPv6 range, and clusterCidrs has none: .*add them to clusterCidrs, or drop ::\/0/);
      expectProblem(kube({ clusterCidrs: ['fd00:10:244::/56'], flows: [flow({ from: fromCidr('203.0.113.0/24'), to: web, ports: ['http'] })] }), /^flow/, /203.0.113.0\/24 is an IPv4 range, and clusterCidrs has none/);
      // Cilium's CIDR rules never match pods: no range needed
      expect(problems(kube({ cni: 'cilium', clusterCidrs: cluster, egress: [egress({ from: web, to: toCidr('::/0'), ports: [443] })] }))).toEqual([]);
    });

    it('refuses IPv4-mapped IPv6 ranges, which Go dataplanes read as the IPv4 range they map (::ffff:af4:0/112 is 10.244.0.0/16)', () => {
      for (const mapped of ['::ffff:0:0/96', '::ffff:af4:0/112', '::ffff:a00:0/104']) {
        expectProblem(kube({ clusterCidrs: cluster, egress: [egress({ from: web, to: toCidr(mapped), ports: [443] })] }), /^egress/, /is an IPv4-mapped IPv6 range: .*write the IPv4 range in dotted form/);
        expectProblem(kube({ clusterCidrs: cluster, flows: [flow({ from: fromCidr(mapped), to: web, ports: ['http'] })] }), /^flow/, /IPv4-mapped/);
      }
      expectProblem(kube({ clusterCidrs: [...cluster, 'fd00::/8'], egress: [egress({ from: web, to: toCidr('::/0', ['::ffff:0:0/96']), ports: [443] })] }), /^egress/, /except "::ffff:0:0\/96" is an IPv4-mapped/);
      expectProblem(kube({ clusterCidrs: ['::ffff:af4:0/112'] }), 'environment test', /clusterCidrs: "::ffff:af4:0\/112" is an IPv4-mapped/);
      // other IPv6 ranges, ::/0 among them, are IPv6 to every reader
      expect(problems(kube({ clusterCidrs: [...cluster, 'fd00::/8'], egress: [egress({ from: web, to: toCidr('::/0'), ports: [443] })] }))).toEqual([]);
    });

    it('refuses a prefix length with leading zeros (0.0.0.0/00), which Cilium refuses and others read as written', () => {
      expectProblem(kube({ clusterCidrs: cluster, egress: [egress({ from: web, to: toCidr('0.0.0.0/00'), ports: [443] })] }), /^egress/, /"0.0.0.0\/00" is not a CIDR/);
      expectProblem(kube({ clusterCidrs: cluster, flows: [flow({ from: fromCidr('203.0.113.0/024'), to: web, ports: ['http'] })] }), /^flow/, /"203.0.113.0\/024" is not a CIDR/);
    });

    it('refuses a cluster range that is not a CIDR with zero host bits, or is listed twice', () => {
      expectProblem(kube({ clusterCidrs: ['10.244.0.1/16'] }), 'environment test', /clusterCidrs: "10.244.0.1\/16" is not a CIDR with zero host bits/);
      expectProblem(kube({ clusterCidrs: ['pods'] }), 'environment test', /clusterCidrs: "pods" is not a CIDR/);
      expectProblem(kube({ clusterCidrs: ['10.96.0.0/12', '10.96.0.0/12'] }), 'environment test', /clusterCidrs lists 10.96.0.0\/12 twice/);
    });
  });

  it('checks secrets, Vault and certificate settings', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    expectProblem(base({ workloads: [web], flows: [], secrets: [secret({ workload: web, name: 'creds', kind: 'dynamic', path: 'database/creds/web' })], vault: { server: 'https://vault:8200' } }), 'secret shop/web/creds', /dynamic secrets need a ttl/);
    expectProblem(base({ workloads: [web], flows: [], secrets: [secret({ workload: web, name: 'creds', kind: 'static', path: '/secret/x' })], vault: { server: 'https://vault:8200' } }), 'secret shop/web/creds', /must be relative/);
    expectProblem(base({ workloads: [web], flows: [], secrets: [secret({ workload: web, name: 'creds', kind: 'static', path: 'secret/x' })] }), 'environment test', /vault \(\{ server \}\) is not set/);
    expectProblem(base({ mesh: none, workloads: [web], flows: [] }), 'environment test', /set certificates/);
    expectProblem(base({ mesh: none, certificates: { issuer: { kind: 'ClusterIssuer', name: 'ca' }, duration: '1h', renewBefore: '2h' }, workloads: [web], flows: [] }), 'environment test', /renewBefore \(2h\) must be shorter/);
  });

  it('checks what the Vault side needs: KV paths, capabilities, database roles, Vault settings', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api' });
    const vault = { server: 'https://vault:8200' };
    const db = { connection: 'shop', creationStatements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}';`] };
    const env = (...secrets: ReturnType<typeof secret>[]) => base({ workloads: [web, api], flows: [], secrets, vault });
    const ok = secret({ workload: web, name: 'creds', kind: 'dynamic', path: 'database/creds/web', ttl: '1h', database: db });
    expect(problems(env(ok, secret({ workload: web, name: 'session', kind: 'static', path: 'secret/web/session' })))).toEqual([]);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'static', path: 'secret/data/web/session' })), 'secret shop/web/s', /KV v2 API path; write the plain KV path \(secret\/web\/session\)/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'static', path: 'secret' })), 'secret shop/web/s', /must be <KV mount>\/<key>/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'static', path: 'secret/web/*' })), 'secret shop/web/s', /glob characters/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'static', path: 'secret/web', capabilities: ['read', 'list'] })), 'secret shop/web/s', /static secrets are only read/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'pki/issue/web', ttl: '1h', capabilities: [] })), 'secret shop/web/s', /capabilities is empty/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'pki/issue/web', ttl: '1h', capabilities: ['sudo' as 'read'] })), 'secret shop/web/s', /capability "sudo" is not one of/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'database/static-creds/web', ttl: '1h', database: db })), 'secret shop/web/s', /must be <mount>\/creds\/<role>/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'database/creds/web', ttl: '1h', database: { ...db, creationStatements: [] } })), 'secret shop/web/s', /at least one SQL statement/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'database/creds/web', ttl: '1h', database: { ...db, creationStatements: ['CREATE ROLE app'] } })), 'secret shop/web/s', /\{\{name\}\}/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'database/creds/web', ttl: '1h', database: { ...db, maxTtl: '30m' } })), 'secret shop/web/s', /maxTtl 30m is shorter than the ttl 1h/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'database/creds/web', ttl: '1h', database: { ...db, connection: 'a b' } })), 'secret shop/web/s', /database.connection "a b"/);
    expectProblem(env(secret({ workload: web, name: 's', kind: 'dynamic', path: 'database/creds/web', ttl: '1h', database: { ...db, conection: 'x' } as typeof db })), 'secret shop/web/s', /database has no property 'conection'/);
    expectProblem(env(ok, secret({ workload: api, name: 'api-creds', kind: 'dynamic', path: 'database/creds/web', ttl: '1h', database: db })), 'secret shop/api/api-creds', /database role database\/roles\/web is already declared by secret shop\/web\/creds/);
    // each Vault path is one workload's: another workload declaring it (without a database block,
    // or as a dynamic alias of a KV path) would read the first one's secret
    expectProblem(env(ok, secret({ workload: api, name: 'c', kind: 'dynamic', path: 'database/creds/web', ttl: '1h' })), 'secret shop/api/c', /Vault path database\/creds\/web is already granted to shop\/web \(secret creds\).*give each workload a path of its own/);
    const session = secret({ workload: web, name: 'session', kind: 'static', path: 'secret/web/session' });
    expectProblem(env(session, secret({ workload: api, name: 's', kind: 'static', path: 'secret/web/session' })), 'secret shop/api/s', /Vault path secret\/data\/web\/session is already granted to shop\/web/);
    expectProblem(env(session, secret({ workload: api, name: 's', kind: 'dynamic', path: 'secret/data/web/session', ttl: '1h' })), 'secret shop/api/s', /Vault path secret\/data\/web\/session is already granted to shop\/web/);
    expect(problems(env(session, secret({ workload: api, name: 's', kind: 'static', path: 'secret/api/session' })))).toEqual([]);
    expectProblem(base({ workloads: [web], flows: [], secrets: [ok], vault: { ...vault, adress: 'x' } as typeof vault }), 'environment test', /vault has no property 'adress'/);
    for (const audience of ['https://kubernetes.default.svc.cluster.local', 'https://kubernetes.default.svc', 'kubernetes.default.svc']) {
      expectProblem(base({ workloads: [web], flows: [], secrets: [ok], vault: { ...vault, audience } }), 'environment test', /is the Kubernetes API server's own audience/);
    }
    expect(problems(base({ workloads: [web], flows: [], secrets: [ok], vault: { ...vault, audience: 'vault.example.com' } }))).toEqual([]);
    expectProblem(base({ workloads: [web], flows: [], secrets: [ok], vault: { ...vault, kubernetesAuthMount: '/kubernetes' } }), 'environment test', /kubernetesAuthMount "\/kubernetes"/);
  });

  it('checks runtime expectations', () => {
    expectProblem(base({ runtime: [runtime({ namespace: 'shop', outboundPorts: [] })] }), 'runtime shop', /outboundPorts is empty/);
    expectProblem(base({ runtime: [runtime({ namespace: 'nope', outboundPorts: [443] })] }), 'runtime nope', /not managed/);
    // Falco refuses a rules file with an unknown priority (from JavaScript or a cast)
    expectProblem(base({ runtime: [runtime({ namespace: 'shop', outboundPorts: [443], priority: 'bogus' as never })] }), 'runtime shop', /priority "bogus" is not a Falco priority .*Falco would refuse the rules file/);
  });

  it("refuses mesh-wide mTLS DISABLE under ambient, which Istio does not support there", () => {
    expectProblem(base({ mesh: { ...sidecar, mode: 'istio-ambient', mtls: 'DISABLE' } }), 'environment test', /mesh.mtls 'DISABLE' is not supported by Istio ambient.*use mtls 'STRICT'/);
    expect(problems(base({ mesh: { ...sidecar, mode: 'istio-ambient', mtls: 'PERMISSIVE' } }))).toEqual([]);
    expect(problems(base({ mesh: { ...sidecar, mtls: 'DISABLE' } }))).toEqual([]);
  });

  it("refuses l7: 'cilium' under ambient whatever the mTLS mode (Cilium cannot see inside HBONE)", () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    for (const mtls of ['STRICT', 'PERMISSIVE'] as const) {
      const f = flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'] }], l7: 'cilium' });
      expectProblem(base({ mesh: { ...sidecar, mode: 'istio-ambient', mtls }, workloads: [web, api], flows: [f] }), 'flow shop/web -> shop/api', /Cilium HTTP rule cannot apply under istio-ambient.*HBONE.*use the istio-sidecar mesh/);
    }
    const f = flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'] }], l7: 'cilium' });
    const found = problems(base({ mesh: { ...sidecar, mode: 'istio-ambient', mtls: 'DISABLE' }, workloads: [web, api], flows: [f] }));
    expect(found.map((p) => p.object).sort()).toEqual(['environment test', 'flow shop/web -> shop/api']);
    expect(found.find((p) => p.object === 'flow shop/web -> shop/api')?.message).toMatch(/Cilium HTTP rule cannot apply under istio-ambient/);
  });

  it('refuses per-port mTLS under ambient', () => {
    const w = workload({ namespace: 'shop', name: 'web', ports: { m: { port: 9090, mtls: 'DISABLE' } } });
    expectProblem(base({ mesh: { ...sidecar, mode: 'istio-ambient' }, workloads: [w], flows: [] }), 'workload shop/web', /per-port mtls is not supported by Istio ambient/);
  });

  it("refuses a workload port Istio's proxies take in the pod, per mesh mode", () => {
    const at = (port: number) => workload({ namespace: 'shop', name: 'web', ports: { p: { port } } });
    expectProblem(base({ mesh: sidecar, workloads: [at(15021)], flows: [] }), 'workload shop/web', /port "p": 15021 is one of the ports Istio's sidecar takes in every pod of the mesh \(15000, .*15090\); serve the workload on another port/);
    expectProblem(base({ mesh: { ...sidecar, mode: 'istio-ambient' }, workloads: [at(15008)], flows: [] }), 'workload shop/web', /15008 is one of the ports Istio's ztunnel takes/);
    // the sidecar's own listeners are not ztunnel's, and without a mesh every port is the workload's
    const ofWorkload = (env: Parameters<typeof problems>[0]) => problems(env).filter((p) => p.object === 'workload shop/web');
    expect(ofWorkload(base({ mesh: { ...sidecar, mode: 'istio-ambient' }, workloads: [at(15021)], flows: [] }))).toEqual([]);
    expect(ofWorkload(base({ mesh: { ...sidecar, mode: 'none' }, workloads: [at(15021)], flows: [] }))).toEqual([]);
    expect(ofWorkload(base({ mesh: sidecar, workloads: [at(15022)], flows: [] }))).toEqual([]);
    // the proxies take TCP ports; a UDP 15021 is the workload's, a UDP 15053 (the DNS proxy's) is not
    expect(ofWorkload(base({ mesh: sidecar, workloads: [workload({ namespace: 'shop', name: 'web', ports: { p: { port: 15021, protocol: 'UDP' } } })], flows: [] }))).toEqual([]);
    expectProblem(base({ mesh: sidecar, workloads: [workload({ namespace: 'shop', name: 'web', ports: { p: { port: 15053, protocol: 'UDP' } } })], flows: [] }), 'workload shop/web', /15053 is one of the ports/);
  });

  it('refuses API access with wildcards', () => {
    const w = workload({ namespace: 'shop', name: 'op', apiAccess: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] });
    expectProblem(base({ workloads: [w], flows: [] }), 'workload shop/op', /may not use '\*'/);
  });

  it('refuses resourceNames: [], which RBAC reads as every object', () => {
    const w = workload({ namespace: 'shop', name: 'op', apiAccess: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update'], resourceNames: [] }] });
    expectProblem(base({ workloads: [w], flows: [] }), 'workload shop/op', /resourceNames: \[\] names nothing.*every object of configmaps; omit resourceNames to allow every object, or list the names/);
    const v = workload({ namespace: 'shop', name: 'op', apiAccess: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['settings'] }] });
    expect(problems(base({ workloads: [v], flows: [] }))).toEqual([]);
  });

  it("refuses API access that would let a workload act as another one's service account in its namespace", () => {
    const api = workload({ namespace: 'shop', name: 'api' });
    const grant = (apiGroups: string[], resources: string[], verbs: ApiPermission['verbs'], resourceNames?: string[]) =>
      workload({ namespace: 'shop', name: 'op', apiAccess: [{ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) }] });
    const refused: [string[], string[], ApiPermission['verbs'], string[]?][] = [
      [[''], ['pods'], ['create']],
      [['apps'], ['deployments'], ['patch']],
      [['batch'], ['jobs', 'configmaps'], ['create', 'get']],
      [[''], ['pods/exec'], ['create']],
      [[''], ['pods/ephemeralcontainers'], ['update']],
      [[''], ['serviceaccounts/token'], ['create']],
      [[''], ['serviceaccounts/token'], ['create'], ['op', 'api']],
      // limited to its own objects by name, it can still point them at another workload's
      [['external-secrets.io'], ['externalsecrets'], ['update'], ['op-creds']],
      [['external-secrets.io'], ['secretstores'], ['create']],
      [['generators.external-secrets.io'], ['vaultdynamicsecrets'], ['create']],
      [['generators.external-secrets.io'], ['ecrauthorizationtokens'], ['create']],
      [['external-secrets.io'], ['pushsecrets'], ['create']],
      [['cert-manager.io'], ['certificates'], ['patch'], ['ztp-op-svid']],
      [['cert-manager.io'], ['certificaterequests'], ['create']],
    ];
    for (const [groups, resources, verbs, names] of refused) {
      expectProblem(base({ workloads: [api, grant(groups, resources, verbs, names)], flows: [] }), 'workload shop/op', /could act as shop\/api and take their identities, certificates, Vault roles and secrets; put this workload in a namespace of its own/);
    }
    const allowed: [string[], string[], ApiPermission['verbs'], string[]?][] = [
      [[''], ['pods'], ['get', 'list', 'watch']],
      [['apps'], ['pods'], ['create']],
      [[''], ['serviceaccounts/token'], ['create'], ['op']],
      [['coordination.k8s.io'], ['leases'], ['create', 'update']],
    ];
    for (const [groups, resources, verbs, names] of allowed) expect(problems(base({ workloads: [api, grant(groups, resources, verbs, names)], flows: [] })), resources.join()).toEqual([]);
    for (const [groups, resources, verbs] of [
      [['external-secrets.io'], ['externalsecrets'], ['get', 'list']],
      [['cert-manager.io'], ['certificates'], ['get']],
    ] as [string[], string[], ApiPermission['verbs']][]) {
      expect(problems(base({ workloads: [api, grant(groups, resources, verbs)], flows: [] })), resources.join()).toEqual([]);
    }
    // alone in its namespace, it can only act as itself (or accounts no workload uses)
    expect(problems(base({ namespaces: ['shop', 'ops'], workloads: [api, workload({ namespace: 'ops', name: 'op', apiAccess: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] })], flows: [] }))).toEqual([]);
  });

  it('refuses API access that would undo what ztp proves, even alone in its namespace', () => {
    const grant = (apiGroups: string[], resources: string[], verbs: ApiPermission['verbs']) => base({ workloads: [workload({ namespace: 'shop', name: 'op', apiAccess: [{ apiGroups, resources, verbs }] })], flows: [] });
    const refused: [string[], string[], ApiPermission['verbs'], RegExp][] = [
      [[''], ['pods/portforward'], ['create'], /reach pods' ports through the API server, past every network and mesh policy/],
      [[''], ['services/proxy'], ['get'], /past every network and mesh policy/],
      [['networking.k8s.io'], ['networkpolicies'], ['delete'], /change or remove the NetworkPolicies ztp proves/],
      [['cilium.io'], ['ciliumnetworkpolicies'], ['patch'], /change or remove the Cilium policies ztp proves/],
      [['security.istio.io'], ['authorizationpolicies'], ['create'], /change or remove the Istio policies ztp proves/],
      [['networking.istio.io'], ['envoyfilters'], ['create'], /rewrite the sidecars' configuration, past the Istio policies ztp proves/],
      [['rbac.authorization.k8s.io'], ['rolebindings'], ['create'], /grant itself \(or anyone\) more than its apiAccess/],
    ];
    for (const [groups, resources, verbs, why] of refused) expectProblem(grant(groups, resources, verbs), 'workload shop/op', new RegExp(`${why.source}; ztp grants no workload that`));
    // reading them is fine
    expect(problems(grant(['networking.k8s.io'], ['networkpolicies'], ['get', 'list', 'watch']))).toEqual([]);
    expect(problems(grant(['rbac.authorization.k8s.io'], ['roles'], ['get']))).toEqual([]);
  });

  it("refuses a secret named like a workload's SPIFFE certificate Secret in its namespace", () => {
    const api = workload({ namespace: 'shop', name: 'api' });
    const db = workload({ namespace: 'shop', name: 'db' });
    const other = workload({ namespace: 'ml', name: 'api' });
    const vault = { server: 'https://vault:8200' };
    const env = (...secrets: ReturnType<typeof secret>[]) => base({ mesh: none, certificates: { issuer: { kind: 'ClusterIssuer', name: 'ca' }, duration: '1h', renewBefore: '30m' }, phase: 4, namespaces: ['shop', 'ml'], workloads: [api, db, other], flows: [], secrets, vault });
    expect(svidSecretName(api)).toBe('api-svid');
    expectProblem(env(secret({ workload: db, name: 'api-svid', kind: 'static', path: 'secret/shop/x' })), 'secret shop/db/api-svid', /reserved for the Secret that holds the SPIFFE certificate and private key of workload shop\/api.*choose another name/);
    expectProblem(env(secret({ workload: db, name: 'db-svid', kind: 'static', path: 'secret/shop/x' })), 'secret shop/db/db-svid', /of workload shop\/db/);
    // reserved with a mesh too, so that a later switch to no mesh cannot hand the key over
    expectProblem(base({ workloads: [api, db], flows: [], secrets: [secret({ workload: db, name: 'api-svid', kind: 'static', path: 'secret/shop/x' })], vault }), 'secret shop/db/api-svid', /of workload shop\/api/);
    // another namespace's workload of the same name is not a clash, nor is a name that only looks alike
    expect(problems(env(secret({ workload: other, name: 'db-svid', kind: 'static', path: 'secret/ml/x' }), secret({ workload: db, name: 'api-svid-copy', kind: 'static', path: 'secret/shop/y' })))).toEqual([]);
  });

  it("refuses workload names that would take the names of ztp's namespace-wide objects", () => {
    for (const [name, object] of [['allow-nothing', /AuthorizationPolicy ztp-allow-nothing/], ['namespace', /NetworkPolicy ztp-namespace-egress and CiliumNetworkPolicy ztp-namespace-fqdn/]] as const) {
      const w = workload({ namespace: 'shop', name });
      expectProblem(base({ workloads: [w], flows: [] }), `workload shop/${name}`, new RegExp(`the name "${name}" is reserved: this workload's policies would take the names of ztp's own namespace-wide ${object.source}.*rename the workload`));
    }
  });

  it('refuses API access to secrets the workload did not declare', () => {
    const w = workload({ namespace: 'shop', name: 'op', apiAccess: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] });
    expectProblem(base({ workloads: [w], flows: [] }), 'workload shop/op', /must name, in resourceNames, only secrets declared for this workload/);
    const v = workload({ namespace: 'shop', name: 'op', apiAccess: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['mine'] }] });
    expect(problems(base({ workloads: [v], flows: [], secrets: [secret({ workload: v, name: 'mine', kind: 'static', path: 'secret/op' })], vault: { server: 'https://vault:8200' } }))).toEqual([]);
  });

  it('refuses properties the model does not have, so a misspelt restriction cannot silently widen an allow', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const misspelt = { from: web, to: api, ports: ['http'], htpp: [{ methods: ['GET'] }] } as unknown as Parameters<typeof flow>[0];
    expectProblem(base({ workloads: [web, api], flows: [flow(misspelt)] }), 'flow shop/web -> shop/api', /has no property 'htpp'/);
    const rule = { from: web, to: api, ports: ['http'], http: [{ method: ['GET'] }] } as unknown as Parameters<typeof flow>[0];
    expectProblem(base({ workloads: [web, api], flows: [flow(rule)] }), 'flow shop/web -> shop/api', /has no property 'http\[0\]\.method'/);
    const w = workload({ namespace: 'shop', name: 'w', ports: { http: { port: 80, appProtcol: 'http' } as never } });
    expectProblem(base({ workloads: [w], flows: [] }), 'workload shop/w', /has no property 'ports\.http\.appProtcol'/);
  });

  it('reports every problem at once', () => {
    const w = workload({ namespace: 'nowhere', name: 'Bad' });
    expect(problems(base({ workloads: [w], flows: [], phase: 7 as 1 })).length).toBeGreaterThanOrEqual(3);
  });
});

describe('validateEnvironments', () => {
  it('refuses two environments on one cluster that manage the same namespace', () => {
    const a = defineEnvironment({ ...base(), name: 'a', cluster: 'shared' });
    const b = defineEnvironment({ ...base(), name: 'b', cluster: 'shared' });
    expect(() => validateEnvironments([a, b])).toThrow(/namespace shop: is also managed by environment a on the same cluster "shared"/);
  });
  it('refuses two meshed environments on one cluster (both would own the mesh-wide mTLS mode)', () => {
    const a = defineEnvironment({ ...base(), name: 'a', cluster: 'shared' });
    const b = defineEnvironment({ ...base(), name: 'b', cluster: 'shared', namespaces: ['other'], workloads: [], flows: [] });
    expect(() => validateEnvironments([a, b])).toThrow(/shares cluster "shared" with environment a, and both set the mesh-wide mTLS mode/);
  });
  it('allows the same namespace on different clusters', () => {
    const a = defineEnvironment({ ...base(), name: 'a' });
    const b = defineEnvironment({ ...base(), name: 'b' });
    expect(() => validateEnvironments([a, b])).not.toThrow();
  });
});

describe('audit settings', () => {
  it('accept extra rules of audit.k8s.io/v1', () => {
    expect(problems(base({ audit: { rules: [{ level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }] }] } }))).toEqual([]);
  });
  it('refuse an unknown level, an unknown field and a rule with both resources and URLs, naming the rule', () => {
    const bad = base({
      audit: {
        rules: [
          { level: 'Everything' as 'None' },
          { level: 'None', omitStages: ['ResponseStarted'] } as never,
          { level: 'Metadata', resources: [{ group: '' }], nonResourceURLs: ['/metrics'] },
        ],
      },
    });
    const found = problems(bad);
    expect(found.map((p) => `${p.object}: ${p.message}`)).toEqual([
      expect.stringMatching(/^audit rule 1: level must be one of None, Metadata, Request, RequestResponse/),
      expect.stringMatching(/^audit rule 2: has no property 'omitStages'/),
      expect.stringMatching(/^audit rule 3: sets both resources and nonResourceURLs/),
    ]);
    for (const p of found) expect(p.file).toBe(THIS_FILE);
  });
});

describe('validateEnvironment: inputs that would compile to more than they say', () => {
  it('refuses the "default" service account, which every pod of the namespace that names none runs as', () => {
    const web = workload({ namespace: 'shop', name: 'web', serviceAccount: 'default', ports: { http: { port: 8080 } } });
    expectProblem(base({ workloads: [web], flows: [] }), 'workload shop/web', /service account "default" is the one every pod of the namespace runs as when it names none/);
    // a workload named default takes it by default
    const named = workload({ namespace: 'shop', name: 'default', ports: { http: { port: 8080 } } });
    expectProblem(base({ workloads: [named], flows: [] }), 'workload shop/default', /service account "default"/);
  });

  it('finds only a workload\'s own ports: a flow naming an Object.prototype member is refused, a port of that name works', () => {
    const a = workload({ namespace: 'shop', name: 'a' });
    const b = workload({ namespace: 'shop', name: 'b', ports: { pg: { port: 5432 } } });
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      const f = flow({ from: a, to: b, ports: [name as 'pg'] });
      expectProblem(base({ workloads: [a, b], flows: [f] }), 'flow shop/a -> shop/b', new RegExp(`port "${name.replace(/[_$]/g, '\\$&')}" is not a port of shop/b`));
    }
    const c = workload({ namespace: 'shop', name: 'c', ports: { constructor: { port: 9000 } } });
    expect(problems(base({ workloads: [a, c], flows: [flow({ from: a, to: c, ports: ['constructor'] })] }))).toEqual([]);
  });

  it('refuses selector labels that Cilium sets on every pod itself', () => {
    const a = workload({ namespace: 'shop', name: 'a', labels: { 'io.kubernetes.pod.namespace': 'shop' } });
    expectProblem(base({ workloads: [a], flows: [] }), 'workload shop/a', /labels: label "io.kubernetes.pod.namespace" is set by Cilium on every pod/);
    const b = workload({ namespace: 'shop', name: 'b', labels: { app: 'b', 'io.cilium.k8s.policy.serviceaccount': 'c' } });
    expectProblem(base({ workloads: [b], flows: [] }), 'workload shop/b', /label "io.cilium.k8s.policy.serviceaccount" is set by Cilium/);
    expectProblem(base({ dns: { ...dns, podLabels: { 'io.kubernetes.pod.namespace': 'kube-system' } } }), 'environment test', /dns.podLabels: label "io.kubernetes.pod.namespace"/);
  });

  it('refuses empty or invalid istiod labels, which would open 15012 to every pod of its namespace', () => {
    expectProblem(base({ mesh: { ...sidecar, istiodLabels: {} } }), 'environment test', /mesh.istiodLabels must not be empty: an empty selector would open port 15012/);
    expectProblem(base({ mesh: { ...sidecar, istiodLabels: { app: 'not valid!' } } }), 'environment test', /not valid!/);
    // without a mesh they are not used
    expect(problems(base({ mesh: { ...none, istiodLabels: {} }, phase: 1 }))).toEqual([]);
  });

  it('refuses callers and destinations with properties their builders do not make', () => {
    const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080 } } });
    const gateway = { type: 'namespace', namespace: 'ingress', podLabels: { app: 'gateway' } } as unknown as ReturnType<typeof fromNamespace>;
    expectProblem(base({ workloads: [web], flows: [flow({ from: gateway, to: web, ports: ['http'] })] }), /^flow/, /fromNamespace\(\) has no property 'podLabels'/);
    const net = { type: 'cidr', cidr: '203.0.113.0/24', except: ['203.0.113.0/25'] } as unknown as ReturnType<typeof fromCidr>;
    expect(problems(base({ mesh: none, phase: 1, workloads: [web], flows: [flow({ from: net, to: web, ports: ['http'] })] })).map((p) => p.message)).toEqual([expect.stringMatching(/fromCidr\(\) has no property 'except'/)]);
    const fqdn = { type: 'fqdn', fqdn: 'api.example.com', port: 8443 } as unknown as ReturnType<typeof toFqdn>;
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: fqdn, ports: [443] })] }), /^egress/, /toFqdn\(\) has no property 'port'/);
    const noExcept = { type: 'cidr', cidr: '203.0.113.0/24' } as unknown as ReturnType<typeof toCidr>;
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: noExcept, ports: [443] })] }), /^egress/, /has no except list; build it with toCidr\(\)/);
  });

  it('refuses two KV mounts whose SecretStores would share a name, within a workload or across two', () => {
    const vault = { server: 'https://vault:8200' };
    const a = workload({ namespace: 'shop', name: 'a' });
    const kv = (name: string, path: string, w = a) => secret({ workload: w, name, kind: 'static', path });
    expectProblem(base({ workloads: [a], flows: [], vault, secrets: [kv('s1', 'kv_a/one'), kv('s2', 'kv-a/two')] }), 'secret shop/a/s2', /SecretStore would be named "ztp-a-vault-kv-a", as is the one for mount "kv_a" of shop\/a/);
    const b = workload({ namespace: 'shop', name: 'a-vault-b' });
    expectProblem(base({ workloads: [a, b], flows: [], vault, secrets: [kv('s1', 'b-vault-c/one'), kv('s2', 'c/two', b)] }), 'secret shop/a-vault-b/s2', /"ztp-a-vault-b-vault-c", as is the one for mount "b-vault-c" of shop\/a/);
    // the same mount twice is one store
    expect(problems(base({ workloads: [a], flows: [], vault, secrets: [kv('s1', 'kv/one'), kv('s2', 'kv/two')] }))).toEqual([]);
  });

  it('sees the same CIDR caller declared with and without HTTP rules however its range is written', () => {
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http', mtls: 'DISABLE' } } });
    const flows = [flow({ from: fromCidr('::/0'), to: api, ports: ['http'] }), flow({ from: fromCidr('0::/0'), to: api, ports: ['http'], http: [{ methods: ['GET'] }], l7: 'cilium' })];
    expectProblem(base({ workloads: [api], flows }), /^flow/, /is declared both with and without HTTP rules/);
  });

  it("refuses a workload's HTTP rules that an L4 flow from its whole namespace makes void, in either order", () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const narrow = flow({ from: web, to: api, ports: ['http'], http: [{ methods: ['GET'], paths: ['/api/*'] }] });
    const wide = flow({ from: fromNamespace('shop'), to: api, ports: ['http'] });
    for (const flows of [[narrow, wide], [wide, narrow]]) {
      expectProblem(base({ workloads: [web, api], flows }), /^flow/, /shop\/web -> shop\/api:http has HTTP rules, but the flow from namespace shop to the same port allows every request from every pod of shop, shop\/web included/);
    }
    // HTTP rules on the namespace flow too, or another namespace, or another port: nothing void
    const other = workload({ namespace: 'shop', name: 'other', ports: { http: { port: 8080, appProtocol: 'http' }, admin: { port: 9000, appProtocol: 'http' } } });
    expect(problems(base({ workloads: [web, api], flows: [narrow, flow({ from: fromNamespace('shop'), to: api, ports: ['http'], http: [{ methods: ['HEAD'] }] })] }))).toEqual([]);
    expect(problems(base({ workloads: [web, api], flows: [narrow, flow({ from: fromNamespace('ingress'), to: api, ports: ['http'] })] }))).toEqual([]);
    expect(problems(base({ workloads: [web, other], flows: [flow({ from: web, to: other, ports: ['http'], http: [{ methods: ['GET'] }] }), flow({ from: fromNamespace('shop'), to: other, ports: ['admin'] })] }))).toEqual([]);
  });

  it('refuses an IP address written as a DNS name', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    expectProblem(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toFqdn('203.0.113.7'), ports: [443] })] }), /^egress/, /"203.0.113.7" is an IP address, not a DNS name; use toCidr\('203.0.113.7\/32'\)/);
    expect(problems(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toFqdn('api.example.com'), ports: [443] })] }))).toEqual([]);
  });

  it('refuses a wildcard DNS name directly under a public suffix, where anybody registers domains', () => {
    const web = workload({ namespace: 'shop', name: 'web' });
    const to = (fqdn: string) => problems(base({ workloads: [web], flows: [], egress: [egress({ from: web, to: toFqdn(fqdn), ports: [443] })] })).map((p) => p.message);
    expect(to('*.co.uk').join('\n')).toMatch(/"\*\.co\.uk" matches every domain registered under the public suffix "co\.uk".*\*\.example\.co\.uk/);
    // the Public Suffix List's private section: subdomains of different owners
    for (const fqdn of ['*.github.io', '*.s3.amazonaws.com']) expect(to(fqdn).join('\n'), fqdn).toMatch(/matches every domain registered under the public suffix/);
    // a wildcard under a registrable domain, or a plain name that is a public suffix, has one owner
    for (const fqdn of ['*.example.co.uk', '*.cdn.example.com', '*.svc.cluster.local', 'co.uk', 'mybucket.s3.amazonaws.com']) expect(to(fqdn), fqdn).toEqual([]);
  });

  it('refuses mtls on a UDP or SCTP port (per-port mTLS is keyed by number, and would change the TCP port of that number)', () => {
    const s = workload({ namespace: 'shop', name: 's', ports: { web: { port: 5000 }, zq: { port: 5000, protocol: 'UDP', mtls: 'DISABLE' } } });
    expectProblem(base({ workloads: [s], flows: [] }), 'workload shop/s', /port "zq": mtls applies to TCP ports only/);
  });
});
