import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CrdRegistry, crdsDir } from './crds.ts';
import { unknownFields } from './schema-walk.ts';

describe('unknownFields', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { a: { type: 'string' }, list: { type: 'array', items: { type: 'object', properties: { x: { type: 'integer' } } } }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, map: { type: 'object', additionalProperties: { type: 'object', properties: { mode: { type: 'string' } } } } } },
    },
  };
  it('finds misspelt fields at any depth, and respects preserve-unknown-fields and maps', () => {
    expect(unknownFields({ spec: { a: 'x', list: [{ x: 1, y: 2 }], free: { anything: 1 }, map: { k: { mode: 'A', mood: 'B' } }, b: 1 } }, schema)).toEqual(['spec.list[0].y', 'spec.map.k.mood', 'spec.b']);
    expect(unknownFields({ spec: { a: 'x' } }, schema)).toEqual([]);
  });
});

const dir = crdsDir();
const present = existsSync(dir);
if (!present) {
  if (process.env.CI) throw new Error(`CRDs folder ${dir} is missing; CI must have ../shared/crds`);
  console.log(`crd-schema: not run, because the CRDs folder ${dir} is missing (set ZTP_CRDS_DIR)`);
}

describe.runIf(present)('CrdRegistry on the real upstream CRDs', () => {
  const crds = present ? new CrdRegistry(dir) : undefined;
  it('knows every kind ztp emits', () => {
    for (const [apiVersion, kind] of [
      ['cilium.io/v2', 'CiliumNetworkPolicy'],
      ['security.istio.io/v1', 'AuthorizationPolicy'],
      ['security.istio.io/v1', 'PeerAuthentication'],
      ['cert-manager.io/v1', 'Certificate'],
      ['external-secrets.io/v1', 'ExternalSecret'],
      ['external-secrets.io/v1', 'SecretStore'],
      ['generators.external-secrets.io/v1alpha1', 'VaultDynamicSecret'],
      ['argoproj.io/v1alpha1', 'ApplicationSet'],
      ['policies.kyverno.io/v1', 'ValidatingPolicy'],
      ['kyverno.io/v1', 'ClusterPolicy'],
      ['templates.gatekeeper.sh/v1', 'ConstraintTemplate'],
    ] as const) {
      expect(crds!.has(apiVersion, kind), `${apiVersion} ${kind}`).toBe(true);
    }
    expect(crds!.has('external-secrets.io/v1beta1', 'ExternalSecret')).toBe(false);
  });
  it('rejects a wrong enum and reports unknown fields', () => {
    const bad = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'x' }, spec: { action: 'PERMIT', rulez: [] } };
    const problems = crds!.check(bad);
    expect(problems.some((p) => p.includes('/spec/action'))).toBe(true);
    expect(problems).toContain('unknown field spec.rulez (the apiserver would drop it)');
  });
  it('accepts a valid CiliumNetworkPolicy', () => {
    expect(crds!.check({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x' }, spec: { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { a: 'b' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] } })).toEqual([]);
  });
});
