import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitAdmission, PROOF_SETTINGS } from './index.ts';
import { exampleCases } from './proof/cases.ts';
import { adapterFor } from './engines/index.ts';
import { podSecurity } from '@ztp/policy-pod-security';
const [engine, binary] = process.argv.slice(2) as [any, string];
const modules = [podSecurity('baseline')];
const cases = exampleCases(modules);
const output = emitAdmission(modules, PROOF_SETTINGS);
const workDir = mkdtempSync(join(tmpdir(), 'probe-'));
const report = await adapterFor(engine)!({ output, cases, workDir, binary });
let bad = 0;
for (const c of cases) {
  const f = report.findings.filter((x) => x.case === c.id && x.rule === c.ruleKey);
  const actual = f.some((x) => x.outcome === 'error') ? 'error' : f.length > 0 ? 'deny' : 'allow';
  if (actual !== c.example.verdict) { bad++; console.log(c.ruleKey, c.example.name, 'expected', c.example.verdict, 'got', actual, f.map((x) => x.message).join(' | ').slice(0, 400)); }
}
console.log('cases', cases.length, 'bad', bad, 'findings', report.findings.length, 'rules', report.rules.length, workDir);
