import { allow, container, deny, imageSignatureRule, pod, someContainer, spec, validationRule, violation, violationWithMessage, withWorkloads } from '@ztp/admission/rule';
import type { AdmissionModule, Example, Rule, Signer } from '@ztp/admission/rule';
import { withImageVolume } from './allowed-registries.ts';

/**
 * Why image volumes are refused where images must be signed: an OCI image or artifact mounted as a
 * volume can carry files the containers run, and Kyverno (1.19) verifies only containers' images.
 */
const IMAGE_VOLUME_MESSAGE = 'image volumes are not allowed: their signatures are not verified (Kyverno checks container images only)';

/** A keyless signer: the OIDC issuer and subject its Fulcio certificate must name, exactly. */
export interface KeylessIdentity {
  /** e.g. `https://token.actions.githubusercontent.com`. */
  readonly issuer: string;
  /** e.g. `https://github.com/acme/shop/.github/workflows/release.yaml@refs/heads/main`. */
  readonly subject: string;
}

/** Who may sign the images of some registries. */
export interface TrustedSigners {
  /** DNS label; the rule is `signed-<name>` (and its Kyverno policy `signed-images-signed-<name>`). */
  readonly name: string;
  /**
   * Image prefixes it covers, each a registry host and optionally a repository path, ending in `/`
   * (e.g. `registry.example.com/shop/`).
   */
  readonly registries: readonly string[];
  /** PEM-encoded cosign public keys. @default [] */
  readonly keys?: readonly string[];
  /** Keyless identities. @default [] */
  readonly keyless?: readonly KeylessIdentity[];
}

/** Parameters of signedImages. */
export interface SignedImagesOptions {
  /**
   * The trusted signers per registry. An image must carry a signature of one signer of every
   * entry whose registries cover it, and an image no entry covers is denied.
   */
  readonly trust: readonly TrustedSigners[];
  /**
   * Images must be referenced by digest, so that what runs is what was verified (a tag can be
   * moved after the check). Without it Kyverno pins each tag to the digest it verified.
   * @default true
   */
  readonly requireDigest?: boolean;
}

/** The id of the module signedImages returns. */
export const SIGNED_IMAGES_ID = 'signed-images';

const DIGEST = `sha256:${'a1'.repeat(32)}`;
const OUTSIDE = 'ztp-example.invalid/app@' + DIGEST;

function signersOf(entry: TrustedSigners): Signer[] {
  return [...(entry.keys ?? []).map((publicKey): Signer => ({ kind: 'key', publicKey })), ...(entry.keyless ?? []).map((k): Signer => ({ kind: 'keyless', issuer: k.issuer, subject: k.subject }))];
}

function check(options: SignedImagesOptions): void {
  if (options.trust.length === 0) throw new Error('signedImages needs at least one trusted signer entry');
  const names = new Set<string>();
  for (const entry of options.trust) {
    if (names.has(entry.name)) throw new Error(`signedImages: trust entry ${entry.name} is listed twice`);
    names.add(entry.name);
    if (entry.registries.length === 0) throw new Error(`signedImages: trust entry ${entry.name} covers no registry`);
    for (const r of entry.registries) if (!r.endsWith('/')) throw new Error(`signedImages: trust entry ${entry.name}: registry ${r} must end in '/' (${r} alone would also cover ${r}.evil.example)`);
    if (signersOf(entry).length === 0) throw new Error(`signedImages: trust entry ${entry.name} has no key and no keyless identity`);
  }
}

/**
 * Only signed images: per registry, the cosign keys or keyless identities that must have signed
 * its images. Only Kyverno checks signatures (it fetches them from the registry at admission): the
 * `kyverno` form gets an ImageValidatingPolicy per entry, `kyverno-legacy` a `verifyImages` rule,
 * and every other form says in its output that it does not check them. Every form checks the
 * `trusted-registry` rule: an image from a registry no entry covers cannot be verified, so it is
 * denied; so is every image volume (`volumes[].image`), whose signature Kyverno does not verify.
 */
export function signedImages(options: SignedImagesOptions): AdmissionModule {
  check(options);
  const requireDigest = options.requireDigest ?? true;
  const prefixes = [...new Set(options.trust.flatMap((t) => t.registries))];
  const rules: Rule[] = options.trust.map((entry) => {
    const image = `${entry.registries[0]}app@${DIGEST}`;
    return imageSignatureRule({
      id: `signed-${entry.name}`,
      title: `Signed images: images from ${entry.registries.join(', ')} carry a signature of a trusted signer (${entry.name})`,
      message: `image signature: images from ${entry.registries.join(', ')} must be signed by a trusted signer (${entry.name})`,
      images: entry.registries.map((r) => `${r}*`),
      signers: signersOf(entry),
      requireDigest,
      examples: [
        allow('signed', pod('signed', { containers: [container('app', { image })] }), 'needs the image and its signature in a registry'),
        deny('unsigned', pod('unsigned', { containers: [container('app', { image })] }), { note: 'needs an unsigned image in a registry' }),
      ],
    });
  });
  const inside = (prefix: string, name: string) => pod(name, { containers: [container('app', { image: `${prefix}app@${DIGEST}` })] });
  const examples: Example[] = prefixes.map((p, i) => allow(`covered-${i + 1}`, inside(p, `covered-${i + 1}`)));
  if (!prefixes.some((p) => OUTSIDE.startsWith(p))) {
    examples.push(
      deny('container', pod('container', { containers: [container('app', { image: OUTSIDE })] })),
      deny('init-container', pod('init-container', { initContainers: [container('init', { image: OUTSIDE })], containers: [container('app', { image: `${prefixes[0]}app@${DIGEST}` })] })),
      deny('ephemeral-container', pod('ephemeral-container', { containers: [container('app', { image: `${prefixes[0]}app@${DIGEST}` })], ephemeralContainers: [container('debug', { image: OUTSIDE })] })),
      deny('short-name', pod('short-name', { containers: [container('app', { image: 'nginx@' + DIGEST })] }), { note: 'a Docker Hub short name names no registry' }),
    );
  }
  rules.push(
    validationRule({
      id: 'trusted-registry',
      title: 'Trusted registry: every image comes from a registry with trusted signers',
      message: `image has no trusted signer: container images must come from ${prefixes.join(', ')}, whose signatures are verified`,
      target: { kind: 'pods' },
      violations: [
        violation(someContainer('c', (c) => [c.field('image').notStartsWith(...prefixes)])),
        // Kyverno (1.19) verifies the signatures of container images only, never of image volumes
        violationWithMessage(IMAGE_VOLUME_MESSAGE, spec.some('volumes', 'v', (v) => [v.field('image').set()])),
      ],
      examples: withWorkloads([
        ...examples,
        deny('image-volume', withImageVolume('image-volume', `${prefixes[0]}app@${DIGEST}`, `${prefixes[0]}model@${DIGEST}`), { message: IMAGE_VOLUME_MESSAGE }),
      ]),
    }),
  );
  return {
    id: SIGNED_IMAGES_ID,
    description: `Images come from ${prefixes.join(', ')} and carry a signature of their trusted signers (verified by Kyverno only)`,
    rules,
  };
}
