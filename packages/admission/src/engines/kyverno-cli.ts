/**
 * Kyverno CLI adapter, for three engines on one binary: `kyverno` (ValidatingPolicy),
 * `kyverno-legacy` (ClusterPolicy) and `native` (ValidatingAdmissionPolicy and binding, which the
 * CLI evaluates too). Each engine is one process:
 * - rule examples (every case names its rule): `kyverno test <dir> --output-format json
 *   --detailed-results` over one test folder per rule (its policy, its examples, each expected to
 *   pass), so each policy meets only its own examples; the actual result is read from the reason
 *   (`Ok`, or `Want pass, got fail`) and the message;
 * - any other objects: `kyverno apply <policies> --resource <cases> --policy-report
 *   --output-format json`, every policy against every object.
 * The CLI exits 1 when anything fails: the JSON decides.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import type { K8sObject } from '../contract.ts';
import { ruleIdOf } from '../emit/jmespath.ts';
import { writeYaml } from './files.ts';
import { EngineError, type EngineInput, type EngineName, type EngineReport, type Finding } from './types.ts';

type KyvernoEngine = Extract<EngineName, 'kyverno' | 'kyverno-legacy' | 'native'>;

/** The kinds of each engine's form, and the report `source` its results carry. */
const FORMS: Readonly<Record<KyvernoEngine, { kinds: readonly string[]; sources: readonly string[] }>> = {
  kyverno: { kinds: ['ValidatingPolicy', 'ImageValidatingPolicy'], sources: ['KyvernoValidatingPolicy', 'KyvernoImageValidatingPolicy'] },
  'kyverno-legacy': { kinds: ['ClusterPolicy'], sources: ['kyverno'] },
  native: { kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], sources: ['ValidatingAdmissionPolicy'] },
};

interface ReportResult {
  source?: string;
  policy: string;
  rule?: string;
  result: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  message?: string;
  resources?: { name: string }[];
}

/** The merged policy report `kyverno apply` prints after its warnings; none when nothing matched. */
function parseReport(stdout: string, exitCode: number, stderr: string): { results?: ReportResult[] | null } {
  const start = stdout.indexOf('{');
  if (start < 0 && exitCode === 0) return { results: [] };
  try {
    return JSON.parse(stdout.slice(start)) as { results?: ReportResult[] | null };
  } catch {
    throw new EngineError(`kyverno exited ${exitCode} without a JSON report: ${(stderr || stdout).slice(-2000)}`);
  }
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
  if (input.cases.length > 0 && input.cases.every((c) => c.ruleKey !== undefined)) return runKyvernoTest(engine, input, policies, annotated, rules);
  const policyFile = await writeYaml(join(input.workDir, 'policies.yaml'), policies);
  const resourceFile = await writeYaml(join(input.workDir, 'resources.yaml'), input.cases.map((c) => c.object));
  const args = ['apply', policyFile, '--resource', resourceFile, '--policy-report', '--output-format', 'json', '--remove-color'];
  const result = await execa(input.binary, args, { reject: false, cwd: input.workDir, stdin: 'ignore' });
  const report = parseReport(result.stdout, result.exitCode ?? -1, result.stderr);
  const ids = new Set(input.cases.map((c) => c.id));
  const findings: Finding[] = [];
  for (const r of report.results ?? []) {
    if (r.result !== 'fail' && r.result !== 'error') continue;
    if (r.source !== undefined && !form.sources.includes(r.source)) continue;
    const rule = ruleOf(engine, r, annotated);
    if (rule === undefined) throw new EngineError(`kyverno reported a result for an unknown policy ${r.policy}/${r.rule ?? ''}`);
    for (const resource of r.resources ?? []) {
      if (!ids.has(resource.name)) throw new EngineError(`kyverno reported an unknown resource ${resource.name}`);
      findings.push({ case: resource.name, rule, outcome: r.result === 'fail' ? 'deny' : 'error', message: r.message ?? '' });
    }
  }
  return { engine, command: [input.binary, ...args], findings, rules };
}

/** The policies of one rule: its own objects, or (ClusterPolicy) the module policy cut down to the rule's engine rules. */
function policiesOfRule(engine: KyvernoEngine, policies: readonly K8sObject[], annotated: ReadonlyMap<string, string>, ruleKey: string): K8sObject[] {
  if (engine !== 'kyverno-legacy') {
    const names = new Set([...annotated].filter(([, key]) => key === ruleKey).map(([name]) => name));
    return policies.filter((p) => names.has(p.metadata.name));
  }
  const [module, ruleId] = ruleKey.split('/') as [string, string];
  return policies
    .filter((p) => p.metadata.name === module)
    .map((p) => {
      const spec = p['spec'] as { rules: { name: string }[] };
      return { ...p, spec: { ...spec, rules: spec.rules.filter((r) => ruleIdOf(r.name) === ruleId) } };
    });
}

