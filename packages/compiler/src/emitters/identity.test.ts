import { describe, expect, it } from 'vitest';
import { flow, runtime, secret, workload } from '@ztp/model';
import { AMBIENT, byName, CERTS, irOf, NO_MESH, shop } from '../testing.ts';
import { emitCertificates } from './certificates.ts';
import { emitFalco, expectedPortsByNamespace, falcoRules } from './falco.ts';
import { emitNamespaces } from './namespaces.ts';
import { emitRbac } from './rbac.ts';
import { emitSecrets, refreshInterval } from './secrets.ts';
import { parse } from 'yaml';

describe('emitNamespaces', () => {
  it('labels namespaces for sidecar injection or ambient once the mesh layer is on', () => {
    const { web } = shop();
    expect(emitNamespaces(irOf({ workloads: [web] }))[0]?.object.metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'ztp.dev/environment': 'test' });
    expect(emitNamespaces(irOf({ mesh: AMBIENT, workloads: [web] }))[0]?.object.metadata.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient' });
    expect(emitNamespaces(irOf({ phase: 1, workloads: [web] }))[0]?.object.metadata.labels).not.toHaveProperty('istio-injection');
  });
});

describe('emitRbac', () => {
  it('does not mount a token for workloads without API access', () => {
    const { web } = shop();
    const out = byName(emitRbac(irOf({ workloads: [web] })));
    expect(out.get('ServiceAccount shop/web')).toMatchObject({ automountServiceAccountToken: false });
    expect(out.has('Role shop/ztp-web')).toBe(false);
  });
  it('grants exactly the declared permissions to the workload\'s own service account', () => {
    const op = workload({ namespace: 'shop', name: 'op', serviceAccount: 'op-sa', apiAccess: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['op-lock'] }] });
    // a second workload of the namespace with access of its own: neither gets the other's
    const cfg = workload({ namespace: 'shop', name: 'cfg', apiAccess: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['cfg-settings'] }] });
    const { web } = shop();
    const out = byName(emitRbac(irOf({ workloads: [op, cfg, web] })));
    expect(out.get('ServiceAccount shop/op-sa')).toMatchObject({ automountServiceAccountToken: true });
    expect((out.get('Role shop/ztp-op') as unknown as { rules: unknown }).rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['op-lock'] }]);
    expect((out.get('Role shop/ztp-cfg') as unknown as { rules: unknown }).rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['cfg-settings'] }]);
    const binding = (name: string) => out.get(`RoleBinding shop/${name}`) as unknown as { roleRef: unknown; subjects: unknown };
    expect(binding('ztp-op').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ztp-op' });
    expect(binding('ztp-op').subjects).toEqual([{ kind: 'ServiceAccount', name: 'op-sa', namespace: 'shop' }]);
    expect(binding('ztp-cfg').subjects).toEqual([{ kind: 'ServiceAccount', name: 'cfg', namespace: 'shop' }]);
    expect([...out.keys()].filter((k) => k.startsWith('Role')).sort()).toEqual(['Role shop/ztp-cfg', 'Role shop/ztp-op', 'RoleBinding shop/ztp-cfg', 'RoleBinding shop/ztp-op']);
  });
});

