/**
 * kyverno-json adapter: one `kyverno-json scan --output json` with every module's policy and all
 * cases as one multi-document payload. v0.0.3 exits 0 even when rules fail, so the verdict is
 * read from the JSON only: a rule with `violations` denies, a rule with `error` is an error.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { KYVERNO_JSON_DIR } from '../emit/kyverno-json.ts';
import { ruleIdOf } from '../emit/jmespath.ts';
import { writeBundleFiles, writeYaml } from './files.ts';
import { EngineError, type EngineInput, type EngineReport, type Finding } from './types.ts';

interface ScanRule {
  rule: { name: string };
  violations?: { message: string }[] | null;
  error?: string;
}

interface ScanResult {
  resource: { metadata?: { name?: string } };
  results?: { policy: { metadata: { name: string } }; rules?: ScanRule[] | null }[] | null;
}

/** The `<module>/<rule>` keys of the kyverno-json form. */
export function kyvernoJsonRules(files: EngineInput['output']['files']): string[] {
  const keys = new Set<string>();
  for (const f of files) {
    if (!f.path.startsWith(`${KYVERNO_JSON_DIR}/`)) continue;
    const policy = parse(f.content) as { metadata: { name: string }; spec: { rules: { name: string }[] } };
    for (const r of policy.spec.rules) keys.add(`${policy.metadata.name}/${ruleIdOf(r.name)}`);
  }
  return [...keys].sort();
}

/** Runs kyverno-json scan over every case. */
export async function runKyvernoJson(input: EngineInput): Promise<EngineReport> {
  const files = input.output.files.filter((f) => f.path.startsWith(`${KYVERNO_JSON_DIR}/`));
  const policyPaths = await writeBundleFiles(input.workDir, files);
  const payload = await writeYaml(join(input.workDir, 'payload.yaml'), input.cases.map((c) => c.object));
  const args = ['scan', ...policyPaths.flatMap((p) => ['--policy', p]), '--payload', payload, '--output', 'json'];
  // its report repeats every policy for every object: a few thousand objects pass execa's 100 MB default
  const result = await execa(input.binary, args, { reject: false, cwd: input.workDir, stdin: 'ignore', maxBuffer: 2_000_000_000 });
  if (result.exitCode === undefined) throw new EngineError(`kyverno-json did not finish: ${result.shortMessage}`);
  let parsed: ScanResult[];
  try {
    parsed = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as ScanResult[];
  } catch {
    throw new EngineError(`kyverno-json exited ${result.exitCode} without JSON: ${(result.stderr || result.stdout).slice(-2000)}`);
  }
  const ids = new Set(input.cases.map((c) => c.id));
  const findings: Finding[] = [];
  // (case, rule) pairs the scan evaluated: an example its own rule never matched was not judged
  const evaluated = new Set<string>();
  for (const r of parsed) {
    const id = r.resource.metadata?.name ?? '';
    if (!ids.has(id)) throw new EngineError(`kyverno-json reported an unknown resource ${id}`);
    for (const p of r.results ?? []) {
      for (const rule of p.rules ?? []) {
        const key = `${p.policy.metadata.name}/${ruleIdOf(rule.rule.name)}`;
        evaluated.add(`${id} ${key}`);
        if (rule.error !== undefined && rule.error !== '') findings.push({ case: id, rule: key, outcome: 'error', message: rule.error });
        for (const v of rule.violations ?? []) findings.push({ case: id, rule: key, outcome: 'deny', message: v.message });
      }
    }
  }
  const rules = kyvernoJsonRules(input.output.files);
  const unjudged = input.cases.filter((c) => c.ruleKey !== undefined && rules.includes(c.ruleKey) && !evaluated.has(`${c.id} ${c.ruleKey}`)).map((c) => `${c.id} (${c.ruleKey})`);
  if (unjudged.length > 0) throw new EngineError(`kyverno-json did not evaluate every example against its own rule (${unjudged.slice(0, 5).join(', ')}${unjudged.length > 5 ? ', ...' : ''}): does the rule's match select its kind?`);
  return { engine: 'kyverno-json', command: [input.binary, ...args], findings, rules };
}
