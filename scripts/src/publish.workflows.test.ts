import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTools, resolveTool } from '@ztp/tools';

/**
 * The GitHub workflows that run the checks, post the review report and publish the bundles: they
 * parse, hold the jobs and steps the process needs in the right order, pin every action to a
 * commit, and pass actionlint (pinned in @ztp/tools).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly permissions?: Record<string, string>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(join(WORKFLOWS, file), 'utf8');
const load = (file: string) => parse(text(file)) as Workflow;

/** The index of the first step matching, or -1. */
const stepIndex = (job: Job, match: (s: Step) => boolean) => job.steps.findIndex(match);
const uses = (action: string) => (s: Step) => s.uses?.startsWith(`${action}@`) === true;
const runs = (fragment: string) => (s: Step) => s.run?.includes(fragment) === true;

describe('every workflow', () => {
  for (const file of ['pr.yml', 'main.yml']) {
    it(`${file}: parses and pins every action to a full commit SHA, with its version in a comment`, () => {
      const wf = load(file);
      expect(Object.keys(wf.jobs).length).toBeGreaterThan(0);
      const lines = text(file)
        .split('\n')
        .filter((l) => /^\s*(-\s+)?uses:/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l, l).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      expect(wf.permissions).toEqual({ contents: 'read' });
    });
  }
});

describe('pr.yml', () => {
  const wf = load('pr.yml');
  const check = wf.jobs.check as Job;
  const comment = wf.jobs.comment as Job;

  it('runs on pull requests, one run per pull request at a time', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.concurrency?.group).toContain('github.event.pull_request.number');
    expect(wf.concurrency?.['cancel-in-progress']).toBe(true);
  });

  it('checks out with full history, sets up Node from .nvmrc and installs as locked, in that order', () => {
    const checkout = check.steps[0] as Step;
    expect(checkout.uses).toMatch(/^actions\/checkout@/);
    expect(checkout.with?.['fetch-depth']).toBe(0);
    const node = stepIndex(check, uses('actions/setup-node'));
    expect(check.steps[node]?.with?.['node-version-file']).toBe('.nvmrc');
    expect(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim()).toMatch(/^24\./);
    expect(stepIndex(check, runs('npm ci'))).toBeGreaterThan(node);
  });

  it('caches the engines keyed by the tools registry, before installing them', () => {
    const cache = stepIndex(check, uses('actions/cache'));
    const step = check.steps[cache] as Step;
    expect(step.with?.path).toBe('~/.cache/ztp/tools');
    expect(String(step.with?.key)).toContain("hashFiles('packages/tools/src/registry.ts'");
    expect(existsSync(join(ROOT, 'packages/tools/src/registry.ts'))).toBe(true);
    expect(stepIndex(check, runs('node scripts/src/install-tools.ts'))).toBeGreaterThan(cache);
  });

  it('derives base and head with nrwl/nx-set-shas, then runs the affected targets', () => {
    const shas = stepIndex(check, uses('nrwl/nx-set-shas'));
    expect(shas).toBeGreaterThan(0);
    expect(check.steps[shas]?.id).toBe('shas');
    const affected = stepIndex(check, runs('npx nx affected -t typecheck,test,compile,verify'));
    expect(affected).toBeGreaterThan(shas);
    expect(affected).toBeGreaterThan(stepIndex(check, runs('node scripts/src/install-tools.ts')));
  });

  it('renders the report against the base SHA even when checks fail, and hands it to the comment job', () => {
    const report = stepIndex(check, runs('node packages/cli/src/bin.ts report --base "$BASE_SHA"'));
    const step = check.steps[report] as Step;
    expect(step.id).toBe('report');
    expect(step.env?.BASE_SHA).toBe('${{ steps.shas.outputs.base }}');
    expect(step.if).toBe('${{ !cancelled() }}');
    expect(step.run).toContain('$GITHUB_STEP_SUMMARY');
    expect(stepIndex(check, uses('actions/upload-artifact'))).toBeGreaterThan(report);
  });

  it('posts with a separate job that runs no pull-request code and alone may write to the pull request', () => {
    expect(check.permissions).toEqual({ contents: 'read' });
    expect(comment.needs).toBe('check');
    expect(comment.permissions).toEqual({ 'pull-requests': 'write' });
    expect(comment.steps.some(uses('actions/checkout'))).toBe(false);
    expect(comment.steps.some((s) => s.run !== undefined)).toBe(false);
    expect(comment.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('updates the one comment that starts with the marker instead of adding another', () => {
    const script = String(comment.steps.find(uses('actions/github-script'))?.with?.script);
    expect(script).toContain("const marker = '<!-- ztp-report -->';");
    expect(script).toContain('github.paginate(github.rest.issues.listComments');
    expect(script).toMatch(/startsWith\(marker\)/);
    expect(script.indexOf('updateComment')).toBeGreaterThan(0);
    expect(script.indexOf('createComment')).toBeGreaterThan(0);
  });
});

describe('main.yml', () => {
  const wf = load('main.yml');
  const job = wf.jobs.publish as Job;

  it('runs on pushes to main only, one publish at a time, never cancelled half-way', () => {
    expect(wf.on).toEqual({ push: { branches: ['main'] } });
    expect(wf.concurrency).toEqual({ group: 'ztp-publish', 'cancel-in-progress': false });
  });

  it('may push (contents: write) in the publishing job only', () => {
    expect(job.permissions).toEqual({ contents: 'write' });
  });

  it('compiles, verifies, proves the admission policies on disk with the engines, then publishes with --push', () => {
    const compile = stepIndex(job, runs('node packages/cli/src/bin.ts compile'));
    const verify = stepIndex(job, runs('node packages/cli/src/bin.ts verify --dir dist/bundles'));
    const engines = stepIndex(job, runs('node scripts/src/install-tools.ts kyverno gator conftest opa kyverno-json'));
    const admission = stepIndex(job, runs('node packages/cli/src/bin.ts test --dir dist/bundles'));
    const publish = stepIndex(job, runs('node scripts/src/publish.ts --push'));
    expect(compile).toBeGreaterThan(stepIndex(job, runs('npm ci')));
    expect(verify).toBeGreaterThan(compile);
    expect(admission).toBeGreaterThan(Math.max(compile, engines));
    // a missing engine is a failure there, not a line saying it did not run
    expect(job.steps[admission]?.env).toEqual({ CI: 'true' });
    expect(publish).toBeGreaterThan(Math.max(verify, admission));
    expect(job.steps[publish]?.if).toBeUndefined();
  });
});

/** actionlint, pinned and built like the engines (a missing one fails under CI, as they do). */
const missing = await requireTools(['actionlint']);
if (missing !== undefined) console.log(`actionlint ${missing}`);
const actionlint = missing === undefined ? await resolveTool('actionlint') : undefined;

describe('actionlint', () => {
  it.runIf(actionlint !== undefined)('finds nothing in the workflows', async () => {
    const r = await execa(actionlint ?? 'actionlint', ['-no-color', join(WORKFLOWS, 'pr.yml'), join(WORKFLOWS, 'main.yml')], { cwd: ROOT, reject: false });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
