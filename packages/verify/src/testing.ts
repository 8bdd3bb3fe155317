import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { enforcementProblems, proveShipped, type K8sObject } from '@ztp/admission';
import { CrdRegistry, crdsDir } from '@ztp/crd-schema';
import { layersForPhase, type Environment } from '@ztp/model';
import { compileEnvironment, diffBundle, isClean, sha256, writeTreeAtomically } from '@ztp/compiler';
import { formatReport } from './format.ts';
import { verifyBundle } from './verify.ts';
import { shippedAdmission } from './bundle-manifest.ts';

/**
 * The standard tests of an environment project: its bundle equals the golden copy beside it
 * (`ZTP_UPDATE_GOLDEN=1` rewrites it), compiles byte-identically twice, every custom resource
 * passes the real upstream CRD (schema and unknown fields), `manifest.json` is consistent, and
 * the bundle allows exactly the declared connectivity (`verifyBundle`).
 */
export function describeEnvironmentBundle(env: Environment, environmentFileUrl: string): void {
  const projectDir = resolve(dirname(fileURLToPath(environmentFileUrl)), '..');
  const root = resolve(projectDir, '..', '..');
  const golden = join(projectDir, '__golden__');

  describe(`environment ${env.name}`, () => {
    const bundle = compileEnvironment(env, root);

    it('matches its golden bundle', () => {
      if (process.env.ZTP_UPDATE_GOLDEN === '1') writeTreeAtomically(golden, bundle.files);
      const diff = diffBundle(bundle, golden);
      expect(isClean(diff), `bundle differs from ${golden} (run with ZTP_UPDATE_GOLDEN=1 to accept): ${JSON.stringify(diff)}`).toBe(true);
    });

    it('compiles to the same bytes every time', () => {
      const again = compileEnvironment(env, root);
      expect([...again.files]).toEqual([...bundle.files]);
    });

    it('lists every object in kustomization.yaml and manifest.json, with correct hashes', () => {
      const manifest = JSON.parse(bundle.files.get('manifest.json') ?? '{}') as { objects: { file: string; sha256: string }[]; intent: { flows: unknown[] } };
      const kustomization = parse(bundle.files.get('kustomization.yaml') ?? '') as { resources: string[] };
      const manifestFiles = new Set((JSON.parse(bundle.files.get('manifest.json') ?? '{}') as { files: { file: string }[] }).files.map((f) => f.file));
      const objectFiles = [...bundle.files.keys()].filter((f) => f !== 'kustomization.yaml' && f !== 'manifest.json' && !manifestFiles.has(f));
      expect(bundle.objectFiles).toEqual(objectFiles);
      expect(kustomization.resources).toEqual(objectFiles);
      expect(manifest.objects.map((o) => o.file)).toEqual(objectFiles);
      for (const o of manifest.objects) expect(o.sha256, o.file).toBe(sha256(bundle.files.get(o.file) ?? ''));
      expect(manifest.intent.flows.length).toBe(env.flows.reduce((n, f) => n + f.from.length, 0));
    });

    it('has admission policies that enforce as the environment says, in exactly its managed namespaces', () => {
      // the engines prove the rules under the proof's own settings; what the bundle ships is checked here
      const manifest = JSON.parse(bundle.files.get('manifest.json') ?? '{}') as { layers: string[]; objects: { file: string; layer: string }[] };
      const objects = manifest.objects.filter((o) => o.layer === 'admission').map((o) => parse(bundle.files.get(o.file) ?? '') as K8sObject);
      expect(objects.length > 0).toBe(manifest.layers.includes('admission') && env.admission.length > 0);
      const settings = { environment: env.name, enforcement: env.enforcement, namespaces: env.namespaces.map((n) => n.name), forms: env.admissionForms };
      expect(enforcementProblems(objects, settings)).toEqual([]);
    });

    it('gives, as shipped, every verdict its admission modules promise: its objects and scan files through the engine of each form', async () => {
      const { layer, objects, files } = shippedAdmission(bundle);
      // the environment says what must ship (its phase and modules), not the bundle
      if (!layersForPhase(env.phase).has('admission') || env.admission.length === 0) {
        expect(objects).toEqual([]);
        return;
      }
      expect(layer).toBe(true);
      const settings = { environment: env.name, enforcement: env.enforcement, namespaces: env.namespaces.map((n) => n.name), forms: env.admissionForms };
      const matrix = await proveShipped(env.admission, { objects, files }, settings);
      for (const e of matrix.engines) if (e.status !== 'ran') console.log(`environment ${env.name}: admission as shipped: ${e.engine} ${e.reason ?? e.status}`);
      expect(matrix.failures.map((f) => f.text)).toEqual([]);
      expect(matrix.cells.some((c) => c.actual === 'deny') || matrix.engines.every((e) => e.status !== 'ran')).toBe(true);
    }, 120_000);

    it('allows exactly the declared connectivity', () => {
      const report = verifyBundle(bundle);
      expect(report.failures, formatReport(report, 'txt')).toEqual([]);
      expect(report.checks.length).toBeGreaterThan(env.workloads.length * env.workloads.length);
    });

    const dir = crdsDir();
    if (!existsSync(dir) && process.env.CI) throw new Error(`CRDs folder ${dir} is missing; CI must have ../shared/crds`);
    it.runIf(existsSync(dir))('passes the real upstream CRD of every custom resource it contains', () => {
      const crds = new CrdRegistry(dir);
      let checked = 0;
      for (const file of bundle.objectFiles) {
        const text = bundle.files.get(file) ?? '';
        const o = parse(text) as { apiVersion: string; kind: string };
        if (!o.apiVersion.includes('.') || o.apiVersion.includes('k8s.io/')) continue; // built-in kinds: checked by kubernetes-models at compile time
        if (o.apiVersion.startsWith('constraints.gatekeeper.sh/')) continue; // its CRD is generated from the ConstraintTemplate
        expect(crds.check(o), `${file}`).toEqual([]);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
    if (!existsSync(dir)) console.log(`environment ${env.name}: CRD check not run, because ${dir} is missing (set ZTP_CRDS_DIR)`);
  });
}
