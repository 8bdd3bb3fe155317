import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../contract.ts';
import { forLocalRegistry, INSECURE_SETTINGS, insecureSettingsIn } from './insecure-registry-fixture.ts';

const policy: K8sObject = {
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'ImageValidatingPolicy',
  metadata: { name: 'p' },
  spec: { attestors: [{ name: 'key1', cosign: { key: { data: 'pem' } } }], validations: [] },
};

describe('the test-only insecure registry settings', () => {
  it('are found by key in YAML and JSON, and only as keys', () => {
    for (const key of INSECURE_SETTINGS) {
      expect(insecureSettingsIn(stringify({ a: { [key]: true } }))).toEqual([key]);
      expect(insecureSettingsIn(JSON.stringify({ a: { [key]: true } }))).toEqual([key]);
    }
    expect(insecureSettingsIn('message: "do not set insecureIgnoreTlog"\nignoreTlogs: 1\n')).toEqual([]);
    expect(insecureSettingsIn(stringify(policy))).toEqual([]);
  });

  it('are added by forLocalRegistry to a copy, for every cosign attestor', () => {
    const [fixture] = forLocalRegistry([policy]);
    expect(fixture!['spec']).toMatchObject({
      credentials: { allowInsecureRegistry: true },
      attestors: [{ name: 'key1', cosign: { key: { data: 'pem' }, ctlog: { insecureIgnoreTlog: true, insecureIgnoreSCT: true } } }],
    });
    expect(insecureSettingsIn(stringify(fixture))).toEqual(['allowInsecureRegistry', 'insecureIgnoreTlog', 'insecureIgnoreSCT']);
    expect(insecureSettingsIn(stringify(policy))).toEqual([]);
  });

  it('are added to the key entries of a legacy verifyImages rule', () => {
    const legacy: K8sObject = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'c' }, spec: { rules: [{ name: 'v', verifyImages: [{ attestors: [{ entries: [{ keys: { publicKeys: 'pem' } }, { keyless: { issuer: 'i' } }] }] }] }, { name: 'x', validate: {} }] } };
    const [fixture] = forLocalRegistry([legacy]);
    expect(fixture!['spec']).toMatchObject({ rules: [{ verifyImages: [{ attestors: [{ entries: [{ keys: { publicKeys: 'pem', rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } } }, { keyless: { issuer: 'i' } }] }] }] }, { name: 'x' }] });
    expect(insecureSettingsIn(stringify(fixture))).toEqual(['ignoreTlog', 'ignoreSCT']);
    expect(insecureSettingsIn(stringify(legacy))).toEqual([]);
  });

  it('are refused for any other kind', () => {
    expect(() => forLocalRegistry([{ ...policy, kind: 'ValidatingPolicy' }])).toThrow('ValidatingPolicy p is neither an ImageValidatingPolicy nor a ClusterPolicy');
  });
});
