/**
 * The real PodSecurity admission is the reference for the pod-security module: every engine's
 * form of baseline and restricted must give the verdict the apiserver's own PodSecurity gives
 * (a dry-run create in a namespace enforcing the level) on the upstream conformance fixtures and
 * on a few hundred generated pods per run (fast-check, from a printed seed: `ZTP_PSA_SEED` repeats
 * a run, `ZTP_PSA_PODS` sets how many). A disagreement is shrunk to a minimal pod and reported
 * as YAML with the engine and both verdicts. The one accepted difference is the one between the
 * module's v1.37 checks and the apiserver's own version (see ./psa-reference/compare.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, engineMissing, ENGINES, evaluate } from '@ztp/admission';
import type { EngineName, EvaluateRecord, K8sObject } from '@ztp/admission';
import { controlPlaneUnavailable, sharedLocalCluster } from '@ztp/local-cluster';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { podSecurity } from './index.ts';
import { compare } from './psa-reference/compare.ts';
import { buildPod, podPlans, singleMutationPlans } from './psa-reference/pods.ts';
import { podSecurityReference, type Level, type PodSecurityReference, type ReferenceVerdict } from './psa-reference/reference.ts';
import { shrink } from './psa-reference/shrink.ts';

const LEVELS: readonly Level[] = ['baseline', 'restricted'];
/** Random pods per run, beside the pods with one value of one control each (singleMutationPlans). */
const COUNT = Number(process.env['ZTP_PSA_PODS'] ?? 160);
const SEED = Number(process.env['ZTP_PSA_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const unavailable = await controlPlaneUnavailable();
const data = conformanceDir();

interface Pod {
  readonly file: string;
  readonly object: K8sObject;
}

function describeVerdict(v: ReferenceVerdict): string {
  return v.kind === 'allow' ? 'allowed' : v.kind === 'deny' ? `denied: ${v.violations.join('; ')}` : `invalid: ${v.message}`;
}

function describeRecord(r: EvaluateRecord): string {
  return r.allowed ? 'allowed' : `denied: ${r.messages.join('; ')}`;
}

/** The upstream fixtures (baseline v1.37, pass and fail). */
function fixtures(): Pod[] {
  const base = join(data.dir, 'pod-security-admission', 'baseline', 'v1.37');
  return (['pass', 'fail'] as const).flatMap((verdict) =>
    readdirSync(join(base, verdict))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ file: `${verdict}/${f}`, object: parse(readFileSync(join(base, verdict, f), 'utf8')) as K8sObject })),
  );
}

/** The generated pods of this run: one per value of every control, then COUNT random ones. */
function generated(): Pod[] {
  const singles = singleMutationPlans(SEED).map((plan, i) => ({ file: `single #${i} (${plan.mutations[0]!.control})`, object: buildPod(plan, `single-${i}`) }));
  const random = fc.sample(podPlans, { seed: SEED, numRuns: COUNT }).map((plan, i) => ({ file: `random #${i}`, object: buildPod(plan, `random-${i}`) }));
  return [...singles, ...random];
}

async function installed(engine: EngineName): Promise<boolean> {
  const missing = await engineMissing(engine);
  if (missing !== undefined) console.log(`PodSecurity reference on ${engine}: ${missing}`);
  return missing === undefined;
}

/**
 * Every engine over the pods the reference judged (the invalid ones left out): one evaluate run
 * per engine; each disagreement counted, the first per engine shrunk and reported.
 */
async function disagreements(reference: PodSecurityReference, level: Level, pods: readonly Pod[], verdicts: readonly ReferenceVerdict[]): Promise<{ failures: string[]; versionDifferences: number; engines: number }> {
  const minor = Number(/^v1\.(\d+)/.exec(reference.version)?.[1] ?? 0);
  const valid = pods.filter((_, i) => verdicts[i]!.kind !== 'invalid');
  const refs = verdicts.filter((v) => v.kind !== 'invalid');
  const failures: string[] = [];
  let versionDifferences = 0;
  let engines = 0;
  for (const engine of ENGINES) {
    if (!(await installed(engine))) continue;
    engines++;
    const started = Date.now();
    const records = await evaluate(valid, { profile: [podSecurity(level)], engine });
    const errors = records.filter((r) => r.messages.some((m) => /^[^:]+: (error|not-applicable): /.test(m)));
    for (const r of errors) failures.push(`${engine} (${level}) gave no verdict on ${r.file}: ${r.messages.join('; ')}`);
    const wrong: number[] = [];
    records.forEach((r, i) => {
      const a = compare(valid[i]!.object, r.allowed, refs[i]!, minor);
      if (a === 'version-difference' && engines === 1) versionDifferences++;
      if (a === 'disagree') wrong.push(i);
    });
    console.log(`PodSecurity reference, ${level}, ${engine}: ${records.length} pods in ${Date.now() - started} ms, ${wrong.length} disagreements`);
    if (wrong.length === 0) continue;
    const first = wrong[0]!;
    const { pod, steps } = await shrink(valid[first]!.object, async (candidates) => {
      const candidateRefs = await reference.judge(level, candidates);
      const judged = candidates.map((object, i) => ({ file: `candidate ${i}`, object })).filter((_, i) => candidateRefs[i]!.kind !== 'invalid');
      const judgedRefs = candidateRefs.filter((v) => v.kind !== 'invalid');
      if (judged.length === 0) return -1;
      const candidateRecords = await evaluate(judged, { profile: [podSecurity(level)], engine });
      const j = candidateRecords.findIndex((r, k) => compare(judged[k]!.object, r.allowed, judgedRefs[k]!, minor) === 'disagree');
      return j < 0 ? -1 : Number(judged[j]!.file.slice('candidate '.length));
    });
    const [minimalRef] = await reference.judge(level, [pod]);
    const [minimalRecord] = await evaluate([{ file: 'minimal', object: pod }], { profile: [podSecurity(level)], engine });
    failures.push(
      [
        `${engine} disagrees with PodSecurity (${level}, apiserver ${reference.version}) on ${wrong.length} of ${records.length} pods (seed ${SEED}); the first, ${valid[first]!.file}, shrunk in ${steps} steps to:`,
        stringify(pod).trimEnd(),
        `${engine}: ${describeRecord(minimalRecord!)}`,
        `PodSecurity: ${describeVerdict(minimalRef!)}`,
        `others: ${wrong.slice(1, 11).map((i) => valid[i]!.file).join(', ')}${wrong.length > 11 ? ', ...' : ''}`,
      ].join('\n'),
    );
  }
  return { failures, versionDifferences, engines };
}

