/**
 * conftest adapter: `conftest test --policy <conftest dir> -o json <one file per case>`, one
 * process for the whole batch. conftest exits 1 when anything is denied, so the exit code is not
 * the verdict: the JSON is.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { CONFTEST_DIR, parseConftestMessage } from '../emit/conftest.ts';
import { writeBundleFiles, writeCaseFiles } from './files.ts';
import { EngineError, type EngineInput, type EngineReport, type Finding } from './types.ts';
import { regoRules } from './rego-rules.ts';

interface ConftestResult {
  filename: string;
  /** How many rules passed on the file. */
  successes?: number;
  failures?: { msg: string }[] | null;
  exceptions?: { msg: string }[] | null;
}

/** Runs conftest over every case. */
export async function runConftest(input: EngineInput): Promise<EngineReport> {
  await writeBundleFiles(input.workDir, input.output.files);
  const policyDir = join(input.workDir, CONFTEST_DIR);
  const caseFiles = await writeCaseFiles(join(input.workDir, 'cases'), input.cases);
  const args = ['test', '--policy', policyDir, '--output', 'json', '--no-color', ...caseFiles];
  const result = await execa(input.binary, args, { reject: false, cwd: input.workDir, stdin: 'ignore' });
  let parsed: ConftestResult[];
  try {
    parsed = JSON.parse(result.stdout) as ConftestResult[];
  } catch {
    throw new EngineError(`conftest exited ${result.exitCode} without JSON: ${result.stderr.slice(-2000) || result.stdout.slice(-2000)}`);
  }
  const byFile = new Map(caseFiles.map((f, i) => [f, input.cases[i]!.id]));
  const findings: Finding[] = [];
  const judged = new Set<string>();
  for (const r of parsed) {
    const id = byFile.get(r.filename) ?? byFile.get(join(input.workDir, r.filename));
    if (id === undefined) throw new EngineError(`conftest reported an unknown file ${r.filename}`);
    // a file on which no rule passed or failed was not judged (no package main, no deny rule)
    if ((r.successes ?? 0) + (r.failures ?? []).length > 0) judged.add(id);
    for (const f of r.failures ?? []) {
      const parsedMsg = parseConftestMessage(f.msg);
      if (parsedMsg === undefined) throw new EngineError(`conftest message without a rule: ${f.msg}`);
      findings.push({ case: id, rule: parsedMsg.rule, outcome: 'deny', message: parsedMsg.message });
    }
  }
  const unjudged = input.cases.filter((c) => !judged.has(c.id)).map((c) => c.id);
  if (unjudged.length > 0) throw new EngineError(`conftest judged not every case (${unjudged.slice(0, 5).join(', ')}${unjudged.length > 5 ? ', ...' : ''}): no rule of package main ran on them`);
  return { engine: 'conftest', command: [input.binary, ...args], findings, rules: regoRules(input.output) };
}
