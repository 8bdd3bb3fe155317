import { describe, expect, it } from 'vitest';
import { fqdnWitnesses, namedPortWitnesses, regexWitnesses, requestWitnesses, witnessesFor } from './policy-literals.ts';

describe('witnesses of what the policies name', () => {
  it('finds a string each HTTP regular expression form matches, and none for forms it cannot read', () => {
    expect(regexWitnesses('/api/.*')).toEqual(['/api/ztp-probe']);
    expect(regexWitnesses('/metrics(\\?.*)?')).toEqual(['/metrics', '/metrics?ztp-probe']);
    expect(regexWitnesses('^/a/[^/]+/b$')).toEqual(['/a/ztp-probe/b']);
    expect(regexWitnesses('/debug/pprof/.*|/admin.*')).toEqual(['/debug/pprof/ztp-probe', '/adminztp-probe']);
    expect(regexWitnesses('GET|POST')).toEqual(['GET', 'POST']);
    expect(regexWitnesses('/v(?:1|2)/x')).toEqual(['/v1/x', '/v2/x']);
    expect(regexWitnesses('/a\\.b')).toEqual(['/a.b']);
    // a wildcard alone is one character
    expect(regexWitnesses('/api/.*|/admi.')).toEqual(['/api/ztp-probe', '/admiz']);
    expect(regexWitnesses('/admin/[^/]')).toEqual(['/admin/z']);
    for (const unread of ['/[a-z]+', '/a{2}', '/\\d+', '/(a']) expect(regexWitnesses(unread), unread).toEqual([]);
    for (const r of ['/api/.*', '/metrics(\\?.*)?', '^/a/[^/]+/b$', '/debug/pprof/.*|/admin.*', '/v(?:1|2)/x', '/api/.*|/admi.', '/admin/[^/]', '/a.?b']) {
      for (const w of regexWitnesses(r)) expect(new RegExp(`^(?:${r})$`).test(w), `${r} ${w}`).toBe(true);
    }
  });

  it('names a request per Istio operation and Cilium HTTP rule, and reports the regular expressions it cannot read', () => {
    const ap = { kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace: 'n' }, spec: { rules: [{ to: [{ operation: { methods: ['GET', 'TRACE'], paths: ['/api/*', '/admin', '*'] } }] }] } };
    const cnp = { kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'n' }, spec: { ingress: [{ toPorts: [{ rules: { http: [{ method: 'DELETE', path: '/x/.*' }, { path: '/[0-9]+' }] } }] }] } };
    const w = requestWitnesses([ap, cnp]);
    // every method with every path: a rule admits each pair
    expect(w.policies.map((p) => p.requests)).toEqual([
      [
        { method: 'GET', path: '/api/ztp-probe' },
        { method: 'GET', path: '/admin' },
        { method: 'GET', path: '/ztp-probe' },
        { method: 'TRACE', path: '/api/ztp-probe' },
        { method: 'TRACE', path: '/admin' },
        { method: 'TRACE', path: '/ztp-probe' },
      ],
      [{ method: 'DELETE', path: '/x/ztp-probe' }],
    ]);
    expect(w.unwitnessed).toEqual(['CiliumNetworkPolicy n/c path: "/[0-9]+"']);
    // the TCP ports the HTTP rules name (Istio's operation ports, Cilium's toPorts at TCP or ANY)
    const withPorts = [
      { kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace: 'n' }, spec: { rules: [{ to: [{ operation: { ports: ['9999', 'x'], paths: ['/a'] } }, { operation: { ports: ['7000'] } }] }] } },
      { kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'n' }, spec: { ingress: [{ toPorts: [{ ports: [{ port: '8081', protocol: 'TCP' }, { port: '53', protocol: 'UDP' }, { port: 'http' }], rules: { http: [{ path: '/b' }] } }] }] } },
    ];
    expect(requestWitnesses(withPorts).policies.map((p) => p.ports)).toEqual([[9999], [8081]]);
    // a rule naming only what it excludes: a path and a method outside
    const not = { kind: 'AuthorizationPolicy', metadata: { name: 'x', namespace: 'n' }, spec: { rules: [{ to: [{ operation: { notPaths: ['/a'], notMethods: ['GET'] } }] }] } };
    expect(requestWitnesses([not]).policies[0]!.requests).toEqual([{ method: 'POST', path: '/ztp-probe' }]);
    expect(requestWitnesses(withPorts).policies.map((p) => p.anyPort)).toEqual([false, false]);
  });

  it('tries an HTTP rule at every port when it names none, or only those it excludes; a rule of Host, headers or `*` alone is tried too', () => {
    const ap = (rule: Record<string, unknown>) => ({ kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace: 'n' }, spec: { rules: [rule] } });
    const one = (rule: Record<string, unknown>) => requestWitnesses([ap(rule)]).policies[0];
    // Istio matches `*` to any non-empty value, and every HTTP request has a Host
    expect(one({ to: [{ operation: { hosts: ['*'] } }] })).toMatchObject({ requests: [{ method: 'GET', path: '/' }], anyPort: true });
    expect(one({ to: [{ operation: { methods: ['*'], ports: ['9999'] } }] })).toMatchObject({ requests: [{ method: 'GET', path: '/' }], ports: [9999], anyPort: false });
    expect(one({ to: [{ operation: { paths: ['*'], ports: ['9999'] } }] })).toMatchObject({ requests: [{ method: 'GET', path: '/ztp-probe' }], anyPort: false });
    expect(one({ to: [{ operation: { methods: ['GET'], notPorts: ['8080'] } }] })).toMatchObject({ anyPort: true });
    expect(one({ to: [{ operation: { methods: ['GET'] } }] })).toMatchObject({ anyPort: true });
    // a request.* condition makes the rule HTTP-only: at every port, or at the ports it names
    expect(one({ when: [{ key: 'request.headers[x-debug]', values: ['1'] }] })).toMatchObject({ requests: [{ method: 'GET', path: '/' }], anyPort: true });
    expect(one({ to: [{ operation: { ports: ['7000'] } }], when: [{ key: 'request.headers[x-debug]', values: ['1'] }] })).toMatchObject({ ports: [7000], anyPort: false });
    // so does a source's (not)requestPrincipals: `notRequestPrincipals: ["*"]` is every request without a JWT
    expect(one({ from: [{ source: { notRequestPrincipals: ['*'] } }] })).toMatchObject({ requests: [{ method: 'GET', path: '/' }], anyPort: true });
    expect(one({ from: [{ source: { requestPrincipals: ['issuer/subject'] } }], to: [{ operation: { ports: ['7000'] } }] })).toMatchObject({ ports: [7000], anyPort: false });
    // an L4 rule (ports only, no request.* condition) is proven by the TCP probes: no witness
    expect(one({ to: [{ operation: { ports: ['7000'] } }] })).toBeUndefined();
    // a Cilium rule of Host or headers only
    const cnp = { kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'n' }, spec: { ingress: [{ toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ host: '.*' }, { headers: ['X-Debug: 1'] }] } }] }] } };
    expect(requestWitnesses([cnp]).policies[0]).toMatchObject({ requests: [{ method: 'GET', path: '/' }], ports: [8080], anyPort: false });
  });

  it("gives each pod the requests of the policies that may apply to it: its namespace's, the root's, clusterwide, by selector", () => {
    const policy = (namespace: string | undefined, selects: Record<string, string> | undefined, path: string, ports: number[] = [], anyPort = false) => ({ namespace, selects, requests: [{ method: 'GET', path }], ports, anyPort });
    const ps = [policy('n', { app: 'a' }, '/a', [9000]), policy('n', { app: 'b' }, '/b', [9001]), policy('other', {}, '/other'), policy('istio-system', {}, '/root'), policy(undefined, undefined, '/all'), policy('n', undefined, '/expr')];
    expect(witnessesFor(ps, 'n', { app: 'a' }, 'istio-system').requests.map((q) => q.path)).toEqual(['/a', '/root', '/all', '/expr']);
    expect(witnessesFor(ps, 'other', { app: 'a' }, undefined).requests.map((q) => q.path)).toEqual(['/other', '/all']);
    expect([...witnessesFor(ps, 'n', { app: 'a' }, 'istio-system').ports]).toEqual([9000]);
    // any labels: every policy of the namespace
    expect(witnessesFor(ps, 'n', undefined, 'istio-system').requests.map((q) => q.path)).toEqual(['/a', '/b', '/root', '/all', '/expr']);
    expect([...witnessesFor(ps, 'n', undefined, 'istio-system').ports]).toEqual([9000, 9001]);
    // a policy whose HTTP rule applies at every port makes its pods' requests tried at every port
    expect(witnessesFor(ps, 'n', { app: 'a' }, 'istio-system').anyPort).toBe(false);
    const everyPort = [...ps, policy('n', { app: 'b' }, '/any', [], true)];
    expect(witnessesFor(everyPort, 'n', { app: 'a' }, 'istio-system').anyPort).toBe(false);
    expect(witnessesFor(everyPort, 'n', { app: 'b' }, 'istio-system').anyPort).toBe(true);
  });

  it('names each port name a NetworkPolicy or Cilium rule names, once, with its protocol; names no container port can have are left out', () => {
    const np = { kind: 'NetworkPolicy', spec: { ingress: [{ ports: [{ port: 'metrics' }, { port: 8080 }, { port: '9090' }, { port: 'dns', protocol: 'UDP' }] }], egress: [{ ports: [{ port: 'Admin' }, { port: 'a-very-long-port-name' }, { port: 'metrics', protocol: 'UDP' }] }] } };
    const cnp = { kind: 'CiliumClusterwideNetworkPolicy', specs: [{ egress: [{ toPorts: [{ ports: [{ port: 'Admin', protocol: 'ANY' }, { port: 'sctp-x', protocol: 'SCTP' }] }] }] }] };
    expect(namedPortWitnesses([np, cnp])).toEqual([
      { name: 'admin', protocol: 'TCP' }, // Cilium lower-cases; the NetworkPolicy's "Admin" matches no container port
      { name: 'dns', protocol: 'UDP' },
      { name: 'metrics', protocol: 'TCP' },
      { name: 'sctp-x', protocol: 'SCTP' },
    ]);
  });

  it('names a host per toFQDNs entry, a pattern with its wildcards filled', () => {
    const cnp = { kind: 'CiliumNetworkPolicy', spec: { egress: [{ toFQDNs: [{ matchName: 'Attacker.example.org.' }, { matchPattern: '*.example.com' }, { matchPattern: '*' }] }] } };
    expect(fqdnWitnesses([cnp])).toEqual(['attacker.example.org', 'ztp-probe.example.com']);
  });
});
