import { describe, expect, it } from 'vitest';
import { interpret } from '@ztp/admission';
import type { ValidationRule } from '@ztp/admission/rule';
import { allowedRegistries } from './allowed-registries.ts';

describe('allowedRegistries', () => {
  it("refuses a registry without a trailing '/', which would also admit look-alike hosts", () => {
    expect(() => allowedRegistries({ registries: ['registry.example.com'] })).toThrow("registry registry.example.com must end in '/'");
    expect(() => allowedRegistries({ registries: ['ghcr.io/acme/', 'ghcr.io/acme'] })).toThrow("ghcr.io/acme must end in '/'");
    expect(() => allowedRegistries({ registries: [] })).toThrow('at least one registry');
  });

  it('admits images under a listed prefix only, not a host that merely starts with it', () => {
    const rule = allowedRegistries({ registries: ['registry.example.com/'] }).rules![0]! as ValidationRule;
    const pod = (image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'app', image }] } });
    expect(interpret(rule, pod('registry.example.com/shop/app:1.0')).allowed).toBe(true);
    for (const image of ['registry.example.com.evil.io/app:1.0', 'registry.example.commerce/app:1.0', 'docker.io/registry.example.com/app:1.0']) {
      expect(interpret(rule, pod(image)).allowed, image).toBe(false);
    }
  });
});
