import { parseArgs } from 'node:util';
import { ENGINES, type AdmissionModule, type EngineName } from '@ztp/admission';
import type { ComplianceReport, MetricsState } from '@ztp/compliance';
import { BundleReadError } from '@ztp/compliance/errors';
import { checkIntegrity } from '@ztp/verify/integrity';
import { selectBundles } from '../bundles.ts';
import type { Command } from '../command.ts';
import { loadAllEnvironments } from '../environments.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { junitXml } from '../junit.ts';

export const COMPLIANCE_HELP = `Usage: ztp compliance [env...] --context CONTEXT [--kubeconfig FILE] [--dir DIR] [-o txt|json|md|junit]
                      [--engine NAME] [--watch [--metrics-address HOST:PORT] [--interval SECONDS]] [--root DIR]

Compares the live cluster of a kubeconfig context with each environment's bundle and reports drift:
  missing        a bundle object is not on the cluster (or its kind is not served)
  changed        it is there but differs; every field it has is compared, not only the bundle's,
                 against the bundle object as the apiserver stores it (defaults filled in by a
                 dry-run create: nothing is stored); labels and annotations: the bundle's only
  added          a policy object (NetworkPolicy, CiliumNetworkPolicy, PeerAuthentication,
                 AuthorizationPolicy, Kyverno and Gatekeeper policies, ValidatingAdmissionPolicy
                 and bindings, ...) in a managed namespace, or any object labelled for the
                 environment, that the bundle does not hold
  default-deny   a managed namespace without a default deny in force (a NetworkPolicy selecting
                 all pods, both policy types, no rules, and no policy opening a direction wide)
  pod            a running pod that breaks the environment's admission rules, judged by ztp's own
                 rules with an engine (--engine, default opa; signatures only by kyverno engines)
  policy-report  a failing result in Kyverno's PolicyReports, where the cluster serves them (a
                 summary of the reports is printed too)

  (default)       compile the environments from source, in memory, and compare with that
  --dir DIR       compare with the bundles written in DIR (DIR/<env>/ or one bundle folder;
                  each must be whole: its files as manifest.json lists them, with their sha256)
  --context C     the kubeconfig context of the cluster (required)
  --kubeconfig F  the kubeconfig file (default: KUBECONFIG, else ~/.kube/config)
  -o FORMAT       txt (default), json, md, junit
  --engine NAME   the admission engine for running pods: ${ENGINES.join(', ')} (default opa)
  --watch         keep checking: informers watch every resource the check reads, a change
                  triggers a new check (and one runs every --interval seconds, default 60);
                  Prometheus metrics are served at http://HOST:PORT/metrics:
                    ztp_compliance_drift{environment,kind}, ztp_compliance_last_check_timestamp_seconds,
                    ztp_compliance_check_incomplete{environment}, ztp_compliance_policy_report_results,
                    ztp_compliance_checks_total, ztp_compliance_check_errors_total
  --metrics-address HOST:PORT   default 127.0.0.1:9477 (loopback only; port 0 picks a free one)

Needs get, list and watch on the kinds compared, and create for dry runs (to learn the server's
defaults; without it objects are compared on the bundle's fields only, and the report says so).

Exit codes: 0 no drift, 1 drift, 2 usage error, unreadable kubeconfig, unreachable cluster or
refused credentials, or a check that could not run (the report says which). --watch runs until
interrupted (SIGINT, SIGTERM) and then exits 0; it prints a report whenever the verdict changes
(-o json: one JSON object per line).
`;

const FORMATS = ['txt', 'json', 'md', 'junit'] as const;
type Format = (typeof FORMATS)[number];

/** Renders a report in `format`. */
export async function formatCompliance(report: ComplianceReport, format: Format): Promise<string> {
  const c = await import('@ztp/compliance');
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'md') return c.renderMarkdown(report);
  if (format === 'junit') return junitXml('ztp compliance', c.complianceCases(report));
  return c.renderText(report);
}

/** The admission modules of each environment, or why they are not known (bundles read from --dir outside a repository). */
async function modulesOf(names: readonly string[], io: Io, root: string | undefined): Promise<Map<string, readonly AdmissionModule[] | string>> {
  const out = new Map<string, readonly AdmissionModule[] | string>();
  try {
    const { all } = await loadAllEnvironments(io.cwd, root);
    for (const name of names) {
      const env = all.find((e) => e.name === name);
      out.set(name, env === undefined ? `the repository has no environment ${name} to take its admission rules from` : env.admission);
    }
  } catch (error) {
    for (const name of names) out.set(name, `its admission rules come from the environment's source, which could not be loaded: ${(error as Error).message}`);
  }
  return out;
}

