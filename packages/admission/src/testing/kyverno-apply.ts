/**
 * `kyverno apply` over given policies and resources, with every result the CLI reports (pass
 * included), for proofs that must see a policy pass rather than infer it from silence.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import type { K8sObject } from '../contract.ts';
import { writeYaml } from '../engines/files.ts';

/** One result of one policy on one resource. */
export interface KyvernoResult {
  /** The resource's `metadata.name`. */
  readonly resource: string;
  readonly policy: string;
  /** The report's `source` (e.g. `KyvernoImageValidatingPolicy`, `KyvernoValidatingPolicy`). */
  readonly source: string;
  readonly result: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  readonly message: string;
}

/** What `kyverno apply` printed and exited with. */
export interface KyvernoApply {
  readonly command: readonly string[];
  readonly exitCode: number;
  readonly results: readonly KyvernoResult[];
  /** stderr and the text before the report, for failure messages. */
  readonly log: string;
}

interface ReportResult {
  source?: string;
  policy: string;
  result: KyvernoResult['result'];
  message?: string;
  resources?: { name: string }[];
}

/** Runs `kyverno apply <policies> --resource <resources> --policy-report --output-format json` in `workDir`. */
export async function kyvernoApply(binary: string, workDir: string, policies: readonly K8sObject[], resources: readonly K8sObject[]): Promise<KyvernoApply> {
  const policyFile = await writeYaml(join(workDir, 'policies.yaml'), policies);
  const resourceFile = await writeYaml(join(workDir, 'resources.yaml'), resources);
  const args = ['apply', policyFile, '--resource', resourceFile, '--policy-report', '--output-format', 'json', '--remove-color'];
  const r = await execa(binary, args, { reject: false, cwd: workDir, stdin: 'ignore', timeout: 300_000 });
  const start = r.stdout.indexOf('{');
  const log = `${r.stderr}\n${start < 0 ? r.stdout : r.stdout.slice(0, start)}`.trim();
  if (start < 0) throw new Error(`kyverno apply exited ${r.exitCode} without a JSON report: ${log.slice(-2000)}`);
  const report = JSON.parse(r.stdout.slice(start)) as { results?: ReportResult[] | null };
  const results = (report.results ?? []).flatMap((x) =>
    (x.resources ?? []).map((res) => ({ resource: res.name, policy: x.policy, source: x.source ?? '', result: x.result, message: x.message ?? '' })),
  );
  return { command: [binary, ...args], exitCode: r.exitCode ?? -1, results, log };
}