/** The ClusterPolicy rules of a policy that match a kind. */
function legacyRulesFor(policy: K8sObject, kind: string): string[] {
  const rules = (policy['spec'] as { rules: { name: string; match: { any: { resources: { kinds: string[] } }[] } }[] }).rules;
  return rules.filter((r) => r.match.any.some((m) => m.resources.kinds.some((k) => k.split('/').pop() === kind))).map((r) => r.name);
}

interface TestRow {
  POLICY: string;
  RULE?: string;
  RESOURCE: string;
  REASON: string;
  Message?: string;
}

/** Every JSON array printed on its own lines (kyverno test prints one per test, between progress lines). */
function jsonArrays(stdout: string): TestRow[] {
  const rows: TestRow[] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '[') continue;
    const end = lines.indexOf(']', i);
    if (end < 0) break;
    rows.push(...(JSON.parse(lines.slice(i, end + 1).join('\n')) as TestRow[]));
    i = end;
  }
  return rows;
}

async function runKyvernoTest(
  engine: KyvernoEngine,
  input: EngineInput,
  policies: readonly K8sObject[],
  annotated: ReadonlyMap<string, string>,
  rules: readonly string[],
): Promise<EngineReport> {
  const byRule = new Map<string, EngineInput['cases'][number][]>();
  for (const c of input.cases) {
    const cases = byRule.get(c.ruleKey!);
    if (cases === undefined) byRule.set(c.ruleKey!, [c]);
    else cases.push(c);
  }
  const testsDir = join(input.workDir, 'tests');
  let n = 0;
  for (const [ruleKey, cases] of byRule) {
    if (!rules.includes(ruleKey)) continue;
    const own = policiesOfRule(engine, policies, annotated, ruleKey);
    const dir = join(testsDir, `t${String(++n).padStart(3, '0')}`);
    await writeYaml(join(dir, 'policies.yaml'), own);
    await writeYaml(join(dir, 'resources.yaml'), cases.map((c) => c.object));
    const results = cases.flatMap((c) => {
      if (engine !== 'kyverno-legacy') {
        return own.filter((p) => p.kind !== 'ValidatingAdmissionPolicyBinding').map((p) => ({ policy: p.metadata.name, kind: c.object.kind, resources: [c.id], result: 'pass' }));
      }
      return own.flatMap((p) => legacyRulesFor(p, c.object.kind).map((rule) => ({ policy: p.metadata.name, rule, kind: c.object.kind, resources: [c.id], result: 'pass' })));
    });
    await writeYaml(join(dir, 'kyverno-test.yaml'), [
      { apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Test', metadata: { name: `t${n}` }, policies: ['policies.yaml'], resources: ['resources.yaml'], results },
    ]);
  }
  const args = ['test', testsDir, '--output-format', 'json', '--detailed-results', '--remove-color'];
  const result = await execa(input.binary, args, { reject: false, cwd: input.workDir, stdin: 'ignore' });
  let rows: TestRow[];
  try {
    rows = jsonArrays(result.stdout);
  } catch (error) {
    throw new EngineError(`kyverno test printed unreadable JSON (${(error as Error).message}): ${result.stdout.slice(-2000)}`);
  }
  if (rows.length === 0 && n > 0) throw new EngineError(`kyverno test exited ${result.exitCode} without results: ${(result.stderr || result.stdout).slice(-2000)}`);
  const ids = new Set(input.cases.map((c) => c.id));
  const findings: Finding[] = [];
  for (const row of rows) {
    const name = row.RESOURCE.split('/').pop() ?? '';
    if (!ids.has(name)) throw new EngineError(`kyverno test reported an unknown resource ${row.RESOURCE}`);
    const rule = ruleOf(engine, { policy: row.POLICY, rule: row.RULE, result: 'pass' }, annotated);
    if (rule === undefined) throw new EngineError(`kyverno test reported an unknown policy ${row.POLICY}/${row.RULE ?? ''}`);
    const got = row.REASON === 'Ok' ? 'pass' : /got (\w+)/i.exec(row.REASON)?.[1]?.toLowerCase() ?? (row.REASON === 'Excluded' ? 'skip' : 'error');
    if (got === 'fail') findings.push({ case: name, rule, outcome: 'deny', message: row.Message ?? '' });
    else if (got === 'error') findings.push({ case: name, rule, outcome: 'error', message: `${row.REASON}: ${row.Message ?? ''}` });
  }
  return { engine, command: [input.binary, ...args], findings, rules };
}
