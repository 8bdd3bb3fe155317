import { describe, expect, it } from 'vitest';
import { validateEnvironment } from '@ztp/model';
import type { Port } from '@ztp/model';
import { generateEnvironment, random, shapeOf } from './generate.ts';
import { generateManifests } from './manifests.ts';

const root = new URL('../../..', import.meta.url).pathname;

/** The environment without source locations (which name the caller's line). */
function plain(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'at' ? undefined : v));
}

describe('random', () => {
  it('is deterministic from its seed and within [0, 1)', () => {
    const a = random(42);
    const b = random(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(random(43)()).not.toBe(xs[0]);
  });
});

describe('generateEnvironment', () => {
  it('is deterministic from the seed, and differs with another seed', () => {
    expect(plain(generateEnvironment({ workloads: 60, seed: 3 }))).toBe(plain(generateEnvironment({ workloads: 60, seed: 3 })));
    expect(plain(generateEnvironment({ workloads: 60, seed: 3 }))).not.toBe(plain(generateEnvironment({ workloads: 60, seed: 4 })));
  });

  it('has the requested counts and is valid', () => {
    const env = generateEnvironment({ workloads: 120, flows: 300, namespaces: 6, seed: 1 });
    expect(env.workloads).toHaveLength(120);
    expect(env.flows).toHaveLength(300);
    expect(env.namespaces).toHaveLength(6);
    expect(() => validateEnvironment(env)).not.toThrow();
    expect(shapeOf({ workloads: 1000 })).toMatchObject({ workloads: 1000, flows: 3000, namespaces: 40, hubs: 30 });
  });

  it('has a realistic shape: hubs with many callers, many leaves, named and numbered ports, HTTP rules, UDP, external egress', () => {
    const env = generateEnvironment({ workloads: 200, seed: 5 });
    const callers = new Map<string, number>();
    for (const f of env.flows) callers.set(`${f.to.namespace}/${f.to.name}`, (callers.get(`${f.to.namespace}/${f.to.name}`) ?? 0) + 1);
    const hubs = env.workloads.filter((w) => !w.name.startsWith('svc-'));
    const leaves = env.workloads.filter((w) => w.name.startsWith('svc-'));
    expect(hubs.length).toBeGreaterThan(0);
    expect(leaves.length).toBeGreaterThan(hubs.length * 10);
    const hubCallers = hubs.map((w) => callers.get(`${w.namespace}/${w.name}`) ?? 0);
    const leafCallers = leaves.map((w) => callers.get(`${w.namespace}/${w.name}`) ?? 0);
    expect(Math.min(...hubCallers)).toBeGreaterThan(Math.max(...leafCallers));
    const ports = env.workloads.flatMap((w) => Object.values<Port>(w.ports));
    expect(new Set(ports.map((p) => p.port)).size).toBeGreaterThan(20);
    expect(ports.some((p) => p.protocol === 'UDP')).toBe(true);
    expect(env.flows.some((f) => f.http !== undefined && f.http.length > 0)).toBe(true);
    expect(env.flows.some((f) => f.from.some((s) => s.type === 'namespace'))).toBe(true);
    expect(env.egress.length).toBeGreaterThan(0);
  });
});

describe('generateManifests', () => {
  it('emits Deployments and the compiled NetworkPolicies', () => {
    const c = generateManifests({ workloads: 30, seed: 2 }, root);
    const kinds = new Set(c.objects.map((o) => o['kind']));
    expect(kinds.has('Deployment')).toBe(true);
    expect(kinds.has('NetworkPolicy')).toBe(true);
    expect(c.objects.filter((o) => o['kind'] === 'Deployment').length).toBeGreaterThanOrEqual(30);
  });
});
