import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crdsDir } from '@ztp/crd-schema';
import { isCI } from '@ztp/tools';
import { readCrdSources } from './adapters/crds.ts';
import { prepareEnvironment } from './prepare.ts';
import { planSync, type BundleObject } from './sync-plan.ts';
import { exampleBundles } from './test-bundles.ts';

const envs = await exampleBundles();
const dir = crdsDir();
if (!existsSync(dir) && isCI()) throw new Error(`CRDs folder ${dir} is missing; CI must have ../shared/crds`);
if (!existsSync(dir)) console.log(`e2e sync plan with the upstream CRDs: not run, because ${dir} is missing (set ZTP_CRDS_DIR)`);
const byName = (n: string) => envs.find((e) => e.bundle.environment === n)!.bundle;

describe('syncing a bundle to the kind cluster', () => {
  it('without CRDs: identity and network are applied and enforced, layers needing other operators are left out with the reason', () => {
    for (const { bundle } of envs) {
      const { sync } = prepareEnvironment(bundle, []);
      const layer = (n: string) => sync.layers.find((l) => l.layer === n);
      expect(layer('identity')).toMatchObject({ applied: true, enforced: true });
      expect(layer('network')).toMatchObject({ applied: true, enforced: true });
      for (const l of sync.layers.filter((x) => !x.applied)) expect(l.reason.length, l.layer).toBeGreaterThan(20);
      expect(sync.crds).toEqual([]);
      for (const o of sync.objects) expect(['identity', 'network', 'secrets', 'runtime'], o.file).toContain(o.layer);
    }
    expect(prepareEnvironment(byName('dev'), []).sync.layers.find((l) => l.layer === 'mesh')).toMatchObject({ applied: false, reason: expect.stringMatching(/AuthorizationPolicy \(security\.istio\.io\/v1\)/) });
    expect(prepareEnvironment(byName('dev'), []).sync.layers.find((l) => l.layer === 'audit')).toMatchObject({ applied: true, enforced: true, reason: expect.stringContaining('--audit-policy-file') });
    expect(prepareEnvironment(byName('dev'), []).auditPolicy).toMatch(/^apiVersion: audit\.k8s\.io\/v1/);
  });

  it('applies objects by sync wave (namespaces first, denies after allows), keeping the bundle order within a wave', () => {
    for (const { bundle } of envs) {
      const { sync } = prepareEnvironment(bundle, []);
      const waves = sync.objects.map((o) => o.syncWave);
      expect(waves).toEqual([...waves].sort((a, b) => a - b));
      expect(sync.objects[0]?.object.kind).toBe('Namespace');
    }
  });

  it('creates namespaces objects live in that the bundle does not create (production: falco for its runtime rules)', () => {
    const { sync } = prepareEnvironment(byName('production'), []);
    expect(sync.extraNamespaces).toEqual(['falco']);
    expect(sync.layers.find((l) => l.layer === 'runtime')).toMatchObject({ applied: true, enforced: true });
  });

  it('refuses to run without the network layer', () => {
    const cnp: BundleObject = { file: 'network/x.yaml', layer: 'network', syncWave: 0, object: { apiVersion: 'example.com/v1', kind: 'Odd', metadata: { name: 'x' } } };
    expect(() => planSync([cnp], [])).toThrow(/network layer cannot be synced/);
  });

  it.runIf(existsSync(dir))('with the upstream CRDs: installs exactly the ones the bundle uses and applies those layers, marked not enforced', () => {
    const { crds } = readCrdSources(dir);
    const dev = prepareEnvironment(byName('dev'), crds).sync;
    expect(dev.crds.map((c) => `${c.group}/${c.kind}`).sort()).toEqual(['security.istio.io/AuthorizationPolicy', 'security.istio.io/PeerAuthentication']);
    expect(dev.layers.find((l) => l.layer === 'mesh')).toMatchObject({ applied: true, enforced: false, reason: expect.stringContaining('need Istio (istiod)') });
    const staging = prepareEnvironment(byName('staging'), crds).sync;
    expect(staging.crds.map((c) => c.kind).sort()).toEqual(['Certificate', 'ExternalSecret', 'SecretStore', 'VaultDynamicSecret']);
    expect(staging.layers.find((l) => l.layer === 'secrets')).toMatchObject({ applied: true, enforced: false, reason: expect.stringContaining('External Secrets') });
    // With the CRDs the run still expects the network layer's matrix: nothing enforces Istio.
    expect(prepareEnvironment(byName('dev'), crds).plan.layer).toBe('network');
    for (const c of dev.crds) expect(c.object.kind).toBe('CustomResourceDefinition');
  });
});
