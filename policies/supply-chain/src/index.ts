/**
 * @ztp/policy-supply-chain: where images come from, how they are named, who signed them.
 *
 *     admission: [
 *       allowedRegistries({ registries: ['ghcr.io/acme/'] }),
 *       imageTags(),
 *       imageDigests(),
 *       signedImages({ trust: [{ name: 'release', registries: ['ghcr.io/acme/'], keys: [pem] }] }),
 *     ]
 */
export { allowedRegistries, ALLOWED_REGISTRIES_ID } from './allowed-registries.ts';
export type { AllowedRegistriesOptions } from './allowed-registries.ts';
export { IMAGE_DIGESTS_ID, imageDigests, PINNED } from './image-digests.ts';
export type { ImageDigestsOptions } from './image-digests.ts';
export { HAS_TAG, IMAGE_TAGS_ID, imageTags } from './image-tags.ts';
export type { ImageTagsOptions } from './image-tags.ts';
export { SIGNED_IMAGES_ID, signedImages } from './signed-images.ts';
export type { KeylessIdentity, SignedImagesOptions, TrustedSigners } from './signed-images.ts';
