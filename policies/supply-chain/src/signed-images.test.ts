import { emitAdmission } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { signedImages } from './signed-images.ts';

const KEY = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n';
const CI = { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/ml/.github/workflows/release.yaml@refs/heads/main' };

describe('signedImages', () => {
  it('gives every trust entry its own signature rule over its registries, and one trusted-registry rule over all of them', () => {
    const m = signedImages({
      trust: [
        { name: 'release', registries: ['registry.example.com/shop/'], keys: [KEY] },
        { name: 'ci', registries: ['registry.example.com/ml/', 'ghcr.io/acme/'], keyless: [CI], keys: [KEY] },
      ],
    });
    expect(m.rules?.map((r) => r.id)).toEqual(['signed-release', 'signed-ci', 'trusted-registry']);
    const [release, ci] = m.rules!;
    expect(release).toMatchObject({ kind: 'image-signature', images: ['registry.example.com/shop/*'], signers: [{ kind: 'key', publicKey: KEY }], requireDigest: true });
    expect(ci).toMatchObject({ images: ['registry.example.com/ml/*', 'ghcr.io/acme/*'], signers: [{ kind: 'key' }, { kind: 'keyless', ...CI }] });
    const out = emitAdmission([m], { environment: 'e', enforcement: 'enforce', namespaces: [], forms: ['kyverno'] });
    expect(out.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ImageValidatingPolicy/signed-images-signed-release',
      'ImageValidatingPolicy/signed-images-signed-ci',
      'ValidatingPolicy/signed-images-trusted-registry',
    ]);
  });

  it('passes requireDigest: false on to the signature rules', () => {
    const m = signedImages({ trust: [{ name: 'release', registries: ['registry.example.com/'], keys: [KEY] }], requireDigest: false });
    expect(m.rules![0]).toMatchObject({ requireDigest: false });
  });

  it.each([
    [{ trust: [] }, 'at least one trusted signer entry'],
    [{ trust: [{ name: 'a', registries: ['registry.example.com/'], keys: [KEY] }, { name: 'a', registries: ['ghcr.io/'], keys: [KEY] }] }, 'trust entry a is listed twice'],
    [{ trust: [{ name: 'a', registries: [], keys: [KEY] }] }, 'covers no registry'],
    [{ trust: [{ name: 'a', registries: ['registry.example.com'], keys: [KEY] }] }, "must end in '/'"],
    [{ trust: [{ name: 'a', registries: ['registry.example.com/'] }] }, 'no key and no keyless identity'],
  ])('refuses %j', (options, message) => {
    expect(() => signedImages(options)).toThrow(message);
  });
});
