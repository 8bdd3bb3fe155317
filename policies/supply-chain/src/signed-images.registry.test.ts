/**
 * The signed-image proof with real tools: a local OCI registry (go-containerregistry `registry`
 * on 127.0.0.1 only), images pushed with `crane`, a key pair and a signature made with `cosign`
 * v2, and the Kyverno CLI (`kyverno apply`) running the ImageValidatingPolicy that signedImages
 * emits (made to reach the local HTTP registry, and to accept signatures without a transparency
 * log, only by the test fixture `forLocalRegistry`). The signed digest is admitted; an unsigned
 * image, an image signed by another key, a signed image named by tag, and an image in a registry
 * that cannot be reached are denied.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container, emitAdmission, pod } from '@ztp/admission';
import type { AdmissionSettings, K8sObject } from '@ztp/admission';
import {
  closedPort,
  cosignVerifies,
  forLocalRegistry,
  generateKeyPair,
  insecureSettingsIn,
  kyvernoApply,
  pushImage,
  signatureTools,
  signImage,
  startLocalRegistry,
} from '@ztp/admission/testing';
import type { KeyPair, KyvernoApply, LocalRegistry, PushedImage, SignatureTool } from '@ztp/admission/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageDigests } from './image-digests.ts';
import { signedImages } from './signed-images.ts';

const tools = await signatureTools();
if ('skip' in tools) console.log(`signed-image registry proof: ${tools.skip}`);

const ENFORCE: AdmissionSettings = { environment: 'registry-proof', enforcement: 'enforce', namespaces: [], forms: ['kyverno'] };

interface World {
  registry: LocalRegistry;
  dir: string;
  unreachable: string;
  trusted: KeyPair;
  images: { signed: PushedImage; unsigned: PushedImage; otherKey: PushedImage };
  bin: Readonly<Record<SignatureTool, string>>;
}

let world: World | undefined;
let registry: LocalRegistry | undefined;
let dir: string | undefined;

const podWith = (name: string, images: { containers: string[]; initContainers?: string[] }) =>
  pod(name, {
    containers: images.containers.map((image, i) => container(`app-${i}`, { image })),
    ...(images.initContainers ? { initContainers: images.initContainers.map((image, i) => container(`init-${i}`, { image })) } : {}),
  });

/** The module under proof: one trust entry over the local registry and the unreachable one. */
function moduleFor(w: World) {
  return signedImages({ trust: [{ name: 'release', registries: [`${w.registry.host}/shop/`, `${w.unreachable}/shop/`], keys: [w.trusted.publicKey] }] });
}

const SIGNATURE_KINDS = ['ImageValidatingPolicy', 'ClusterPolicy'];

/** The emitted Kyverno objects, the signature policies among them made fit for the local registry. */
function kyvernoPolicies(objects: readonly K8sObject[]): K8sObject[] {
  const signatures = objects.filter((o) => SIGNATURE_KINDS.includes(o.kind));
  return [...forLocalRegistry(signatures), ...objects.filter((o) => !SIGNATURE_KINDS.includes(o.kind))];
}

/** The pods of the proof, each named for what it shows. */
function podsFor(w: World): K8sObject[] {
  const { signed, unsigned, otherKey } = w.images;
  return [
    podWith('signed-digest', { containers: [signed.byDigest] }),
    podWith('unsigned-digest', { containers: [unsigned.byDigest] }),
    podWith('other-key-digest', { containers: [otherKey.byDigest] }),
    podWith('signed-tag', { containers: [signed.tag] }),
    podWith('unreachable-registry', { containers: [`${w.unreachable}/shop/signed@${signed.digest}`] }),
    podWith('unsigned-init-container', { containers: [signed.byDigest], initContainers: [unsigned.byDigest] }),
    podWith('outside-registries', { containers: [`${w.registry.host}/elsewhere/app@${signed.digest}`] }),
  ];
}

