import type { K8sObject } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { removals, shrink } from './shrink.ts';

const big: K8sObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', annotations: { a: 'b' } },
  spec: {
    hostNetwork: true,
    securityContext: { runAsNonRoot: true, sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
    containers: [
      { name: 'c0', image: 'registry.k8s.io/pause', ports: [{ containerPort: 80 }] },
      { name: 'c1', image: 'registry.k8s.io/pause', securityContext: { privileged: true, runAsUser: 0 } },
    ],
    initContainers: [{ name: 'i0', image: 'registry.k8s.io/pause' }],
  },
};

const privileged = (p: K8sObject) => JSON.stringify(p).includes('"privileged":true');

describe('shrink', () => {
  it('never removes what makes the object a pod: kind, name, the last container, its name and image', () => {
    for (const candidate of removals(big)) {
      const c = candidate as Record<string, any>;
      expect(c['apiVersion']).toBe('v1');
      expect(c['metadata']['name']).toBe('p');
      expect(c['spec']['containers'].length).toBeGreaterThan(0);
      for (const container of [...c['spec']['containers'], ...(c['spec']['initContainers'] ?? [])]) expect(Object.keys(container)).toEqual(expect.arrayContaining(['name', 'image']));
    }
  });

  it('removes everything the failure does not need', async () => {
    const { pod } = await shrink(big, async (candidates) => candidates.findIndex(privileged));
    expect(pod).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c1', image: 'registry.k8s.io/pause', securityContext: { privileged: true } }] } });
  });
});
