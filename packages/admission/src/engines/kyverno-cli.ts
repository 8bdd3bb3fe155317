/**
 * Kyverno CLI adapter, for three engines on one binary: `kyverno` (ValidatingPolicy),
 * `kyverno-legacy` (ClusterPolicy) and `native` (ValidatingAdmissionPolicy and binding, which the
 * CLI evaluates too). Each engine is one `kyverno apply <its policies> --resource <all cases>
 * --policy-report --output-format json` process; the merged report has one result per policy
 * (and rule) and resource. The CLI exits 1 when anything fails: the report decides.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import type { K8sObject } from '../contract.ts';
import { ruleIdOf } from '../emit/jmespath.ts';
import { writeYaml } from './files.ts';
import { EngineError, type EngineInput, type EngineName, type EngineReport, type Finding } from './types.ts';

type KyvernoEngine = Extract<EngineName, 'kyverno' | 'kyverno-legacy' | 'native'>;

/** The kinds of each engine's form, and the report `source` its results carry. */
const FORMS: Readonly<Record<KyvernoEngine, { kinds: readonly string[]; source: string }>> = {
  kyverno: { kinds: ['ValidatingPolicy'], source: 'KyvernoValidatingPolicy' },
  'kyverno-legacy': { kinds: ['ClusterPolicy'], source: 'kyverno' },
  native: { kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], source: 'ValidatingAdmissionPolicy' },
};

interface ReportResult {
  source?: string;
  policy: string;
  rule?: string;
  result: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  message?: string;
  resources?: { name: string }[];
}

/** `<module>/<rule>` of a result: from the emitted object's `ztp.dev/rule` annotation, or (ClusterPolicy) module and rule name. */
function ruleOf(engine: KyvernoEngine, result: ReportResult, annotated: ReadonlyMap<string, string>): string | undefined {
  if (engine === 'kyverno-legacy') return result.rule === undefined ? undefined : `${result.policy}/${ruleIdOf(result.rule)}`;
  return annotated.get(result.policy);
}

/** The `<module>/<rule>` keys an engine's form holds. */
function formRules(engine: KyvernoEngine, policies: readonly K8sObject[]): string[] {
  const keys = new Set<string>();
  for (const p of policies) {
    if (engine === 'kyverno-legacy') {
      for (const r of (p['spec'] as { rules: { name: string; validate?: unknown }[] }).rules) if (r.validate !== undefined) keys.add(`${p.metadata.name}/${ruleIdOf(r.name)}`);
    } else {
      const key = p.metadata.annotations?.['ztp.dev/rule'];
      if (key !== undefined) keys.add(key);
    }
  }
  return [...keys].sort();
}

/** Runs one Kyverno CLI engine over every case. */
export async function runKyvernoCli(engine: KyvernoEngine, input: EngineInput): Promise<EngineReport> {
  const form = FORMS[engine];
  const policies = input.output.objects.filter((o) => form.kinds.includes(o.kind));
  const annotated = new Map(policies.flatMap((p) => (p.metadata.annotations?.['ztp.dev/rule'] ? [[p.metadata.name, p.metadata.annotations['ztp.dev/rule']] as const] : [])));
  const rules = formRules(engine, policies);
  if (policies.length === 0) return { engine, command: [], findings: [], rules };
  const policyFile = await writeYaml(join(input.workDir, 'policies.yaml'), policies);
  const resourceFile = await writeYaml(join(input.workDir, 'resources.yaml'), input.cases.map((c) => c.object));
  const args = ['apply', policyFile, '--resource', resourceFile, '--policy-report', '--output-format', 'json', '--remove-color'];
  const result = await execa(input.binary, args, { reject: false, cwd: input.workDir, stdin: 'ignore' });
  const start = result.stdout.indexOf('{');
  let report: { results?: ReportResult[] | null };
  try {
    report = JSON.parse(result.stdout.slice(start)) as { results?: ReportResult[] | null };
  } catch {
    throw new EngineError(`kyverno exited ${result.exitCode} without a JSON report: ${(result.stderr || result.stdout).slice(-2000)}`);
  }
  const ids = new Set(input.cases.map((c) => c.id));
  const findings: Finding[] = [];
  for (const r of report.results ?? []) {
    if (r.result !== 'fail' && r.result !== 'error') continue;
    if (r.source !== undefined && r.source !== form.source) continue;
    const rule = ruleOf(engine, r, annotated);
    if (rule === undefined) throw new EngineError(`kyverno reported a result for an unknown policy ${r.policy}/${r.rule ?? ''}`);
    for (const resource of r.resources ?? []) {
      if (!ids.has(resource.name)) throw new EngineError(`kyverno reported an unknown resource ${resource.name}`);
      findings.push({ case: resource.name, rule, outcome: r.result === 'fail' ? 'deny' : 'error', message: r.message ?? '' });
    }
  }
  return { engine, command: [input.binary, ...args], findings, rules };
}
