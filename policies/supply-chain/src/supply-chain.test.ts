import { describeModuleProof } from '@ztp/admission/testing';
import { allowedRegistries, imageDigests, imageTags, signedImages } from './index.ts';

const KEY = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';

const modules = [
  allowedRegistries({ registries: ['ghcr.io/acme/', 'registry.example.com/'] }),
  imageTags({ exemptImages: ['registry.example.com/tools:latest', 'ghcr.io/acme/debug-*'] }),
  imageDigests({ exemptImages: ['ghcr.io/acme/debug-*'] }),
  signedImages({
    trust: [
      { name: 'release', registries: ['ghcr.io/acme/', 'registry.example.com/shop/'], keys: [KEY] },
      { name: 'ci', registries: ['registry.example.com/ml/'], keyless: [{ issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/ml/.github/workflows/release.yaml@refs/heads/main' }] },
    ],
  }),
];

describeModuleProof('supply-chain', modules);
