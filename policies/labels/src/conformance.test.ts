/**
 * Conformance with the community libraries: ztp's requiredLabels, with the parameters of the
 * gatekeeper-library requiredlabels constraints and the kyverno/policies require-labels policy,
 * gives the verdicts those libraries expect for their examples, on every engine.
 */
import { join } from 'node:path';
import { conformanceDir, engineMissing, ENGINES, evaluate, KINDS, readGatekeeperSuite, readKyvernoTestFolder } from '@ztp/admission';
import type { EngineName, ResourceKind } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { requiredLabels } from './index.ts';

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

function kind(name: string): ResourceKind {
  const k = (KINDS as Record<string, ResourceKind>)[name];
  if (k === undefined) throw new Error(`no known kind ${name}`);
  return k;
}

describe('required labels conformance', () => {
  it.each(ENGINES)('%s agrees with gatekeeper-library requiredlabels', async (engine) => {
    if (!(await ready(engine, 'gatekeeper-library requiredlabels'))) return;
    const wrong: string[] = [];
    let checked = 0;
    for (const test of readGatekeeperSuite(join(data.dir, 'admission-gatekeeper-library', 'requiredlabels'))) {
      const spec = test.constraint['spec'] as { match: { kinds: { kinds: string[] }[] }; parameters: { labels: { key: string; allowedRegex?: string }[] } };
      const module = requiredLabels({ labels: spec.parameters.labels, kinds: spec.match.kinds.flatMap((k) => k.kinds).map(kind) });
      const records = await evaluate(test.cases.map((c) => ({ file: c.name, object: c.object })), { profile: [module], engine });
      test.cases.forEach((c, i) => {
        checked++;
        if (records[i]!.allowed === c.deny) wrong.push(`${test.name}/${c.name}: ${records[i]!.allowed ? 'allowed' : 'denied'}, library expects ${c.deny ? 'a violation' : 'none'}`);
      });
    }
    expect(checked).toBe(5);
    expect(wrong).toEqual([]);
  });

  it.each(ENGINES)('%s agrees with kyverno/policies require-labels', async (engine) => {
    if (!(await ready(engine, 'kyverno/policies require-labels'))) return;
    const folder = readKyvernoTestFolder(join(data.dir, 'admission-kyverno-policies', 'require-labels'));
    const rule = (folder.policy['spec'] as { rules: { match: { any: { resources: { kinds: string[] } }[] }; validate: { pattern: { metadata: { labels: Record<string, string> } } } }[] }).rules[0]!;
    // Kyverno's "?*" wants at least one character.
    const labels = Object.entries(rule.validate.pattern.metadata.labels).map(([key, value]) => (value === '?*' ? { key, allowedRegex: '.' } : { key, allowedRegex: `^${value}$` }));
    const module = requiredLabels({ labels, kinds: rule.match.any.flatMap((a) => a.resources.kinds).map(kind) });
    const records = await evaluate(folder.resources.map((r) => ({ file: r.metadata.name, object: r })), { profile: [module], engine });
    const wrong = folder.expectations
      .filter((e) => {
        const record = records[folder.resources.findIndex((r) => r.kind === e.kind && r.metadata.name === e.resource)]!;
        return record.allowed === (e.result === 'fail');
      })
      .map((e) => `${e.rule}/${e.resource}: kyverno test expects ${e.result}`);
    expect(folder.expectations.length).toBe(4);
    expect(wrong).toEqual([]);
  });
});
