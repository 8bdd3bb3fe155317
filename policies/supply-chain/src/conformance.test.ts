/**
 * Conformance with the community libraries: ztp's own supply-chain rules, with the parameters of
 * the gatekeeper-library (allowedrepos, disallowedtags) and kyverno/policies
 * (restrict-image-registries, disallow-latest-tag) rules, give the verdicts those libraries
 * expect for their examples, on every engine. The data stays outside the repository.
 */
import { join } from 'node:path';
import { conformanceDir, engineMissing, ENGINES, evaluate, readGatekeeperSuite, readKyvernoTestFolder } from '@ztp/admission';
import type { AdmissionModule, EngineName, EvaluateRecord, K8sObject } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { allowedRegistries, imageTags } from './index.ts';

const data = conformanceDir();

async function ready(engine: EngineName, what: string): Promise<boolean> {
  if (data.skip !== undefined) {
    console.log(`${what}: ${data.skip}`);
    return false;
  }
  const missing = await engineMissing(engine);
  if (missing !== undefined) console.log(`${what} on ${engine}: ${missing}`);
  return missing === undefined;
}

/** Module-level verdicts of one engine for objects, keyed by position. */
async function verdicts(engine: EngineName, module: AdmissionModule, objects: readonly K8sObject[]): Promise<EvaluateRecord[]> {
  return evaluate(objects.map((object, i) => ({ file: `#${i}`, object })), { profile: [module], engine });
}

interface Pattern {
  spec: { rules: { validate: { pattern?: { spec: { containers: { image: string }[] } }; foreach?: { pattern: { image: string } }[] } }[] };
}

describe('supply chain conformance', () => {
  it.each(ENGINES)('%s agrees with gatekeeper-library allowedrepos and disallowedtags', async (engine) => {
    if (!(await ready(engine, 'gatekeeper-library supply chain'))) return;
    const wrong: string[] = [];
    let checked = 0;
    for (const rule of ['allowedrepos', 'disallowedtags']) {
      for (const test of readGatekeeperSuite(join(data.dir, 'admission-gatekeeper-library', rule))) {
        const params = (test.constraint['spec'] as { parameters: { repos?: string[]; tags?: string[]; exemptImages?: string[] } }).parameters;
        const module =
          rule === 'allowedrepos'
            ? allowedRegistries({ registries: params.repos ?? [] })
            : imageTags({ disallowed: params.tags ?? [], exemptImages: params.exemptImages ?? [], requireTag: true });
        const records = await verdicts(engine, module, test.cases.map((c) => c.object));
        test.cases.forEach((c, i) => {
          checked++;
          if (records[i]!.allowed === c.deny) wrong.push(`${rule}/${test.name}/${c.name}: ${records[i]!.allowed ? 'allowed' : 'denied'}, library expects ${c.deny ? 'a violation' : 'none'}`);
        });
      }
    }
    expect(checked).toBe(12);
    expect(wrong).toEqual([]);
  });

  it.each(ENGINES)('%s agrees with kyverno/policies restrict-image-registries and disallow-latest-tag', async (engine) => {
    if (!(await ready(engine, 'kyverno/policies supply chain'))) return;
    const wrong: string[] = [];
    let checked = 0;
    const folders: { folder: string; module: (policy: Pattern) => AdmissionModule; rules: Record<string, string> }[] = [
      {
        folder: 'restrict-image-registries',
        module: (policy) => {
          const pattern = policy.spec.rules[0]!.validate.pattern!.spec.containers[0]!.image;
          return allowedRegistries({ registries: pattern.split('|').map((p) => p.trim().replace(/\*$/, '')) });
        },
        rules: { 'validate-registries': 'allowed-registries/allowed-registries' },
      },
      {
        folder: 'disallow-latest-tag',
        module: (policy) => {
          const forbidden = policy.spec.rules[1]!.validate.foreach![0]!.pattern.image;
          return imageTags({ disallowed: [forbidden.replace(/^!\*:/, '')], requireTag: true });
        },
        rules: { 'require-image-tag': 'image-tags/image-tag-required', 'validate-image-tag': 'image-tags/disallowed-tags' },
      },
    ];
    for (const f of folders) {
      const folder = readKyvernoTestFolder(join(data.dir, 'admission-kyverno-policies', f.folder));
      const records = await verdicts(engine, f.module(folder.policy as unknown as Pattern), folder.resources);
      for (const e of folder.expectations) {
        const index = folder.resources.findIndex((r) => r.kind === e.kind && r.metadata.name === e.resource);
        expect(index, `${f.folder}: resource ${e.kind}/${e.resource}`).toBeGreaterThanOrEqual(0);
        const key = f.rules[e.rule];
        expect(key, `${f.folder}: rule ${e.rule}`).toBeDefined();
        const denied = records[index]!.messages.some((m) => m.startsWith(`${key}: `));
        checked++;
        if (denied !== (e.result === 'fail')) wrong.push(`${f.folder}/${e.rule}/${e.kind}/${e.resource}: ${denied ? 'denied' : 'allowed'}, kyverno test expects ${e.result}`);
      }
    }
    expect(checked).toBe(17);
    expect(wrong).toEqual([]);
  });
});
