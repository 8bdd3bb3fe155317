/**
 * Conformance with upstream: every engine's form of the baseline profile admits every pod that
 * k8s.io/pod-security-admission's v1.37 test data says baseline admits, and rejects every pod it
 * says baseline rejects. The data stays outside the repository (ZTP_CONFORMANCE_DIR).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, engineMissing, ENGINES, evaluate } from '@ztp/admission';
import type { EvaluateInput, K8sObject } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { podSecurity } from './index.ts';

const data = conformanceDir();
const base = join(data.dir, 'pod-security-admission', 'baseline', 'v1.37');

function pods(verdict: 'pass' | 'fail'): EvaluateInput[] {
  const dir = join(base, verdict);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `${verdict}/${f}`, object: parse(readFileSync(join(dir, f), 'utf8')) as K8sObject }));
}

describe('pod security baseline conformance (pod-security-admission v1.37 test data)', () => {
  it.each(ENGINES)('%s admits every pass pod and rejects every fail pod', async (engine) => {
    if (data.skip !== undefined) {
      console.log(`baseline conformance: ${data.skip}`);
      return;
    }
    const missing = await engineMissing(engine);
    if (missing !== undefined) {
      console.log(`baseline conformance on ${engine}: ${missing}`);
      return;
    }
    const pass = pods('pass');
    const fail = pods('fail');
    expect(pass.length).toBeGreaterThan(0);
    expect(fail.length).toBeGreaterThan(0);
    const records = await evaluate([...pass, ...fail], { profile: [podSecurity('baseline')], engine });
    // An error is no verdict. The apiserver refuses the fail fixtures upstream marks
    // failRequiresError (procMount Unmasked outside a user namespace) in its own validation, before
    // admission: those it does not judge, and they are never counted as denials.
    const errors = records.filter((r) => r.messages.some((m) => /^[^:]+: (error|not-applicable): /.test(m)));
    const unjudged = engine === 'apiserver' ? errors.filter((r) => r.file.startsWith('fail/') && r.messages.every((m) => /^[^:]+: error: 422: Pod "[^"]+" is invalid: /.test(m))) : [];
    if (unjudged.length > 0) console.log(`baseline conformance on apiserver: not judged, refused before admission: ${unjudged.map((r) => r.file).join(', ')}`);
    expect(errors.filter((r) => !unjudged.includes(r)).map((r) => `${r.file}: ${r.messages.join('; ')}`)).toEqual([]);
    const wrong = records
      .filter((r) => !unjudged.includes(r) && r.allowed !== r.file.startsWith('pass/'))
      .map((r) => `${r.file}: ${r.allowed ? 'allowed' : `denied (${r.messages.join('; ')})`}`);
    expect(wrong).toEqual([]);
  });
});
