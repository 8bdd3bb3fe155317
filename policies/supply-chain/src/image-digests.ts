import { allow, container, deny, pod, someContainer, spec, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';
import type { AdmissionModule, Atom, Value } from '@ztp/admission/rule';
import { withImageVolume } from './allowed-registries.ts';

/** Parameters of imageDigests. */
export interface ImageDigestsOptions {
  /** Images left alone: exact references, or prefixes ending in `*` (e.g. `registry.example.com/debug-*`). @default [] */
  readonly exemptImages?: readonly string[];
}

/** The id of the module imageDigests returns. */
export const IMAGE_DIGESTS_ID = 'image-digests';

/** A reference pinned by digest: it ends in `@sha256:` and 64 lowercase hex digits (a tag before it is allowed). */
export const PINNED = '@sha256:[0-9a-f]{64}$';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** `image` (a container's image, an image volume's reference) is none of the exempt images. */
function notExempt(image: Value<string>, exempt: readonly string[]): Atom[] {
  const exact = exempt.filter((e) => !e.endsWith('*'));
  const prefixes = exempt.filter((e) => e.endsWith('*')).map((e) => e.slice(0, -1));
  return [...(exact.length > 0 ? [image.notOneOf(exact)] : []), ...(prefixes.length > 0 ? [image.notStartsWith(...prefixes)] : [])];
}

const withImage = (name: string, image: string) => pod(name, { containers: [container('app', { image })] });

/**
 * Digest pinning: every container image (containers, initContainers, ephemeralContainers) and
 * every image volume (`volumes[].image.reference`) is referenced by `@sha256:` digest, so a pod runs exactly the bytes that were reviewed and signed,
 * whatever happens to tags later. Checked by every engine. Meant for enforce environments: in an
 * audit environment it only reports.
 */
export function imageDigests(options: ImageDigestsOptions = {}): AdmissionModule {
  const exempt = [...(options.exemptImages ?? [])];
  const exemptExamples = exempt.slice(0, 1).map((e) => allow('exempt', withImage('exempt', e.endsWith('*') ? `${e.slice(0, -1)}x:1.0` : e)));
  return {
    id: IMAGE_DIGESTS_ID,
    description: 'Images are pinned by sha256 digest',
    rules: [
      validationRule({
        id: 'digest-required',
        title: 'Digest required: images must be referenced by @sha256: digest',
        message: 'image digest required: container images and image volumes must be referenced by @sha256:<digest>, not by tag alone',
        target: { kind: 'pods' },
        violations: [
          violation(someContainer('c', (c) => [c.field('image').notMatches(PINNED), ...notExempt(c.field('image'), exempt)])),
          violation(spec.some('volumes', 'v', (v) => [v.field('image').set(), v.field('image.reference').notMatches(PINNED), ...notExempt(v.field('image.reference'), exempt)])),
        ],
        examples: withWorkloads([
          allow('digest', withImage('digest', `registry.example.com/app@${DIGEST}`)),
          allow('tag-and-digest', withImage('tag-and-digest', `registry.example.com/app:1.0@${DIGEST}`), 'the digest decides what runs; the tag is only a label'),
          allow('port-and-digest', withImage('port-and-digest', `registry.example.com:5000/app@${DIGEST}`)),
          deny('tag', withImage('tag', 'registry.example.com/app:1.0')),
          deny('untagged', withImage('untagged', 'registry.example.com/app')),
          deny('short-digest', withImage('short-digest', `registry.example.com/app@${DIGEST.slice(0, -1)}`), { note: 'a digest needs all 64 hex digits' }),
          deny('uppercase-digest', withImage('uppercase-digest', `registry.example.com/app@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`), { note: 'OCI digests are lowercase hex' }),
          deny('other-algorithm', withImage('other-algorithm', `registry.example.com/app@sha512:${'ab'.repeat(64)}`), { note: 'only sha256 digests count' }),
          deny('digest-in-tag', withImage('digest-in-tag', `registry.example.com/app:sha256-${'ab'.repeat(32)}`), { note: 'cosign-style tags are tags, not digests' }),
          deny('init-container', pod('init-container', { initContainers: [container('init', { image: 'busybox:1.36' })], containers: [container('app', { image: `busybox@${DIGEST}` })] })),
          deny('ephemeral-container', pod('ephemeral-container', { containers: [container('app', { image: `busybox@${DIGEST}` })], ephemeralContainers: [container('debug', { image: 'busybox:1.36' })] })),
          deny('deployment', workload('Deployment', withImage('deployment', 'registry.example.com/app:1.0'))),
          deny('cronjob', workload('CronJob', withImage('cronjob', 'registry.example.com/app:1.0'))),
          deny('image-volume', withImageVolume('image-volume', `registry.example.com/app@${DIGEST}`, 'registry.example.com/model:1.0')),
          allow('image-volume-digest', withImageVolume('image-volume-digest', `registry.example.com/app@${DIGEST}`, `registry.example.com/model@${DIGEST}`)),
          ...exemptExamples,
        ]),
      }),
    ],
  };
}
