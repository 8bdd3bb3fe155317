/**
 * Every emitted Kubernetes object that has an upstream CRD (Kyverno ValidatingPolicy and
 * ClusterPolicy, Gatekeeper ConstraintTemplate) is valid against that CRD's openAPIV3Schema,
 * unknown (pruned) fields included. The CRDs stay outside the repository (ZTP_CRDS_DIR).
 */
import { CrdRegistry } from '@ztp/crd-schema';
import { describe, expect, it } from 'vitest';
import { crdsDir } from '../proof/shared-data.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { emitAdmission } from './index.ts';

const crds = crdsDir();
let registry: CrdRegistry | undefined;

describe('emitted objects against the upstream CRDs', () => {
  it.each(['audit', 'enforce'] as const)('with enforcement %s', (enforcement) => {
    if (crds.skip !== undefined) {
      console.log(`CRD validation: ${crds.skip}`);
      return;
    }
    registry ??= new CrdRegistry(crds.dir);
    const output = emitAdmission(sampleModules(), {
      environment: 'crd-check',
      enforcement,
      namespaces: ['apps', 'payments'],
      forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'],
    });
    const checked = new Set<string>();
    const problems: string[] = [];
    for (const object of output.objects) {
      if (!registry.has(object.apiVersion, object.kind)) continue;
      checked.add(`${object.apiVersion}/${object.kind}`);
      for (const p of registry.check(object)) problems.push(`${object.kind} ${object.metadata.name}: ${p}`);
    }
    expect(problems).toEqual([]);
    expect([...checked].sort()).toEqual(['kyverno.io/v1/ClusterPolicy', 'policies.kyverno.io/v1/ImageValidatingPolicy', 'policies.kyverno.io/v1/ValidatingPolicy', 'templates.gatekeeper.sh/v1/ConstraintTemplate']);
  });
});
