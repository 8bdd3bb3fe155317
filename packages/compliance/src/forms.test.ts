import { describe, expect, it } from 'vitest';
import { ServerForms } from './forms.ts';
import type { ClusterClient, KubeResource } from './kube.ts';

const NP: KubeResource = { apiVersion: 'networking.k8s.io/v1', group: 'networking.k8s.io', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true };
const object = { apiVersion: NP.apiVersion, kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'app' }, spec: { podSelector: {} } };

/** A client whose dry runs answer with the given statuses in turn (then 201 with the server's defaults). */
function client(statuses: number[]) {
  let asked = 0;
  const c = {
    async request() {
      const status = statuses[asked++] ?? 201;
      return status < 300 ? { status, body: { ...object, spec: { podSelector: {}, policyTypes: ['Ingress'] } } } : { status, body: { reason: `status ${status}` } };
    },
  };
  return { client: c as unknown as ClusterClient, asked: () => asked };
}

describe('ServerForms', () => {
  it('asks each object once when the server answers, or refuses for good (no create permission)', async () => {
    for (const statuses of [[], [403]]) {
      const c = client(statuses);
      const forms = new ServerForms(c.client);
      const first = await forms.form(NP, object);
      expect((await forms.form(NP, object)).mode).toBe(first.mode);
      expect(c.asked()).toBe(1);
      expect(first.mode).toBe(statuses.length === 0 ? 'exact' : 'subset');
    }
  });

  it('asks again after a refusal that may pass (throttled, a failing webhook), instead of comparing subsets for good', async () => {
    const c = client([503, 429]);
    const forms = new ServerForms(c.client);
    expect(await forms.form(NP, object)).toMatchObject({ mode: 'subset', reason: 'NetworkPolicy: HTTP 503 status 503' });
    await Promise.resolve();
    expect((await forms.form(NP, object)).mode).toBe('subset');
    await Promise.resolve();
    expect((await forms.form(NP, object)).mode).toBe('exact');
    expect((await forms.form(NP, object)).mode).toBe('exact');
    expect(c.asked()).toBe(3);
  });
});
