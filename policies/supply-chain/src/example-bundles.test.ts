/**
 * The settings that let the signed-image proof reach a local HTTP registry and accept signatures
 * outside the transparency log exist only in that test's fixture: no example environment's bundle
 * (compiled here, and as recorded in its golden folder) carries any of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSECURE_SETTINGS, insecureSettingsIn } from '@ztp/admission/testing';
import { compileEnvironment, discoverEnvironments, findRoot, loadEnvironment } from '@ztp/compiler';
import { describe, expect, it } from 'vitest';

const root = findRoot(dirname(fileURLToPath(import.meta.url)));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe(`example bundles carry none of ${INSECURE_SETTINGS.join(', ')}`, () => {
  const sources = discoverEnvironments(root);

  it('as compiled', async () => {
    expect(sources.map((s) => s.name)).toContain('production');
    const found: string[] = [];
    let imagePolicies = 0;
    for (const source of sources) {
      const bundle = compileEnvironment(await loadEnvironment(source), root);
      for (const [file, text] of bundle.files) {
        if (/^kind: ImageValidatingPolicy$/m.test(text)) imagePolicies++;
        for (const key of insecureSettingsIn(text)) found.push(`${source.name}: ${file}: ${key}`);
      }
    }
    expect(found).toEqual([]);
    // The scan saw the policies those settings would go into.
    expect(imagePolicies).toBeGreaterThan(0);
  });

  it('as recorded in the golden bundles', () => {
    const found: string[] = [];
    let scanned = 0;
    for (const source of sources) {
      for (const file of filesUnder(join(root, 'environments', source.name, '__golden__'))) {
        scanned++;
        for (const key of insecureSettingsIn(readFileSync(file, 'utf8'))) found.push(`${relative(root, file)}: ${key}`);
      }
    }
    expect(found).toEqual([]);
    expect(scanned).toBeGreaterThan(sources.length);
  });
});
