import { describe, expect, it } from 'vitest';
import type { BundleManifest } from './bundle-manifest.ts';
import { fqdnCovers, inBlock, matchingFlows } from './expectations.ts';

describe('fqdnCovers', () => {
  it('reads a leading *. as exactly one DNS label, as Cilium matchPattern does', () => {
    expect(fqdnCovers('*.cdn.example.com', 'a.cdn.example.com')).toBe(true);
    expect(fqdnCovers('*.cdn.example.com', 'a.b.cdn.example.com')).toBe(false);
    expect(fqdnCovers('*.cdn.example.com', 'cdn.example.com')).toBe(false);
    expect(fqdnCovers('*.cdn.example.com', '.cdn.example.com')).toBe(false);
    expect(fqdnCovers('*.cdn.example.com', 'evilcdn.example.com')).toBe(false);
  });

  it('matches other names exactly', () => {
    expect(fqdnCovers('api.example.com', 'api.example.com')).toBe(true);
    expect(fqdnCovers('api.example.com', 'x.api.example.com')).toBe(false);
  });
});

describe('CIDR callers with except', () => {
  const manifest = {
    intent: {
      flows: [{ from: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/16'] }, to: 'shop/web', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], source: 'env.ts:1' }],
      egress: [],
      dns: { namespace: 'kube-system', podLabels: {}, port: 53 },
    },
  } as unknown as BundleManifest;

  it('admits a caller in the CIDR only outside its except', () => {
    const admits = (ip: string) => matchingFlows(manifest, { kind: 'external', ip }, 'shop/web', 'TCP', 8080).length > 0;
    expect(admits('10.0.0.1')).toBe(true);
    expect(admits('10.96.0.1')).toBe(false);
    expect(admits('10.244.255.254')).toBe(false);
    expect(admits('11.0.0.1')).toBe(false);
    expect(inBlock('10.97.0.1', '10.0.0.0/8', ['10.96.0.0/12'])).toBe(false);
    expect(inBlock('10.112.0.1', '10.0.0.0/8', ['10.96.0.0/12'])).toBe(true);
  });
});
