import { allow, container, deny, imageSignatureRule, pod } from '@ztp/admission';
import type { AdmissionModule } from '@ztp/admission';

/** Parameters of signedImages. */
export interface SignedImagesOptions {
  /** Image references the rule applies to, Kyverno wildcards (e.g. `ghcr.io/acme/*`). */
  readonly images: readonly string[];
  /** PEM-encoded cosign public key the signatures must verify with. */
  readonly publicKey: string;
}

/** The id of the module signedImages returns. */
export const SIGNED_IMAGES_ID = 'signed-images';

/**
 * Images must be signed with the given key. Only Kyverno checks this (it fetches signatures from
 * the registry): the kyverno-legacy form gets a `verifyImages` rule; every other form says in its
 * output that it does not check it.
 */
export function signedImages(options: SignedImagesOptions): AdmissionModule {
  const image = options.images[0]?.replace(/\*$/, 'app:1.0') ?? 'registry.example.com/app:1.0';
  return {
    id: SIGNED_IMAGES_ID,
    description: `Images matching ${options.images.join(', ')} are signed with the given key (Kyverno only)`,
    rules: [
      imageSignatureRule({
        id: 'signed-images',
        title: 'Signed images: images must carry a signature made with the given key',
        message: 'image signature: images must be signed with the configured key',
        images: options.images,
        publicKey: options.publicKey,
        examples: [
          allow('signed', pod('signed', { containers: [container('app', { image })] }), 'needs the image and its signature in a registry'),
          deny('unsigned', pod('unsigned', { containers: [container('app', { image })] }), { note: 'needs an unsigned image in a registry' }),
        ],
      }),
    ],
  };
}
