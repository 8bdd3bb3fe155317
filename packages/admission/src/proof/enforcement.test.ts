import { describe, expect, it } from 'vitest';
import type { AdmissionSettings } from '../contract.ts';
import { emitAdmission } from '../emit/index.ts';
import { sampleModules } from '../testing/sample-modules.ts';
import { enforcementProblems } from './enforcement.ts';

const settings: AdmissionSettings = { environment: 'e', enforcement: 'enforce', namespaces: ['shop', 'data'], forms: ['kyverno', 'kyverno-legacy', 'gatekeeper', 'native'] };

describe('enforcementProblems', () => {
  const objects = emitAdmission(sampleModules(), settings).objects;

  it('finds nothing in forms emitted with the same settings, whatever the order of the namespaces', () => {
    expect(enforcementProblems(objects, settings)).toEqual([]);
    expect(enforcementProblems(objects, { ...settings, namespaces: ['data', 'shop'] })).toEqual([]);
  });

  it('names every form that audits, or covers other namespaces, than the settings say', () => {
    const audit = enforcementProblems(objects, { ...settings, enforcement: 'audit' });
    for (const kind of ['ValidatingPolicy', 'ImageValidatingPolicy', 'ClusterPolicy', 'ValidatingAdmissionPolicyBinding', 'ZtpSamplePodsNoHostNetwork']) {
      expect(audit.some((p) => p.startsWith(`${kind} `)), kind).toBe(true);
    }
    const wider = enforcementProblems(objects, { ...settings, namespaces: ['shop', 'data', 'payments'] });
    expect(wider).toContainEqual(expect.stringMatching(/^ZtpSamplePodsNoHostNetwork sample-pods-no-host-network: match.namespaces is \["shop","data"\], but the settings \(enforce, namespaces shop, data, payments\) need/));
    const everywhere = enforcementProblems(objects, { ...settings, namespaces: [] });
    expect(everywhere).toContainEqual(expect.stringMatching(/^ValidatingAdmissionPolicyBinding .*: matchResources.namespaceSelector is .*, but the settings \(enforce, namespaces all\) need none$/));
  });

  it('refuses a kind it does not know how to read', () => {
    expect(enforcementProblems([{ apiVersion: 'example.com/v1', kind: 'Policy', metadata: { name: 'p' } }], settings)).toEqual(['Policy p (example.com/v1): a kind whose enforcement this check does not know']);
  });
});
