import { describe, expect, it } from 'vitest';
import type { AdmissionModule, AdmissionSettings } from '../contract.ts';
import { imageSignatureRule } from '../rule/build.ts';
import { insecureSettingsIn } from '../testing/insecure-registry-fixture.ts';
import { emitAdmission } from './index.ts';
import { attestorNames, kyvernoImageValidatingPolicy, verifyAllExpression } from './kyverno-image-validating-policy.ts';

const KEY = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'https://github.com/acme/shop/.github/workflows/release.yaml@refs/heads/main';

const rule = (requireDigest?: boolean) =>
  imageSignatureRule({
    id: 'signed-release',
    title: 'signed',
    message: 'images must be signed',
    images: ['registry.example.com/shop/*'],
    signers: [
      { kind: 'key', publicKey: KEY },
      { kind: 'keyless', issuer: ISSUER, subject: SUBJECT },
      { kind: 'key', publicKey: KEY.replace('MFkw', 'MFkx') },
    ],
    ...(requireDigest === undefined ? {} : { requireDigest }),
    examples: [],
  });
const module = (requireDigest?: boolean): AdmissionModule => ({ id: 'signed-images', description: 'd', rules: [rule(requireDigest)] });
const settings: AdmissionSettings = { environment: 'production', enforcement: 'enforce', namespaces: ['shop'], forms: ['kyverno'] };

describe('ImageValidatingPolicy form', () => {
  it('names the attestors by kind and position, and requires one of them for every image of the pod', () => {
    expect(attestorNames(rule().signers)).toEqual(['key1', 'keyless1', 'key2']);
    expect(verifyAllExpression(['key1', 'keyless1'])).toBe(
      '(images.?containers.orValue([]) + images.?initContainers.orValue([]) + images.?ephemeralContainers.orValue([])).map(image, verifyImageSignatures(image, [attestors.key1, attestors.keyless1])).all(verified, verified > 0)',
    );
  });

  it('fails closed, sees ephemeral containers, refuses tags by default, and trusts exactly the given keys and identities', () => {
    const policy = kyvernoImageValidatingPolicy(module(), rule(), settings);
    expect(policy.metadata.name).toBe('signed-images-signed-release');
    expect(policy['spec']).toEqual({
      failurePolicy: 'Fail',
      validationActions: ['Deny'],
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
          // `kubectl debug` adds containers through this subresource; a policy without it never sees them
          { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'] },
        ],
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] },
      },
      matchImageReferences: [{ glob: 'registry.example.com/shop/*' }],
      validationConfigurations: { mutateDigest: false, verifyDigest: true, required: true },
      attestors: [
        { name: 'key1', cosign: { key: { data: KEY } } },
        { name: 'keyless1', cosign: { keyless: { identities: [{ issuer: ISSUER, subject: SUBJECT }] } } },
        { name: 'key2', cosign: { key: { data: KEY.replace('MFkw', 'MFkx') } } },
      ],
      validations: [{ expression: verifyAllExpression(['key1', 'keyless1', 'key2']), message: 'images must be signed' }],
    });
  });

  it('without requireDigest lets Kyverno pin tags to the digest it verified', () => {
    const spec = kyvernoImageValidatingPolicy(module(false), rule(false), settings)['spec'] as Record<string, unknown>;
    expect(spec['validationConfigurations']).toEqual({ mutateDigest: true, verifyDigest: false, required: true });
  });

  it('audits in audit environments', () => {
    const spec = kyvernoImageValidatingPolicy(module(), rule(), { ...settings, enforcement: 'audit' })['spec'] as Record<string, unknown>;
    expect(spec['validationActions']).toEqual(['Audit']);
    expect(spec['failurePolicy']).toBe('Fail');
  });

  it('never emits a setting that switches off TLS or the transparency log, in any form', () => {
    const out = emitAdmission([module()], { ...settings, forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'] });
    const text = [JSON.stringify(out.objects), ...out.files.map((f) => f.content)].join('\n');
    expect(text).toContain('ImageValidatingPolicy');
    expect(text).toContain('verifyImages');
    expect(insecureSettingsIn(text)).toEqual([]);
  });

  it('says in every other form that it does not check signatures', () => {
    const out = emitAdmission([module()], { ...settings, forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'] });
    expect(out.notices?.map((n) => n.form).sort()).toEqual(['conftest', 'gatekeeper', 'kyverno-json', 'native']);
    expect(out.files.find((f) => f.path === 'UNCHECKED.md')?.content).toContain('signed-images/signed-release');
    expect(out.files.find((f) => f.path === 'conftest/signed-images.rego')?.content).toContain('not checked by conftest');
    expect(out.files.find((f) => f.path === 'kyverno-json/signed-images.yaml')?.content).toContain('not checked by kyverno-json');
  });

  it('puts the same signers and digest settings into the legacy verifyImages rule', () => {
    const out = emitAdmission([module()], { ...settings, forms: ['kyverno-legacy'] });
    const rules = (out.objects[0]!['spec'] as { rules: { verifyImages?: unknown[] }[] }).rules;
    expect(rules[0]!.verifyImages).toEqual([
      {
        failureAction: 'Enforce',
        imageReferences: ['registry.example.com/shop/*'],
        mutateDigest: false,
        verifyDigest: true,
        required: true,
        attestors: [
          {
            count: 1,
            entries: [
              { keys: { publicKeys: KEY } },
              { keyless: { issuer: ISSUER, subject: SUBJECT, rekor: { url: 'https://rekor.sigstore.dev' } } },
              { keys: { publicKeys: KEY.replace('MFkw', 'MFkx') } },
            ],
          },
        ],
      },
    ]);
  });
});
