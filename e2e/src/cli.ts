#!/usr/bin/env node
/**
 * `node e2e/src/cli.ts`: the kind + Cilium end-to-end suite (see HELP). Everything it decides is
 * in pure modules; this file parses arguments, wires the adapters and writes the reports.
 */
import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeInstall, installTool } from '@ztp/tools';
import { readBundles, type NamedBundle } from './adapters/bundle-dir.ts';
import { readCrdSources } from './adapters/crds.ts';
import { probeImageRef } from './adapters/docker.ts';
import { Helm } from './adapters/helm.ts';
import { runPreflight } from './adapters/preflight-checks.ts';
import { ciliumHelmArgs, imagesInManifests } from './cilium.ts';
import { resolveClusterOptions, type ClusterOptions } from './cluster-config.ts';
import { abortOnSignals } from './cleanup.ts';
import { HELM, KIND, PROBE_BASE_IMAGE } from './pins.ts';
import { notRunExitCode, notRunReason, renderPreflight } from './preflight.ts';
import { prepareEnvironment, type PreparedEnvironment } from './prepare.ts';
import { renderJunit } from './report/junit.ts';
import { renderMarkdown } from './report/markdown.ts';
import type { EnvironmentReport } from './report/model.ts';
import { progressDisplay } from './report/progress.ts';
import { renderText, verdictLine } from './report/text.ts';

export const HELP = `Usage: node e2e/src/cli.ts [env...] [options]
       node e2e/src/cli.ts install-tools
       node e2e/src/cli.ts affected [--base REF] [--head REF]

Proves each environment's compiled bundle on a real cluster: creates a kind cluster with Cilium
(no default CNI, no kube-proxy), syncs the bundle (CRDs it needs first, then by sync wave), runs a
probe pod for every declared workload (same namespace, labels, service account and named ports)
plus the undeclared callers ztp verify uses (a rogue pod per namespace, probes in the other
namespaces flows admit, an outsider), waits until Cilium has realized the policies, then probes
every source against every destination on every declared port (and one undeclared port), the
declared HTTP requests and ones outside them, and the cluster DNS, comparing each with the
expected matrix computed from the declared intent by @ztp/verify. Internet egress is never probed.
One cluster per environment, deleted at the end (also on failure or Ctrl-C) unless --keep.

Environments: all of environments/ when none are named.

  --local                run on the local real cluster instead of kind (as ztp prove): kube-apiserver
                         and kube-network-policies as local processes, pods in network namespaces; needs
                         root, no Docker. Cells only Cilium or Istio decide are listed as not covered
  --plan                 print the plan and the expected matrix; touches no cluster, needs no Docker
  --preflight            only check what the run needs (Docker, kind, Helm, images) and exit
  --dir DIR              use the bundles written in DIR (e.g. dist/bundles) instead of compiling
  --keep                 keep the cluster(s); their kubeconfig is printed
  --name NAME            cluster name (default ztp-e2e-<env>)
  --workers N            worker nodes besides the control plane (default 1)
  --pod-subnet CIDR      pod subnet (default 10.244.0.0/16)
  --service-subnet CIDR  service subnet (default 10.96.0.0/16)
  --node-image IMAGE     kind node image (default: kind v0.33.0's, pinned by digest)
  --concurrency N        probes in flight at once (default 8)
  --attempt-timeout MS   one attempt's timeout; silence this long is "dropped" (default 2000)
  --cell-timeout MS      a cell is repeated until it matches or this passes (default 30000)
  --report-dir DIR       where junit.xml, summary.md and <env>.txt go (default dist/e2e)
  --crds DIR             upstream CRDs to install for the bundle (default ZTP_CRDS_DIR or ../shared/crds)
  --probe-base IMAGE     base image of the probe agent (default node:24-alpine; any image with node 24)
  -h, --help             this help

  install-tools          build the pinned kind and Helm into ztp's tools cache (Go module proxy)
  affected               print, as a JSON array, the environments a change affects (nx show projects
                         --affected; all of them when e2e/ itself changed); --base default main, --head HEAD

When Docker, kind, Helm or an image cannot be had, it stops before creating anything, prints
exactly what is missing, writes reports that say NOT RUN (JUnit: skipped), and exits 0; with
E2E_REQUIRED=1 it exits 3 instead. It never reports a pass for a run that did not happen.

Exit codes: 0 every probe as declared (or not run, see above), 1 some probe differs from the
declared intent, 2 usage error, 3 not run with E2E_REQUIRED=1, 4 the cluster could not be set up,
130 interrupted.
`;

