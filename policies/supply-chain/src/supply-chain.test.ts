import { describeModuleProof } from '@ztp/admission/testing';
import { allowedRegistries, imageTags, signedImages } from './index.ts';

const modules = [allowedRegistries({ registries: ['ghcr.io/acme/', 'registry.example.com/'] }), imageTags({ exemptImages: ['registry.example.com/tools:latest', 'ghcr.io/acme/debug-*'] }), signedImages({ images: ['ghcr.io/acme/*'], publicKey: '-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----' })];

describeModuleProof('supply-chain', modules);
