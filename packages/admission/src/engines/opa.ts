/**
 * opa adapter: one `opa eval` over the conftest form's Rego with every case as data, querying
 * `data.main.deny` once per case (`with input as`).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { CONFTEST_DIR, parseConftestMessage } from '../emit/conftest.ts';
import { writeBundleFiles } from './files.ts';
import { regoRules } from './rego-rules.ts';
import { EngineError, type EngineInput, type EngineReport, type Finding } from './types.ts';

/** The query: every case id with the set of its denials. */
export const OPA_QUERY = 'denials := {id: msgs | some id, obj in data.ztp_cases; msgs := data.main.deny with input as obj}';

interface OpaOutput {
  result?: { bindings: { denials: Record<string, string[]> } }[];
  errors?: unknown[];
}

/** Runs opa eval over every case. */
export async function runOpa(input: EngineInput): Promise<EngineReport> {
  await writeBundleFiles(input.workDir, input.output.files);
  const casesFile = join(input.workDir, 'cases.json');
  await writeFile(casesFile, JSON.stringify({ ztp_cases: Object.fromEntries(input.cases.map((c) => [c.id, c.object])) }));
  const args = ['eval', '--format', 'json', '--data', join(input.workDir, CONFTEST_DIR), '--data', casesFile, OPA_QUERY];
  const result = await execa(input.binary, args, { reject: false, cwd: input.workDir, stdin: 'ignore' });
  let parsed: OpaOutput;
  try {
    parsed = JSON.parse(result.stdout) as OpaOutput;
  } catch {
    throw new EngineError(`opa exited ${result.exitCode} without JSON: ${result.stderr.slice(-2000)}`);
  }
  if (result.exitCode !== 0 || parsed.errors !== undefined) {
    throw new EngineError(`opa eval failed (exit ${result.exitCode}): ${JSON.stringify(parsed.errors ?? result.stderr).slice(0, 2000)}`);
  }
  const denials = parsed.result?.[0]?.bindings.denials;
  // every case has its (possibly empty) set of denials; one missing was never judged (the
  // package is not there, the cases did not load), which must not read as allowed
  const unjudged = input.cases.filter((c) => denials?.[c.id] === undefined).map((c) => c.id);
  if (denials === undefined || unjudged.length > 0) throw new EngineError(`opa judged ${denials === undefined ? 'no case' : `not every case (${unjudged.slice(0, 5).join(', ')}${unjudged.length > 5 ? ', ...' : ''})`}: is data.main.deny defined?`);
  const findings: Finding[] = [];
  for (const [id, msgs] of Object.entries(denials)) {
    for (const msg of msgs) {
      const p = parseConftestMessage(msg);
      if (p === undefined) throw new EngineError(`opa denial without a rule: ${msg}`);
      findings.push({ case: id, rule: p.rule, outcome: 'deny', message: p.message });
    }
  }
  return { engine: 'opa', command: [input.binary, ...args], findings, rules: regoRules(input.output) };
}
