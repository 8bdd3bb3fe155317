import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listManifestFiles, loadManifests, parseManifestText } from './loader.ts';
import { ManifestError } from './resources.ts';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'reachability-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('loading manifests', () => {
  it('reads YAML (multi-document) and JSON files recursively, ignoring other files', () => {
    const root = tree({
      'a.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: n1, labels: {app: x}}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
      'sub/deeper/b.json': JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p2', namespace: 'n2' } }] }),
      'sub/c.yml': 'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: np, namespace: n1}\nspec: {podSelector: {}}\n',
      'notes.txt': 'not a manifest',
    });
    expect(listManifestFiles(root).map((f) => f.slice(root.length + 1))).toEqual(['a.yaml', 'sub/c.yml', 'sub/deeper/b.json']);
    const r = loadManifests(root);
    expect(r.workloads.map((w) => w.id)).toEqual(['n1/p1[Pod]', 'n2/p2[Pod]']);
    expect(r.networkPolicies.map((p) => p.name)).toEqual(['np']);
    expect(r.ignored).toEqual([expect.objectContaining({ kind: 'ConfigMap', name: 'cm', origin: { file: join(root, 'a.yaml'), index: 2 } })]);
  });

  it('reads YAML like Kubernetes (YAML 1.1): an unquoted yes is a boolean, not a label value', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {enabled: yes}}\n';
    expect(parseManifestText(text, 'x.yaml')[0]!.object).toMatchObject({ metadata: { labels: { enabled: true } } });
    const root = tree({ 'p.yaml': text });
    expect(() => loadManifests(root)).toThrow(/label "enabled" must be a string/);
  });

  it('reports syntax errors with the file', () => {
    const root = tree({ 'bad.yaml': 'kind: Pod\nmetadata: [unclosed\n', 'bad.json': '{"kind": ' });
    let error: unknown;
    try {
      loadManifests(root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    const problems = (error as ManifestError).problems;
    expect(problems.some((p) => p.includes('bad.yaml'))).toBe(true);
    expect(problems.some((p) => p.includes('bad.json') && p.includes('invalid JSON'))).toBe(true);
  });
});
