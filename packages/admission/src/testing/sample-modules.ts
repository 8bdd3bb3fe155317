/**
 * Modules that use every construct of the rule language (every test, every source, pods and
 * objects targets, clause messages, an image-signature rule), for the package's own tests.
 */
import type { AdmissionModule } from '../contract.ts';
import { allow, deny, imageSignatureRule, KINDS, meta, object, objects, PODS, someContainer, spec, validationRule, violation, violationWithMessage } from '../rule/build.ts';
import { container, pod, workload } from '../rule/objects.ts';

/** A module per construct family; small, with examples, deterministic. */
export function sampleModules(): AdmissionModule[] {
  return [
    {
      id: 'sample-pods',
      description: 'Every test and source on pods',
      rules: [
        validationRule({
          id: 'no-host-network',
          title: 'no host network',
          message: 'hostNetwork must not be true',
          target: PODS,
          violations: [violation(spec.field('hostNetwork').isTrue())],
          examples: [allow('plain', pod('plain')), deny('host', pod('host', { hostNetwork: true })), deny('cronjob', workload('CronJob', pod('cronjob', { hostNetwork: true })))],
        }),
        validationRule({
          id: 'ports',
          title: 'ports',
          message: 'port rule',
          target: PODS,
          violations: [
            violationWithMessage('hostPort 22 or 2222', someContainer('c', (c) => [c.some('ports', 'p', (p) => [p.field('hostPort').oneOf([22, 2222])])])),
            violationWithMessage('image from example.com must end in -signed', someContainer('c', (c) => [c.field('image').startsWith('example.com/'), c.field('image').notEndsWith('-signed')])),
            violationWithMessage('drop must contain ALL', someContainer('c', (c) => [c.field('securityContext.capabilities').set(), c.field('securityContext.capabilities.drop').notContains('ALL')])),
          ],
          examples: [
            allow('plain', pod('plain')),
            deny('ssh', pod('ssh', { containers: [container('c', { ports: [{ containerPort: 22, hostPort: 22 }] })] }), { message: 'hostPort 22 or 2222' }),
            deny('unsigned', pod('unsigned', { containers: [container('c', { image: 'example.com/app' })] }), { message: 'must end in -signed' }),
            allow('signed', pod('signed', { containers: [container('c', { image: 'example.com/app-signed' })] })),
            deny('no-drop', pod('no-drop', { containers: [container('c', { securityContext: { capabilities: { add: ['NET_ADMIN'] } } })] }), { message: 'drop must contain ALL' }),
          ],
        }),
        validationRule({
          id: 'annotations',
          title: 'annotations',
          message: "annotations under example.com/ must match ^ok-",
          target: PODS,
          violations: [violation(meta.someEntry('annotations', 'a', (a) => [a.field('key').startsWith('example.com/'), a.field('value').notMatches('^ok-')]))],
          examples: [
            allow('ok', pod('ok', {}, { annotations: { 'example.com/x': 'ok-1', other: 'bad' } })),
            deny('bad', pod('bad', {}, { annotations: { 'example.com/x': 'bad' } })),
            deny('deployment-bad', workload('Deployment', pod('deployment-bad', {}, { annotations: { 'example.com/x': 'bad' } }))),
          ],
        }),
        // Backslashes, quotes and backticks in patterns and strings: each form's literal syntax
        // must give the engine the same text (Kyverno's own JMESPath once read `\\.` as two characters).
        validationRule({
          id: 'escapes',
          title: 'escaped characters',
          message: 'escaped characters',
          target: PODS,
          violations: [
            violationWithMessage('dotted version', meta.field('labels').hasKey('version'), meta.key('labels', 'version').matches('^[0-9]+\\.[0-9]+$')),
            violationWithMessage('quoted path', meta.field('annotations').hasKey('example.com/path'), meta.key('annotations', 'example.com/path').startsWith("C:\\it's `x`\"")),
            // an unbalanced brace once broke Kyverno's {{ }} pattern: the condition became plain text
            violationWithMessage('braces', meta.field('annotations').hasKey('example.com/braces'), meta.key('annotations', 'example.com/braces').startsWith('{', 'a}', '}}', '{{')),
          ],
          examples: [
            allow('undotted', pod('undotted', {}, { labels: { version: '1x2' } })),
            deny('dotted', pod('dotted', {}, { labels: { version: '1.2' } }), { message: 'dotted version' }),
            deny('quoted-path', pod('quoted-path', {}, { annotations: { 'example.com/path': "C:\\it's `x`\"\\y" } }), { message: 'quoted path' }),
            allow('other-path', pod('other-path', {}, { annotations: { 'example.com/path': "C:\\\\it's `x`\"" } })),
            deny('open-brace', pod('open-brace', {}, { annotations: { 'example.com/braces': '{x' } }), { message: 'braces' }),
            deny('close-brace', pod('close-brace', {}, { annotations: { 'example.com/braces': 'a}x' } }), { message: 'braces' }),
            deny('double-braces', pod('double-braces', {}, { annotations: { 'example.com/braces': '}}{{' } }), { message: 'braces' }),
            allow('no-brace', pod('no-brace', {}, { annotations: { 'example.com/braces': 'x{}' } })),
          ],
        }),
      ],
    },
    {
      id: 'sample-objects',
      description: 'Object targets, map keys and signatures',
      rules: [
        validationRule({
          id: 'namespace-owner',
          title: 'namespace owner',
          message: 'namespaces need an owner label',
          target: objects(KINDS.Namespace),
          violations: [violation(object.field('metadata.labels').lacksKey('owner')), violation(object.field('metadata.labels').hasKey('owner'), object.key('metadata.labels', 'owner').is(''))],
          examples: [
            allow('owned', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'owned', labels: { owner: 'a' } } }),
            deny('unowned', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'unowned' } }),
            deny('empty-owner', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'empty-owner', labels: { owner: '' } } }),
          ],
        }),
        imageSignatureRule({
          id: 'signed',
          title: 'signed images',
          message: 'images must be signed',
          images: ['ghcr.io/acme/*'],
          signers: [{ kind: 'key', publicKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----' }, { kind: 'keyless', issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yaml@refs/heads/main' }],
          examples: [],
        }),
      ],
    },
  ];
}
