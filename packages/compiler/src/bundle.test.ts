import { describe, expect, it } from 'vitest';
import { flow } from '@ztp/model';
import { assembleBundle, BundleError } from './bundle.ts';
import { emitApplicationSet } from './emitters/argocd.ts';
import { emitted } from './object.ts';
import { knownKinds, schemaError } from './schema.ts';
import { irOf, shop } from './testing.ts';

describe('assembleBundle', () => {
  it('refuses an object that does not match its upstream schema, as a ztp bug', () => {
    const { web, db } = shop();
    const ir = irOf({ workloads: [web, db], flows: [flow({ from: web, to: db, ports: ['pg'] })] });
    const bad = emitted('network', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Sideways'] } }, ['here:1']);
    expect(() => assembleBundle(ir, [bad], [])).toThrow(BundleError);
    expect(() => assembleBundle(ir, [bad], [])).toThrow(/NetworkPolicy shop\/x \(from here:1\): .*policyTypes/);
  });

  it('refuses the same object emitted twice', () => {
    const { web } = shop();
    const ir = irOf({ workloads: [web] });
    const ns = emitted('identity', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, []);
    expect(() => assembleBundle(ir, [ns, ns], [])).toThrow(/emitted twice/);
  });

  it('checks every kind it knows with that kind\'s validator (none passes an object whose name is a number)', () => {
    for (const known of knownKinds()) {
      const at = known.lastIndexOf('/');
      const object = { apiVersion: known.slice(0, at), kind: known.slice(at + 1), metadata: { name: 42 as unknown as string, namespace: 'shop' } };
      expect(schemaError(object), known).toMatch(/name/);
    }
  });

  it('refuses a kind it has no schema for', () => {
    expect(schemaError({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' } })).toMatch(/no upstream schema is known/);
  });

  it('lists admission modules in manifest.json only once the admission layer is on', () => {
    const { web } = shop();
    const modules = [{ id: 'some-rules', description: 'rules' }];
    const early = JSON.parse(assembleBundle(irOf({ phase: 2, workloads: [web], admission: modules }), [], []).files.get('manifest.json') ?? '{}') as { admission: unknown[] };
    expect(early.admission).toEqual([]);
    const later = JSON.parse(assembleBundle(irOf({ phase: 3, workloads: [web], admission: modules }), [], []).files.get('manifest.json') ?? '{}') as { admission: unknown[] };
    expect(later.admission).toEqual([{ id: 'some-rules', description: 'rules' }]);
  });

  it('places files that are not cluster objects outside the kustomization', () => {
    const { web } = shop();
    const b = assembleBundle(irOf({ workloads: [web] }), [], [{ path: 'admission/scan/conftest/policy.rego', content: 'package main' }]);
    expect(b.files.get('admission/scan/conftest/policy.rego')).toBe('package main\n');
    expect(b.files.get('kustomization.yaml')).not.toContain('admission/scan');
  });
});

describe('emitApplicationSet', () => {
  it('generates one Application per environment, synced to its cluster with prune and self-heal', () => {
    const set = emitApplicationSet({ repoURL: 'https://git.example.com/p.git', revision: 'ztp-bundles', path: 'bundles', argocdNamespace: 'argocd', project: 'platform' }, [
      { environment: 'prod', cluster: 'prod-eu' },
      { environment: 'dev', cluster: 'in-cluster' },
    ]);
    expect(schemaError(set)).toBeUndefined();
    const spec = set.spec as { generators: { list: { elements: unknown[] } }[]; template: { spec: Record<string, unknown> } };
    expect(spec.generators[0]?.list.elements).toEqual([{ environment: 'dev', cluster: 'in-cluster' }, { environment: 'prod', cluster: 'prod-eu' }]);
    expect(spec.template.spec).toMatchObject({ project: 'platform', source: { repoURL: 'https://git.example.com/p.git', targetRevision: 'ztp-bundles', path: 'bundles/{{.environment}}' }, destination: { name: '{{.cluster}}' }, syncPolicy: { automated: { prune: true, selfHeal: true } } });
  });
});
