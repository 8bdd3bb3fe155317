import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkIntegrity } from './integrity.ts';

describe('checkIntegrity', () => {
  const manifest = (objects: { file: string; text: string }[]) =>
    JSON.stringify({ environment: 'dev', objects: objects.map((o) => ({ file: o.file, sha256: createHash('sha256').update(o.text).digest('hex') })), files: [] });
  const KUSTOMIZATION = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - network/a.yaml\n';
  const bundle = (extra: Record<string, string> = {}) => {
    const a = { file: 'network/a.yaml', text: 'kind: NetworkPolicy\n' };
    return new Map(
      Object.entries({ 'manifest.json': manifest([a]), 'kustomization.yaml': KUSTOMIZATION, 'network/a.yaml': a.text, ...extra }).map(([k, v]) => [k, Buffer.from(v)] as const),
    );
  };

  it('accepts a bundle whose files are exactly the manifest’s, with their hashes', () => {
    expect(checkIntegrity('dev', bundle())).toEqual([]);
  });

  it('names edited, unlisted, missing and non-UTF-8 files and a wrong environment', () => {
    expect(checkIntegrity('dev', bundle({ 'network/a.yaml': 'kind: Changed\n' }))).toEqual(['network/a.yaml does not match its sha256 in manifest.json (edited after compiling)']);
    expect(checkIntegrity('dev', bundle({ 'network/b.yaml': 'x: 1\n' }))).toEqual(['network/b.yaml is not listed in manifest.json (an object the compiler did not emit)']);
    expect(checkIntegrity('staging', bundle())).toEqual(['manifest.json says environment dev, the folder is staging']);
    const missing = bundle();
    missing.delete('network/a.yaml');
    expect(checkIntegrity('dev', missing)).toEqual(['network/a.yaml is listed in manifest.json but missing']);
    const binary = bundle();
    binary.set('network/a.yaml', Buffer.from([0xff, 0xfe]));
    expect(checkIntegrity('dev', binary)).toContain('network/a.yaml is not UTF-8 text');
  });

  it('requires the kustomization to list exactly the manifest’s objects', () => {
    const b = bundle({ 'kustomization.yaml': 'resources:\n  - network/a.yaml\n  - network/x.yaml\n' });
    expect(checkIntegrity('dev', b)).toEqual(["kustomization.yaml does not list exactly the manifest's objects; extra: network/x.yaml"]);
  });

  it('refuses a kustomization with anything besides that list, such as a patch that opens the default deny', () => {
    const patch = "patches:\n  - target:\n      kind: NetworkPolicy\n      name: ztp-default-deny\n    patch: '[{\"op\":\"add\",\"path\":\"/spec/ingress\",\"value\":[{}]}]'\n";
    for (const k of [KUSTOMIZATION + patch, KUSTOMIZATION + 'namePrefix: x-\n', KUSTOMIZATION.replace('kind: Kustomization\n', 'kind: Kustomization\nnamespace: other\n')]) {
      expect(checkIntegrity('dev', bundle({ 'kustomization.yaml': k })), k).toEqual([
        "kustomization.yaml is not the one the compiler writes for the manifest's objects (it holds more than their list, e.g. patches, which Argo CD would apply and the proof never saw)",
      ]);
    }
  });
});