describe('emitCertificates', () => {
  it('issues a short-lived SPIFFE certificate per workload when there is no mesh', () => {
    const { web } = shop();
    const out = byName(emitCertificates(irOf({ mesh: NO_MESH, certificates: CERTS, trustDomain: 'stage.example', workloads: [web] })));
    expect(out.get('Certificate shop/ztp-web-svid')?.spec).toMatchObject({
      secretName: 'web-svid',
      uris: ['spiffe://stage.example/ns/shop/sa/web'],
      duration: '1h',
      renewBefore: '30m',
      issuerRef: { kind: 'ClusterIssuer', name: 'spiffe-ca', group: 'cert-manager.io' },
    });
  });
  it("guards each certificate's Secret from the phase it is issued in: only the workload's own service account may reference it", () => {
    const { web, db } = shop();
    const out = byName(emitCertificates(irOf({ phase: 2, mesh: NO_MESH, certificates: CERTS, workloads: [web, db] })));
    const vap = out.get('ValidatingAdmissionPolicy /ztp-test-svid-mounts') as unknown as { spec: { variables: { name: string; expression: string }[]; validations: { expression: string }[] } };
    expect(vap.spec.variables.slice(0, 2)).toEqual([
      { name: 'allowed', expression: "['shop/db/db-svid', 'shop/web/web-svid']" },
      { name: 'guarded', expression: "['shop/db-svid', 'shop/web-svid']" },
    ]);
    // every reference is checked against the guarded list first: other secrets are left to the secrets layer
    for (const v of vap.spec.validations) expect(v.expression).toContain("in variables.guarded) || (request.namespace + '/' + variables.serviceAccount + '/' +");
    expect(vap.spec.validations).toHaveLength(6);
    expect(out.get('ValidatingAdmissionPolicyBinding /ztp-test-svid-mounts')).toMatchObject({ spec: { policyName: 'ztp-test-svid-mounts', validationActions: ['Deny'] } });
    expect(emitCertificates(irOf({ phase: 2, mesh: NO_MESH, certificates: CERTS, workloads: [web] })).map((e) => e.layer)).toEqual(['mesh', 'mesh', 'mesh']);
  });
  it('issues none under a mesh (Istio issues identities) or before phase 2', () => {
    const { web } = shop();
    expect(emitCertificates(irOf({ workloads: [web] }))).toEqual([]);
    expect(emitCertificates(irOf({ phase: 1, mesh: NO_MESH, certificates: CERTS, workloads: [web] }))).toEqual([]);
  });
});

describe('emitSecrets', () => {
  it('refreshes dynamic secrets at half their TTL', () => {
    expect(refreshInterval('1h')).toBe('30m');
    expect(refreshInterval('15m')).toBe('7m30s');
  });
  it('uses a VaultDynamicSecret generator that logs in as the workload itself', () => {
    const { web, db } = shop();
    const out = byName(emitSecrets(irOf({ workloads: [web, db], secrets: [secret({ workload: web, name: 'db-creds', kind: 'dynamic', path: 'database/creds/web', ttl: '1h' })], vault: { server: 'https://vault.vault.svc:8200' } })));
    expect(out.get('VaultDynamicSecret shop/ztp-db-creds')?.spec).toEqual({
      path: 'database/creds/web',
      method: 'GET',
      resultType: 'Data',
      provider: { server: 'https://vault.vault.svc:8200', auth: { kubernetes: { mountPath: 'kubernetes', role: 'ztp.test.shop.web', serviceAccountRef: { name: 'web', audiences: ['vault'] } } } },
    });
    expect(out.get('ExternalSecret shop/db-creds')?.spec).toMatchObject({ refreshInterval: '30m', target: { name: 'db-creds' }, dataFrom: [{ sourceRef: { generatorRef: { kind: 'VaultDynamicSecret', name: 'ztp-db-creds' } } }] });
  });
  it('uses a per-workload SecretStore for static KV secrets', () => {
    const { web } = shop();
    const out = byName(emitSecrets(irOf({ workloads: [web], secrets: [secret({ workload: web, name: 'session', kind: 'static', path: 'secret/web/session', keys: ['key'] })], vault: { server: 'https://vault:8200' } })));
    expect(out.get('SecretStore shop/ztp-web-vault-secret')?.spec).toMatchObject({ provider: { vault: { path: 'secret', version: 'v2', auth: { kubernetes: { role: 'ztp.test.shop.web', serviceAccountRef: { name: 'web', audiences: ['vault'] } } } } } });
    expect(out.get('ExternalSecret shop/session')?.spec).toMatchObject({ secretStoreRef: { name: 'ztp-web-vault-secret', kind: 'SecretStore' }, data: [{ secretKey: 'key', remoteRef: { key: 'web/session', property: 'key' } }] });
  });
  it('lets a pod reference only the secrets declared for its service account', () => {
    const { web, db } = shop();
    const out = byName(emitSecrets(irOf({ mesh: NO_MESH, certificates: CERTS, workloads: [web, db], secrets: [secret({ workload: web, name: 'db-creds', kind: 'dynamic', path: 'database/creds/web', ttl: '1h' })], vault: { server: 'https://vault:8200' } })));
    const vap = out.get('ValidatingAdmissionPolicy /ztp-test-secret-mounts') as unknown as { spec: { variables: { name: string; expression: string }[]; validations: unknown[] } };
    expect(vap.spec.variables[0]).toEqual({ name: 'allowed', expression: "['shop/db/db-svid', 'shop/web/db-creds', 'shop/web/web-svid']" });
    expect(vap.spec.validations).toHaveLength(6);
    expect(out.get('ValidatingAdmissionPolicyBinding /ztp-test-secret-mounts')).toMatchObject({ spec: { validationActions: ['Deny'], matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } } } });
    const audit = byName(emitSecrets(irOf({ enforcement: 'audit', workloads: [web] })));
    expect(audit.get('ValidatingAdmissionPolicyBinding /ztp-test-secret-mounts')).toMatchObject({ spec: { validationActions: ['Warn', 'Audit'] } });
  });
  it('emits nothing before phase 3', () => {
    const { web } = shop();
    expect(emitSecrets(irOf({ phase: 2, workloads: [web] }))).toEqual([]);
  });
});

