import { allow, container, deny, pod, someContainer, spec, validationRule, violation, withWorkloads, workload } from '@ztp/admission/rule';
import type { AdmissionModule, Example } from '@ztp/admission/rule';

/** Parameters of allowedRegistries. */
export interface AllowedRegistriesOptions {
  /**
   * Image prefixes a container image must start with, e.g. `ghcr.io/acme/`. Each must end with `/`
   * (`ghcr.io` alone would also admit `ghcr.io.evil.example/x`); anything else is refused.
   */
  readonly registries: readonly string[];
}

const OUTSIDE = 'ztp-example.invalid/app:1.0';

/** The id of the module allowedRegistries returns. */
export const ALLOWED_REGISTRIES_ID = 'allowed-registries';

/** A pod whose app container comes from `app` and which mounts the OCI image or artifact `reference` as a volume. */
export function withImageVolume(name: string, app: string, reference: string) {
  return pod(name, { containers: [container('app', { image: app, volumeMounts: [{ name: 'tools', mountPath: '/tools' }] })], volumes: [{ name: 'tools', image: { reference, pullPolicy: 'IfNotPresent' } }] });
}

/**
 * Container images (of containers, initContainers and ephemeralContainers) and image volumes
 * (`volumes[].image.reference`: an OCI image or artifact mounted into the pod, whose files its
 * containers can run) must come from the listed registries.
 */
export function allowedRegistries(options: AllowedRegistriesOptions): AdmissionModule {
  if (options.registries.length === 0) throw new Error('allowedRegistries needs at least one registry');
  for (const r of options.registries) {
    if (!r.endsWith('/')) throw new Error(`allowedRegistries: registry ${r} must end in '/' (${r} alone would also admit ${r}.evil.example/app and ${r}x/app)`);
  }
  const registries = [...options.registries];
  const inside = (prefix: string) => `${prefix}app:1.0`;
  const examples: Example[] = registries.map((prefix, i) => allow(`allowed-${i + 1}`, pod(`allowed-${i + 1}`, { containers: [container('app', { image: inside(prefix) })] })));
  if (!registries.some((p) => OUTSIDE.startsWith(p))) {
    examples.push(
      deny('container', pod('container', { containers: [container('app', { image: OUTSIDE })] })),
      deny('init-container', pod('init-container', { initContainers: [container('init', { image: OUTSIDE })], containers: [container('app', { image: inside(registries[0]!) })] })),
      deny('ephemeral-container', pod('ephemeral-container', { containers: [container('app', { image: inside(registries[0]!) })], ephemeralContainers: [container('debug', { image: OUTSIDE })] })),
      deny('deployment', workload('Deployment', pod('deployment', { containers: [container('app', { image: OUTSIDE })] }))),
      deny('image-volume', withImageVolume('image-volume', inside(registries[0]!), OUTSIDE)),
    );
  }
  examples.push(allow('image-volume-allowed', withImageVolume('image-volume-allowed', inside(registries[0]!), inside(registries[registries.length - 1]!))));
  // images that only look like an allowed registry's: its name continued (another host, another
  // path segment), or its prefix further along the reference; every engine must refuse them
  const first = registries[0]!.slice(0, -1);
  const lookAlikes = [`${first}.evil.example/app:1.0`, `${first}x/app:1.0`, `docker.io/${first}/app:1.0`];
  lookAlikes.forEach((image, i) => {
    if (!registries.some((p) => image.startsWith(p))) examples.push(deny(`look-alike-${i + 1}`, pod(`look-alike-${i + 1}`, { containers: [container('app', { image })] })));
  });
  return {
    id: ALLOWED_REGISTRIES_ID,
    description: `Container images and image volumes come only from ${registries.join(', ')}`,
    rules: [
      validationRule({
        id: 'allowed-registries',
        title: 'Allowed registries: images must come from the allowed registries',
        message: `image registry not allowed: container images and image volumes must start with one of ${registries.join(', ')}`,
        target: { kind: 'pods' },
        violations: [
          violation(someContainer('c', (c) => [c.field('image').notStartsWith(...registries)])),
          violation(spec.some('volumes', 'v', (v) => [v.field('image').set(), v.field('image.reference').notStartsWith(...registries)])),
        ],
        examples: withWorkloads(examples),
      }),
    ],
  };
}