describe('every engine agrees with the real PodSecurity admission', () => {
  let reference: PodSecurityReference;

  beforeAll(async () => {
    if (unavailable !== undefined) return;
    reference = await podSecurityReference(await sharedLocalCluster());
    console.log(`PodSecurity reference: apiserver ${reference.version}, seed ${SEED} (ZTP_PSA_SEED=${SEED} repeats this run), ${generated().length} generated pods`);
  });

  it('the reference is PodSecurity itself: a verdict for each level, none for an invalid pod', async () => {
    if (unavailable !== undefined) {
      console.log(`PodSecurity reference: ${unavailable}`);
      return;
    }
    const plain: K8sObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain' }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause' }] } };
    const hostNetwork: K8sObject = { ...plain, spec: { ...(plain['spec'] as object), hostNetwork: true } };
    const invalid: K8sObject = { ...plain, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause', securityContext: { procMount: 'Unmasked' } }] } };
    const baseline = await reference.judge('baseline', [plain, hostNetwork, invalid]);
    expect(baseline.map((v) => v.kind)).toEqual(['allow', 'deny', 'invalid']);
    expect(baseline[1]).toMatchObject({ violations: ['host namespaces (hostNetwork=true)'] });
    const restricted = await reference.judge('restricted', [plain]);
    expect(restricted[0]!.kind).toBe('deny');
    expect(reference.version).toMatch(/^v1\.\d+\./);
  });

  it.each(LEVELS)('%s: every engine gives the reference verdict on the upstream fixtures', async (level) => {
    if (unavailable !== undefined || data.skip !== undefined) {
      console.log(`PodSecurity reference on fixtures: ${unavailable ?? data.skip}`);
      return;
    }
    const pods = fixtures();
    expect(pods.length).toBeGreaterThan(40);
    const verdicts = await reference.judge(level, pods.map((p) => p.object));
    // Fixtures the apiserver refuses in its own validation get no verdict. Upstream marks exactly
    // such fixtures `failRequiresError` and expects their error to name the check (run.go).
    const invalid = pods.flatMap((p, i) => { const v = verdicts[i]!; return v.kind === 'invalid' ? [{ file: p.file, message: v.message }] : []; });
    for (const { file, message } of invalid) {
      const check = /^fail\/([a-z_]+?)\d+\.yaml$/.exec(file)?.[1];
      expect(check, `only fail fixtures may be invalid objects: ${file}: ${message}`).toBeDefined();
      expect(message.toLowerCase(), file).toContain(check!.replace(/_(baseline|restricted)$/, ''));
    }
    if (invalid.length > 0) console.log(`PodSecurity reference, ${level}: no verdict for ${invalid.length} fixtures the apiserver refuses before admission:\n  ${invalid.map((x) => `${x.file}: ${x.message}`).join('\n  ')}`);
    const { failures, versionDifferences, engines } = await disagreements(reference, level, pods, verdicts);
    console.log(`PodSecurity reference, ${level}, fixtures: ${pods.length - invalid.length} judged, ${versionDifferences} differ only by the v1.37 sysctls, ${engines} engines`);
    expect(failures).toEqual([]);
  }, 900_000);

  it.each(LEVELS)('%s: every engine gives the reference verdict on generated pods', async (level) => {
    if (unavailable !== undefined) {
      console.log(`PodSecurity reference on generated pods: ${unavailable}`);
      return;
    }
    const pods = generated();
    const verdicts = await reference.judge(level, pods.map((p) => p.object));
    // The generator makes valid pods only: an invalid one is a generator bug, shown in full.
    const invalid = pods.flatMap((p, i) => (verdicts[i]!.kind === 'invalid' ? [`${p.file} (seed ${SEED}): ${describeVerdict(verdicts[i]!)}\n${stringify(p.object)}`] : []));
    expect(invalid).toEqual([]);
    const denied = verdicts.filter((v) => v.kind === 'deny').length;
    // Both verdicts must be well represented, or the comparison says little.
    expect(denied).toBeGreaterThan(pods.length / 10);
    expect(pods.length - denied).toBeGreaterThan(pods.length / 10);
    const { failures, versionDifferences, engines } = await disagreements(reference, level, pods, verdicts);
    console.log(`PodSecurity reference, ${level}, generated: ${pods.length} pods (${pods.length - denied} allowed, ${denied} denied), ${versionDifferences} differ only by the v1.37 sysctls, ${engines} engines`);
    expect(failures).toEqual([]);
  }, 1_800_000);
});
