/**
 * The cyclonus adapter: the only place that runs cyclonus. One process answers every question
 * about a batch of clusters: their policies go into one NetworkPolicyList file, their questions
 * into one traffic file (`cyclonus analyze --mode query-traffic`).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { resolveTool } from '@ztp/tools';
import type { ClusterSpec } from '../cluster.ts';
import type { Connectivity } from '../connectivity.ts';
import { QueryTrafficReader } from './parse.ts';
import { cyclonusPolicyList } from './policies.ts';
import { assembleAnswers, planQueries, TrafficTable } from './queries.ts';
import type { Traffic } from './queries.ts';

/** Options of the cyclonus adapter. */
export interface CyclonusOptions {
  /** The cyclonus binary (default: the pinned build from @ztp/tools). */
  readonly binary?: string;
  /** cyclonus's `--simplify-policies` (its default is true). */
  readonly simplifyPolicies?: boolean;
}

/** What one cyclonus process was asked and said. */
export interface CyclonusRun {
  /** One answer per cluster, in order. */
  readonly results: Connectivity[];
  /** Distinct traffic objects asked. */
  readonly questions: number;
  readonly milliseconds: number;
}

/** Thrown when cyclonus fails; carries its output. */
export class CyclonusError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(`${message}\n${stderr.slice(-4000)}`);
    this.name = 'CyclonusError';
    this.stderr = stderr;
  }
}

/** Writes a JSON array of `items` in chunks (the whole text can be longer than a string may be). */
async function writeJsonArray(path: string, items: readonly unknown[]): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) => new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
  try {
    let chunk = '[';
    for (let i = 0; i < items.length; i++) {
      chunk += `${i > 0 ? ',' : ''}${JSON.stringify(items[i])}`;
      if (chunk.length > 1_000_000) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(`${chunk}]`);
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

/**
 * Runs cyclonus once on raw inputs: the policies and the traffic objects; returns the verdicts
 * in order. Its output is read line by line as it comes (see parse.ts: it can exceed the
 * longest string V8 can hold).
 */
export async function runCyclonusQueries(policies: readonly Record<string, unknown>[], traffics: readonly Traffic[], options: CyclonusOptions = {}): Promise<boolean[]> {
  const binary = options.binary ?? (await resolveTool('cyclonus'));
  const dir = await mkdtemp(join(tmpdir(), 'ztp-cyclonus-'));
  try {
    await mkdir(join(dir, 'policies'));
    await writeFile(join(dir, 'policies', 'policies.json'), JSON.stringify(cyclonusPolicyList(policies)));
    await writeJsonArray(join(dir, 'traffic.json'), traffics);
    const args = ['analyze', '--mode', 'query-traffic', '--policy-path', join(dir, 'policies'), '--traffic-path', join(dir, 'traffic.json')];
    if (options.simplifyPolicies !== undefined) args.push(`--simplify-policies=${options.simplifyPolicies}`);
    const subprocess = execa(binary, args, { reject: false, buffer: { stdout: false }, maxBuffer: { stderr: 10_000_000 } });
    const reader = new QueryTrafficReader();
    let parseError: Error | undefined;
    const tail: string[] = [];
    if (subprocess.stdout !== null) {
      for await (const line of createInterface({ input: subprocess.stdout, crlfDelay: Infinity })) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (parseError !== undefined) continue; // keep draining so that cyclonus can finish
        try {
          reader.line(line);
        } catch (error) {
          parseError = error as Error;
        }
      }
    }
    const result = await subprocess;
    if (result.exitCode !== 0 || result.failed) {
      throw new CyclonusError(`cyclonus ${args.join(' ')} failed (exit ${result.exitCode ?? result.signal})`, `${String(result.stderr)}\n${tail.join('\n').slice(-2000)}`);
    }
    if (parseError !== undefined) throw parseError;
    return reader.finish(traffics.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Asks cyclonus about a batch of clusters in one process. The clusters must not share
 * namespaces (a policy of one could then select pods of another); each result covers the
 * workloads of its own cluster only.
 */
export async function cyclonusConnectivity(clusters: readonly ClusterSpec[], options: CyclonusOptions = {}): Promise<CyclonusRun> {
  const owner = new Map<string, number>();
  clusters.forEach((c, i) => {
    const names = new Set([...c.namespaces.map((n) => n.name), ...c.workloads.map((w) => w.namespace), ...c.policies.map((p) => ((p['metadata'] as { namespace?: string }).namespace ?? 'default'))]);
    for (const ns of names) {
      const other = owner.get(ns);
      if (other !== undefined && other !== i) throw new Error(`clusters ${other} and ${i} share namespace ${ns}; a batch needs distinct namespaces`);
      owner.set(ns, i);
    }
  });
  const table = new TrafficTable();
  const plans = clusters.map((c) => planQueries(c, table));
  const started = performance.now();
  const allowed = await runCyclonusQueries(clusters.flatMap((c) => c.policies), table.traffics, options);
  const milliseconds = performance.now() - started;
  return { results: plans.map((plan) => assembleAnswers(plan, allowed)), questions: table.traffics.length, milliseconds };
}
