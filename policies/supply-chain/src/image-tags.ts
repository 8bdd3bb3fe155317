import { allow, container, deny, pod, someContainer, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';
import type { AdmissionModule, Atom, Scope, ContainerShape, ValidationRule } from '@ztp/admission/rule';

/** Parameters of imageTags. */
export interface ImageTagsOptions {
  /** Tags images must not use. @default ['latest'] */
  readonly disallowed?: readonly string[];
  /** Whether an image without a tag (or digest) is denied. @default true */
  readonly requireTag?: boolean;
  /** Images left alone: exact references, or prefixes ending in `*` (e.g. `ghcr.io/acme/tools-*`). @default [] */
  readonly exemptImages?: readonly string[];
}

/** The id of the module imageTags returns. */
export const IMAGE_TAGS_ID = 'image-tags';

/**
 * The tag is what follows the last `:` after the last `/` (so `registry:5000/app` has no tag).
 * A digest (`app@sha256:...`) counts as a tag.
 */
export const HAS_TAG = ':[^/]*$';

function notExempt(c: Scope<ContainerShape>, exempt: readonly string[]): Atom[] {
  const exact = exempt.filter((e) => !e.endsWith('*'));
  const prefixes = exempt.filter((e) => e.endsWith('*')).map((e) => e.slice(0, -1));
  return [...(exact.length > 0 ? [c.field('image').notOneOf(exact)] : []), ...(prefixes.length > 0 ? [c.field('image').notStartsWith(...prefixes)] : [])];
}

const withImage = (name: string, image: string) => pod(name, { containers: [container('app', { image })] });

/** Images must name a tag, and not a disallowed one such as `latest`. */
export function imageTags(options: ImageTagsOptions = {}): AdmissionModule {
  const disallowed = [...(options.disallowed ?? ['latest'])];
  const exempt = [...(options.exemptImages ?? [])];
  const rules: ValidationRule[] = [];
  if (options.requireTag ?? true) {
    rules.push(
      validationRule({
        id: 'image-tag-required',
        title: 'Image tag required: images must name a tag or digest',
        message: 'image tag required: container images must name a tag or digest',
        target: { kind: 'pods' },
        violations: [violation(someContainer('c', (c) => [c.field('image').notMatches(HAS_TAG), ...notExempt(c, exempt)]))],
        examples: withWorkloads([
          allow('tagged', withImage('tagged', 'registry.example.com/app:1.0')),
          allow('digest', withImage('digest', 'registry.example.com/app@sha256:0e7b1d3d1f5e4c7a5b0f6c4e2d8a9b3c1e5f7a9b2c4d6e8f0a1b3c5d7e9f1a2b')),
          allow('port-and-tag', withImage('port-and-tag', 'registry.example.com:5000/app:1.0')),
          deny('untagged', withImage('untagged', 'registry.example.com/app')),
          deny('port-no-tag', withImage('port-no-tag', 'registry.example.com:5000/app'), { note: 'the registry port is not a tag' }),
          deny('init-untagged', pod('init-untagged', { initContainers: [container('init', { image: 'busybox' })], containers: [container('app', { image: 'busybox:1.36' })] })),
          deny('cronjob-untagged', workload('CronJob', withImage('cronjob-untagged', 'busybox'))),
        ]),
      }),
    );
  }
  if (disallowed.length > 0) {
    const first = disallowed[0]!;
    rules.push(
      validationRule({
        id: 'disallowed-tags',
        title: `Disallowed tags: images must not use ${disallowed.join(', ')}`,
        message: `disallowed image tag: container images must not use the tags ${disallowed.join(', ')}`,
        target: { kind: 'pods' },
        violations: [violation(someContainer('c', (c) => [c.field('image').endsWith(...disallowed.map((t) => `:${t}`)), ...notExempt(c, exempt)]))],
        examples: withWorkloads([
          allow('other-tag', withImage('other-tag', 'registry.example.com/app:1.0')),
          allow('tag-suffix', withImage('tag-suffix', `registry.example.com/app:1.0-${first}`)),
          deny('disallowed', withImage('disallowed', `registry.example.com/app:${first}`)),
          deny('ephemeral', pod('ephemeral', { containers: [container('app', { image: 'busybox:1.36' })], ephemeralContainers: [container('debug', { image: `busybox:${first}` })] })),
        ]),
      }),
    );
  }
  return { id: IMAGE_TAGS_ID, description: `Images name a tag${disallowed.length > 0 ? ` other than ${disallowed.join(', ')}` : ''}`, rules };
}