/** Where the CLI writes; the default is the process's streams. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
  readonly columns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

class UsageError extends Error {}

function positiveInt(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, not ${value}`);
  return n;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        plan: { type: 'boolean' },
        local: { type: 'boolean' },
        preflight: { type: 'boolean' },
        dir: { type: 'string' },
        keep: { type: 'boolean' },
        name: { type: 'string' },
        workers: { type: 'string' },
        'pod-subnet': { type: 'string' },
        'service-subnet': { type: 'string' },
        'node-image': { type: 'string' },
        concurrency: { type: 'string' },
        'attempt-timeout': { type: 'string' },
        'cell-timeout': { type: 'string' },
        'report-dir': { type: 'string' },
        crds: { type: 'string' },
        base: { type: 'string' },
        'probe-base': { type: 'string' },
        head: { type: 'string' },
      },
    });
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals[0] === 'install-tools') {
    let ok = true;
    for (const spec of [KIND, HELM]) {
      io.out(`${spec.name} ${spec.version}: checking, building if needed (this can take minutes)…\n`);
      const r = await installTool(spec);
      io.out(`${describeInstall(r)}\n`);
      ok &&= r.outcome !== 'failed';
    }
    return ok ? 0 : 1;
  }
  if (positionals[0] === 'affected') {
    const { nxAffectedProjects, pickEnvironments } = await import('./affected.ts');
    const { environmentNames } = await import('./adapters/bundles.ts');
    const { findRoot } = await import('@ztp/compiler');
    const root = findRoot(io.cwd);
    io.out(`${JSON.stringify(pickEnvironments(await nxAffectedProjects(root, v.base ?? 'main', v.head ?? 'HEAD'), environmentNames(root)))}\n`);
    return 0;
  }
  try {
    const envNames = positionals;
    const cluster: ClusterOptions = {
      ...(v.workers !== undefined ? { workers: positiveInt(v.workers, 'workers', 1, 0) } : {}),
      ...(v['pod-subnet'] ? { podSubnet: v['pod-subnet'] } : {}),
      ...(v['service-subnet'] ? { serviceSubnet: v['service-subnet'] } : {}),
      ...(v['node-image'] ? { nodeImage: v['node-image'] } : {}),
    };
    try {
      resolveClusterOptions(cluster);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const concurrency = positiveInt(v.concurrency, 'concurrency', 8);
    const attemptTimeoutMs = positiveInt(v['attempt-timeout'], 'attempt-timeout', 2000, 100);
    const cellTimeoutMs = positiveInt(v['cell-timeout'], 'cell-timeout', 30_000, 100);
    const reportDir = resolve(io.cwd, v['report-dir'] ?? 'dist/e2e');

    let bundles: NamedBundle[];
    try {
      // The compiler is loaded only when compiling (it takes seconds to load).
      bundles = v.dir !== undefined ? readBundles(resolve(io.cwd, v.dir), envNames) : await (await import('./adapters/bundles.ts')).compileBundles(envNames);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const crdSource = readCrdSources(v.crds !== undefined ? resolve(io.cwd, v.crds) : undefined);
    if (crdSource.crds.length === 0) io.err(`note: no CRDs in ${crdSource.dir} (set ZTP_CRDS_DIR or --crds); layers with custom resources other than Cilium's are left out\n`);
    const prepared: PreparedEnvironment[] = bundles.map((b) => prepareEnvironment(b, crdSource.crds));

    if (v.plan) {
      for (const p of prepared) {
        const report: EnvironmentReport = { environment: p.environment, status: 'not-run', reason: '--plan only prints the plan', plan: p.plan, layers: p.sync.layers, explanations: new Map() };
        io.out(`${renderText(report, { width: io.columns ?? 160, planOnly: true })}\n`);
      }
      return 0;
    }

    if (v.local) return await runLocal(prepared, { concurrency, attemptTimeoutMs, cellTimeoutMs, reportDir }, io);

    const probeBase = v['probe-base'] ?? PROBE_BASE_IMAGE;
    const probeImage = probeImageRef(probeBase);
    io.out('Preflight (nothing is created until all of this is there):\n');
    const images: string[] = [];
    const pre = await runPreflight({
      kind: KIND,
      helm: HELM,
      nodeImage: resolveClusterOptions(cluster).nodeImage,
      probeImage,
      probeBase,
      renderImages: async (helmPath) => {
        const t = await new Helm(helmPath).template(ciliumHelmArgs({ kubeconfig: '-', cluster }));
        if ('error' in t) return t;
        const found = imagesInManifests(t.manifests);
        images.push(...found);
        return found;
      },
    });
    io.out(`${renderPreflight(pre.requirements)}\n`);
    const reason = notRunReason(pre.requirements);
    if (v.preflight) return reason === undefined ? 0 : notRunExitCode(io.env) || 1;
    if (reason !== undefined || pre.kind === undefined || pre.helm === undefined) {
      const why = reason ?? 'kind or Helm is missing';
      const reports: EnvironmentReport[] = prepared.map((p) => ({ environment: p.environment, status: 'not-run', reason: why, plan: p.plan, layers: p.sync.layers, explanations: new Map() }));
      await writeReports(reports, reportDir, io);
      for (const r of reports) io.out(`${verdictLine(r)}\n`);
      const code = notRunExitCode(io.env);
      io.out(code === 0 ? `e2e NOT RUN (set E2E_REQUIRED=1 to make this a failure). Reports: ${reportDir}\n` : `e2e NOT RUN and E2E_REQUIRED=1: failing. Reports: ${reportDir}\n`);
      return code;
    }

    const { runOnKind } = await import('./suite.ts');
    const controller = new AbortController();
    const log = (line: string) => io.err(`${line}\n`);
    const uninstall = abortOnSignals(controller, log);
    const reports: EnvironmentReport[] = [];
    try {
      for (const p of prepared) {
        if (controller.signal.aborted) break;
        const progress = progressDisplay(`probing ${p.environment}`, { isTTY: io.isTTY, ...(io.columns ? { columns: io.columns } : {}), write: io.err });
        const report = await runOnKind(p, {
          cluster: { ...cluster, name: v.name ? (prepared.length > 1 ? `${v.name}-${p.environment}` : v.name) : `ztp-e2e-${p.environment}` },
          keep: v.keep === true,
          kindBinary: pre.kind,
          helmBinary: pre.helm,
          images: [...images, probeImage],
          probeImage,
          concurrency,
          attemptTimeoutMs,
          cellTimeoutMs,
          workDir: join(tmpdir(), `ztp-e2e-${process.pid}`),
          signal: controller.signal,
          log,
          onProgress: progress.update,
        });
        progress.done();
        reports.push(report);
        io.out(`\n${renderText(report, { width: io.columns ?? 160 })}`);
      }
    } finally {
      uninstall();
    }
    for (const p of prepared.slice(reports.length)) reports.push({ environment: p.environment, status: 'not-run', reason: 'the run was interrupted before this environment', plan: p.plan, layers: p.sync.layers, explanations: new Map() });
    await writeReports(reports, reportDir, io);
    io.out(`\n${reports.map(verdictLine).join('\n')}\nReports: ${reportDir}\n`);
    if (reports.some((r) => r.status === 'failed')) return 1;
    if (reports.some((r) => r.setupError !== undefined)) return 4;
    if (controller.signal.aborted || reports.some((r) => r.status !== 'passed')) return 130;
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** `--local`: every environment on the local real cluster (one per environment), reports as for kind. */
async function runLocal(
  prepared: readonly PreparedEnvironment[],
  o: { concurrency: number; attemptTimeoutMs: number; cellTimeoutMs: number; reportDir: string },
  io: CliIo,
): Promise<number> {
  const { dataplaneUnavailable } = await import('@ztp/local-cluster');
  let missing: string | undefined;
  try {
    missing = await dataplaneUnavailable();
  } catch (e) {
    missing = e instanceof Error ? e.message : String(e);
  }
  if (missing !== undefined) {
    const reports: EnvironmentReport[] = prepared.map((p) => ({ environment: p.environment, status: 'not-run', reason: missing, plan: p.plan, layers: p.sync.layers, explanations: new Map() }));
    await writeReports(reports, o.reportDir, io);
    io.out(`e2e --local NOT RUN: ${missing}\n`);
    return notRunExitCode(io.env);
  }
  const { runOnLocalCluster } = await import('./local/run-local.ts');
  const reports: EnvironmentReport[] = [];
  for (const p of prepared) {
    const report = await runOnLocalCluster(p, { concurrency: o.concurrency, attemptTimeoutMs: Math.min(o.attemptTimeoutMs, 2000), cellTimeoutMs: o.cellTimeoutMs, log: (line) => io.err(`${line}\n`) });
    reports.push(report);
    io.out(`\n${renderText(report, { width: io.columns ?? 160 })}`);
  }
  await writeReports(reports, o.reportDir, io);
  io.out(`\n${reports.map(verdictLine).join('\n')}\nReports: ${o.reportDir}\n`);
  if (reports.some((r) => r.status === 'failed')) return 1;
  if (reports.some((r) => r.setupError !== undefined)) return 4;
  // as the kind run: a report that did not pass (interrupted, not run) is never a success
  if (reports.some((r) => r.status !== 'passed')) return 130;
  return 0;
}

/** Writes `junit.xml`, `summary.md` and `<env>.txt`; appends the summary to `$GITHUB_STEP_SUMMARY` when set. */
async function writeReports(reports: readonly EnvironmentReport[], dir: string, io: CliIo): Promise<void> {
  await mkdir(dir, { recursive: true });
  const md = renderMarkdown(reports);
  await writeFile(join(dir, 'junit.xml'), renderJunit(reports));
  await writeFile(join(dir, 'summary.md'), md);
  for (const r of reports) await writeFile(join(dir, `${r.environment}.txt`), renderText(r));
  if (io.env['GITHUB_STEP_SUMMARY']) await appendFile(io.env['GITHUB_STEP_SUMMARY'], md);
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: process.stderr.isTTY === true,
    ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}
