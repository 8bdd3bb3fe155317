/**
 * @ztp/policy-supply-chain: where images come from, how they are named, who signed them.
 *
 *     admission: [allowedRegistries({ registries: ['ghcr.io/acme/'] }), imageTags(), signedImages({ images, publicKey })]
 */
export { allowedRegistries, ALLOWED_REGISTRIES_ID } from './allowed-registries.ts';
export type { AllowedRegistriesOptions } from './allowed-registries.ts';
export { HAS_TAG, IMAGE_TAGS_ID, imageTags } from './image-tags.ts';
export type { ImageTagsOptions } from './image-tags.ts';
export { SIGNED_IMAGES_ID, signedImages } from './signed-images.ts';
export type { SignedImagesOptions } from './signed-images.ts';