describe('emitFalco', () => {
  it('alerts on outbound ports a namespace is not expected to use', () => {
    const { web, db } = shop();
    const ir = irOf({ namespaces: ['shop', 'ml'], workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })], runtime: [runtime({ namespace: 'ml', outboundPorts: [443, 8080], priority: 'ERROR' })] });
    const expected = expectedPortsByNamespace(ir);
    expect(expected.get('ml')).toEqual([53, 443, 8080, 15012]);
    // with sidecars, the namespace's own ports too: the sidecar hands each inbound connection to the application by connecting to the pod's IP at its port
    expect(expected.get('shop')).toEqual([53, 5432, 8080, 15012]);
    const noMesh = expectedPortsByNamespace(irOf({ mesh: NO_MESH, certificates: CERTS, namespaces: ['shop'], workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })] }));
    expect(noMesh.get('shop')).toEqual([53, 5432]);
    const rules = parse(falcoRules(ir).split('\n').filter((l) => l !== '').join('\n')) as Record<string, unknown>[];
    expect(rules.find((r) => r.rule === 'ztp unexpected outbound port in ml')).toMatchObject({ condition: 'ztp_outbound and k8s.ns.name = "ml" and not fd.sport in (ztp_ml_expected_outbound_ports)', priority: 'ERROR' });
    expect(rules.find((r) => r.list === 'ztp_ml_expected_outbound_ports')).toEqual({ list: 'ztp_ml_expected_outbound_ports', items: [53, 443, 8080, 15012] });
    // the macro: a connect's exit event (Falco drops enter events) or a first unconnected UDP send, to an address that is not loopback or unspecified
    expect(rules[0]).toEqual({
      macro: 'ztp_outbound',
      condition: '(((evt.type = connect and evt.dir=<) or (evt.type in (sendto,sendmsg) and evt.dir=< and fd.l4proto != tcp and fd.connected=false and fd.name_changed=true)) and (fd.typechar = 4 or fd.typechar = 6) and (fd.ip != "0.0.0.0" and fd.net != "127.0.0.0/8") and (evt.rawres >= 0 or evt.res = EINPROGRESS))',
    });
    expect(emitFalco(ir)).toHaveLength(1);
    expect(emitFalco(irOf({ phase: 3, workloads: [web] }))).toEqual([]);
  });
});
