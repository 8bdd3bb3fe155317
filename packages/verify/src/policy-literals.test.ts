import { describe, expect, it } from 'vitest';
import { fqdnWitnesses, regexWitnesses, requestWitnesses } from './policy-literals.ts';

describe('witnesses of what the policies name', () => {
  it('finds a string each HTTP regular expression form matches, and none for forms it cannot read', () => {
    expect(regexWitnesses('/api/.*')).toEqual(['/api/ztp-probe']);
    expect(regexWitnesses('/metrics(\\?.*)?')).toEqual(['/metrics', '/metrics?ztp-probe']);
    expect(regexWitnesses('^/a/[^/]+/b$')).toEqual(['/a/ztp-probe/b']);
    expect(regexWitnesses('/debug/pprof/.*|/admin.*')).toEqual(['/debug/pprof/ztp-probe', '/adminztp-probe']);
    expect(regexWitnesses('GET|POST')).toEqual(['GET', 'POST']);
    expect(regexWitnesses('/v(?:1|2)/x')).toEqual(['/v1/x', '/v2/x']);
    expect(regexWitnesses('/a\\.b')).toEqual(['/a.b']);
    for (const unread of ['/[a-z]+', '/a{2}', '/\\d+', '/(a']) expect(regexWitnesses(unread), unread).toEqual([]);
    for (const r of ['/api/.*', '/metrics(\\?.*)?', '^/a/[^/]+/b$', '/debug/pprof/.*|/admin.*', '/v(?:1|2)/x']) {
      for (const w of regexWitnesses(r)) expect(new RegExp(`^(?:${r})$`).test(w), `${r} ${w}`).toBe(true);
    }
  });

  it('names a request per Istio operation and Cilium HTTP rule, and reports the regular expressions it cannot read', () => {
    const ap = { kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace: 'n' }, spec: { rules: [{ to: [{ operation: { methods: ['GET', 'TRACE'], paths: ['/api/*', '/admin', '*'] } }] }] } };
    const cnp = { kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'n' }, spec: { ingress: [{ toPorts: [{ rules: { http: [{ method: 'DELETE', path: '/x/.*' }, { path: '/[0-9]+' }] } }] }] } };
    const w = requestWitnesses([ap, cnp]);
    expect(w.requests).toEqual([
      { method: 'GET', path: '/api/ztp-probe' },
      { method: 'TRACE', path: '/api/ztp-probe' },
      { method: 'GET', path: '/admin' },
      { method: 'DELETE', path: '/x/ztp-probe' },
    ]);
    expect(w.unwitnessed).toEqual(['CiliumNetworkPolicy n/c path: "/[0-9]+"']);
  });

  it('names a host per toFQDNs entry, a pattern with its wildcards filled', () => {
    const cnp = { kind: 'CiliumNetworkPolicy', spec: { egress: [{ toFQDNs: [{ matchName: 'Attacker.example.org.' }, { matchPattern: '*.example.com' }, { matchPattern: '*' }] }] } };
    expect(fqdnWitnesses([cnp])).toEqual(['attacker.example.org', 'ztp-probe.example.com']);
  });
});