/** The exit code of a report: drift 1, else a check that could not run 2, else 0. */
function exitOf(report: ComplianceReport, c: typeof import('@ztp/compliance')): number {
  if (c.hasDrift(report)) return EXIT.failure;
  if (c.isIncomplete(report)) return EXIT.input;
  return EXIT.ok;
}

export async function runCompliance(args: readonly string[], io: Io, options: { signal?: AbortSignal } = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      dir: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'txt' },
      engine: { type: 'string' },
      watch: { type: 'boolean', default: false },
      'metrics-address': { type: 'string' },
      interval: { type: 'string' },
      root: { type: 'string' },
    },
  });
  const format = values.output as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`-o must be ${FORMATS.join(', ')}, not '${values.output}'`);
  if (values.context === undefined || values.context === '') throw new UsageError('--context is required: the kubeconfig context of the cluster to check');
  const engine = (values.engine ?? 'opa') as EngineName;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, not '${values.engine}'`);
  if (!values.watch && (values['metrics-address'] !== undefined || values.interval !== undefined)) throw new UsageError('--metrics-address and --interval go with --watch');
  const intervalSeconds = values.interval === undefined ? 60 : Number(values.interval);
  if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) throw new UsageError(`--interval must be a positive number of seconds, not '${values.interval}'`);

  const c = await import('@ztp/compliance');
  const metricsAddress = values['metrics-address'] ?? c.DEFAULT_METRICS_ADDRESS;
  if (values.watch) {
    try {
      c.parseAddress(metricsAddress);
    } catch (error) {
      throw new UsageError(`--metrics-address: ${(error as Error).message}`);
    }
  }
  const client = c.ClusterClient.fromKubeconfig({ context: values.context, kubeconfig: values.kubeconfig });
  const bundles = await selectBundles(io.cwd, positionals, { dir: values.dir, root: values.root });
  // a bundle read from --dir must be the one the compiler wrote: drift against edited bytes means nothing
  const broken = bundles.flatMap((b) => (b.bytes === undefined ? [] : checkIntegrity(b.environment, b.bytes).map((p) => `${b.environment}: ${p}`)));
  if (broken.length > 0) throw new BundleReadError(`the bundles in ${values.dir} are not whole, so they are not what was compiled and proven:\n  ${broken.join('\n  ')}`);
  const specs = bundles.map((b) => c.bundleSpec(b));
  const modules = await modulesOf(specs.map((s) => s.environment), io, values.root);
  const checker = new c.ComplianceChecker({ client, engine, environments: specs.map((spec) => ({ spec, modules: modules.get(spec.environment) ?? 'unknown environment' })) });

  if (!values.watch) {
    const report = await checker.check();
    io.out(await formatCompliance(report, format));
    return exitOf(report, c);
  }

  // --watch: check on every change, serve the metrics, until interrupted.
  let state: MetricsState = { checks: 0, errors: 0 };
  const server = await c.serveMetrics(metricsAddress, () => state);
  io.err(`ztp compliance: watching context ${client.context} (${client.server}) for ${specs.map((s) => s.environment).join(', ')}; metrics at ${server.url}`);
  let previous = '';
  const watch = await c
    .watchCompliance(checker, {
      intervalMs: intervalSeconds * 1000,
      onReport: (report) => {
        state = { report, checks: state.checks + 1, errors: state.errors };
        // Print a report when the verdict changes (not on every quiet re-check).
        const verdict = JSON.stringify(report.environments.map((e) => [e.environment, e.drift, e.notes, e.policyReports]));
        if (verdict !== previous) {
          previous = verdict;
          // JSON as one line per report (JSON Lines), so a consumer can read the stream.
          if (format === 'json') io.out(JSON.stringify(report));
          else void formatCompliance(report, format).then((text) => io.out(text));
        }
      },
      onError: (error) => {
        state = { ...state, errors: state.errors + 1 };
        io.err(`ztp compliance: ${error.message}`);
      },
    })
    .catch(async (error: unknown) => {
      await server.close();
      throw error;
    });
  await watch.first.catch(() => undefined);
  const stopSignals = ['SIGINT', 'SIGTERM'] as const;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const s of stopSignals) process.off(s, done);
      options.signal?.removeEventListener('abort', done);
      resolve();
    };
    if (options.signal?.aborted) return done();
    options.signal?.addEventListener('abort', done, { once: true });
    for (const s of stopSignals) process.once(s, done);
  });
  await watch.stop();
  await server.close();
  return EXIT.ok;
}

export const complianceCommand: Command = {
  name: 'compliance',
  summary: 'compare the live cluster with the bundles: drift, default deny, running pods, PolicyReports (--watch: metrics)',
  help: COMPLIANCE_HELP,
  run: runCompliance,
};
