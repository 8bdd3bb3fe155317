/**
 * gator adapter: one `gator test --output json` over every ConstraintTemplate, Constraint and
 * case. Each result names the constraint (whose `ztp.dev/rule` annotation names the rule) and
 * the violating object. gator exits 1 when a `deny` constraint is violated: the JSON decides.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { objectsOfKind, writeYaml } from './files.ts';
import { EngineError, type EngineInput, type EngineReport, type Finding } from './types.ts';

interface GatorResult {
  constraint?: { metadata?: { name?: string; annotations?: Record<string, string> } };
  /** `deny`, `dryrun` or `warn`: gator reports a violation whatever the action; only `deny` refuses admission. */
  enforcementAction?: string;
  violatingObject?: { metadata?: { name?: string } };
  msg?: string;
}

/** The constraints of the Gatekeeper form (every object whose group is constraints.gatekeeper.sh). */
export function gatekeeperParts(output: EngineInput['output']) {
  const templates = objectsOfKind(output.objects, 'ConstraintTemplate');
  const constraints = output.objects.filter((o) => o.apiVersion.startsWith('constraints.gatekeeper.sh/'));
  return { templates, constraints };
}

/** Runs gator test over every case. */
export async function runGator(input: EngineInput): Promise<EngineReport> {
  const { templates, constraints } = gatekeeperParts(input.output);
  const policies = await writeYaml(join(input.workDir, 'policies', 'gatekeeper.yaml'), [...templates, ...constraints]);
  const cases = await writeYaml(join(input.workDir, 'cases', 'cases.yaml'), input.cases.map((c) => c.object));
  const args = ['test', '--filename', policies, '--filename', cases, '--output', 'json'];
  const result = await execa(input.binary, args, { reject: false, cwd: input.workDir, stdin: 'ignore' });
  let parsed: GatorResult[] | null;
  try {
    parsed = result.stdout.trim() === '' || result.stdout.trim() === 'null' ? [] : (JSON.parse(result.stdout) as GatorResult[] | null);
  } catch {
    throw new EngineError(`gator exited ${result.exitCode} without JSON: ${(result.stderr || result.stdout).slice(-2000)}`);
  }
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new EngineError(`gator exited ${result.exitCode}: ${result.stderr.slice(-2000)}`);
  // gator also exits 1, with nothing on stdout, when it cannot load an object or a template: an
  // error, never a verdict (read as one, every object of the batch would pass)
  if (result.exitCode === 1 && (parsed ?? []).length === 0) throw new EngineError(`gator exited 1 without reporting a violation (it failed): ${(result.stderr || result.stdout).slice(-2000)}`);
  const ids = new Set(input.cases.map((c) => c.id));
  const findings: Finding[] = [];
  for (const r of parsed ?? []) {
    const id = r.violatingObject?.metadata?.name ?? '';
    const rule = r.constraint?.metadata?.annotations?.['ztp.dev/rule'];
    if (!ids.has(id) || rule === undefined) throw new EngineError(`gator reported an unknown object or constraint: ${JSON.stringify(r).slice(0, 500)}`);
    // a dryrun or warn constraint admits what it flags (the proof then sees the deny example admitted)
    if (r.enforcementAction !== 'deny') continue;
    findings.push({ case: id, rule, outcome: 'deny', message: r.msg ?? '' });
  }
  const rules = constraints.map((c) => c.metadata.annotations?.['ztp.dev/rule']).filter((r): r is string => r !== undefined);
  return { engine: 'gatekeeper', command: [input.binary, ...args], findings, rules: [...new Set(rules)].sort() };
}