const DENIED = ['unsigned-digest', 'other-key-digest', 'signed-tag', 'unreachable-registry', 'unsigned-init-container', 'outside-registries'];

function verdicts(run: KyvernoApply, resources: readonly K8sObject[]): Record<string, { admitted: boolean; results: string[] }> {
  const out: Record<string, { admitted: boolean; results: string[] }> = {};
  for (const r of resources) {
    const own = run.results.filter((x) => x.resource === r.metadata.name);
    out[r.metadata.name] = {
      admitted: own.length > 0 && own.every((x) => x.result === 'pass' || x.result === 'skip'),
      results: own.map((x) => `${x.policy}: ${x.result}${x.result === 'pass' ? '' : ` (${x.message})`}`).sort(),
    };
  }
  return out;
}

describe.skipIf('skip' in tools)('signed images, proven against a local registry with cosign and the Kyverno CLI', () => {
  beforeAll(async () => {
    if (!('paths' in tools)) return;
    const bin = tools.paths;
    dir = await mkdtemp(join(tmpdir(), 'ztp-signed-images-'));
    registry = await startLocalRegistry(bin.registry);
    const host = registry.host;
    const push = (repository: string, content: string) => pushImage(bin.crane, join(dir!, 'layers'), { host, repository, tag: '1.0' }, content);
    const [signed, unsigned, otherKey] = await Promise.all([push('shop/signed', 'signed'), push('shop/unsigned', 'unsigned'), push('shop/other-key', 'other-key')]);
    const trusted = await generateKeyPair(bin.cosign, join(dir, 'keys'), 'trusted');
    const other = await generateKeyPair(bin.cosign, join(dir, 'keys'), 'other');
    await signImage(bin.cosign, trusted, signed!.byDigest, join(dir, 'cosign-home'));
    await signImage(bin.cosign, other, otherKey!.byDigest, join(dir, 'cosign-home'));
    world = { registry, dir, unreachable: `127.0.0.1:${await closedPort()}`, trusted, images: { signed: signed!, unsigned: unsigned!, otherKey: otherKey! }, bin };
  }, 180_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('the registry listens on loopback only', () => {
    expect(world!.registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('cosign itself verifies the signed image with the trusted key, and not the others (the fixtures are what they claim)', async () => {
    const w = world!;
    const home = join(w.dir, 'cosign-home');
    const verify = (ref: string) => cosignVerifies(w.bin.cosign, w.trusted, ref, home);
    expect(await verify(w.images.signed.byDigest)).toBe(true);
    expect(await verify(w.images.unsigned.byDigest)).toBe(false);
    expect(await verify(w.images.otherKey.byDigest)).toBe(false);
  });

  it('the emitted policy admits the signed digest and denies everything else (enforce)', async () => {
    const w = world!;
    const output = emitAdmission([moduleFor(w)], ENFORCE);
    const ivp = output.objects.filter((o) => o.kind === 'ImageValidatingPolicy');
    expect(ivp.map((o) => o.metadata.name)).toEqual(['signed-images-signed-release']);
    // The emitted policy itself carries no insecure setting; only the fixture adds them.
    expect(insecureSettingsIn(JSON.stringify(output.objects))).toEqual([]);
    expect(insecureSettingsIn(JSON.stringify(forLocalRegistry(ivp)))).toEqual(['allowInsecureRegistry', 'insecureIgnoreTlog', 'insecureIgnoreSCT']);

    const resources = podsFor(w);
    const run = await kyvernoApply(w.bin.kyverno, await mkdtemp(join(w.dir, 'apply-')), kyvernoPolicies(output.objects), resources);
    const v = verdicts(run, resources);
    const context = `${run.command.join(' ')}\n${JSON.stringify(v, null, 2)}\n${run.log.slice(-3000)}`;

    expect(v['signed-digest'], context).toEqual({
      admitted: true,
      results: ['signed-images-signed-release: pass', 'signed-images-trusted-registry: pass'],
    });
    for (const name of DENIED) expect(v[name]!.admitted, `${name}\n${context}`).toBe(false);
    // Each denial comes from the rule it should come from.
    const ivpOutcome = (name: string) => run.results.find((r) => r.resource === name && r.policy === 'signed-images-signed-release');
    for (const name of ['unsigned-digest', 'other-key-digest', 'unsigned-init-container']) expect(ivpOutcome(name)?.result, `${name}\n${context}`).toBe('fail');
    expect(ivpOutcome('signed-tag')?.message, context).toMatch(/does not have a digest/);
    // An unreachable registry is an error of the policy, which failurePolicy Fail and the Deny action turn into a denial.
    expect(['fail', 'error'], context).toContain(ivpOutcome('unreachable-registry')?.result);
    expect(ivp[0]!['spec']).toMatchObject({ failurePolicy: 'Fail', validationActions: ['Deny'] });
    const outside = run.results.filter((r) => r.resource === 'outside-registries');
    expect(outside.find((r) => r.policy === 'signed-images-trusted-registry')?.result, context).toBe('fail');
    expect(run.exitCode, context).not.toBe(0);
  }, 300_000);

  it('the legacy ClusterPolicy form (verifyImages) gives the same verdicts', async () => {
    const w = world!;
    const output = emitAdmission([moduleFor(w)], { ...ENFORCE, forms: ['kyverno-legacy'] });
    expect(output.objects.map((o) => o.kind)).toEqual(['ClusterPolicy']);
    expect(insecureSettingsIn(JSON.stringify(output.objects))).toEqual([]);
    const resources = podsFor(w);
    const run = await kyvernoApply(w.bin.kyverno, await mkdtemp(join(w.dir, 'apply-')), kyvernoPolicies(output.objects), resources);
    const v = verdicts(run, resources);
    const context = `${JSON.stringify(v, null, 2)}\n${run.log.slice(-3000)}`;
    expect(v['signed-digest']!.admitted, context).toBe(true);
    expect(v['signed-digest']!.results.length, context).toBeGreaterThanOrEqual(2);
    for (const name of DENIED) expect(v[name]!.admitted, `${name}\n${context}`).toBe(false);
  }, 300_000);

  it('as emitted (transparency log required), the policy does not admit a signature that is in no transparency log', async () => {
    const w = world!;
    const output = emitAdmission([moduleFor(w)], ENFORCE);
    const resources = [podWith('signed-digest', { containers: [w.images.signed.byDigest] })];
    const run = await kyvernoApply(w.bin.kyverno, await mkdtemp(join(w.dir, 'apply-')), output.objects, resources);
    const v = verdicts(run, resources);
    expect(v['signed-digest']!.admitted, `${JSON.stringify(v, null, 2)}\n${run.log.slice(-3000)}`).toBe(false);
  }, 300_000);

  it('with digest pinning, a signed image named by tag is denied by the ValidatingPolicy too (so not only by the signature check)', async () => {
    const w = world!;
    const output = emitAdmission([imageDigests(), moduleFor(w)], ENFORCE);
    const resources = [podWith('signed-digest', { containers: [w.images.signed.byDigest] }), podWith('signed-tag', { containers: [w.images.signed.tag] })];
    const run = await kyvernoApply(w.bin.kyverno, await mkdtemp(join(w.dir, 'apply-')), kyvernoPolicies(output.objects), resources);
    const v = verdicts(run, resources);
    const context = `${JSON.stringify(v, null, 2)}\n${run.log.slice(-3000)}`;
    expect(v['signed-digest']!.admitted, context).toBe(true);
    expect(v['signed-tag']!.admitted, context).toBe(false);
    expect(run.results.find((r) => r.resource === 'signed-tag' && r.policy === 'image-digests-digest-required')?.result, context).toBe('fail');
  }, 300_000);
});
