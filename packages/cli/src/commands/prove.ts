import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareEnvironment, renderJunit, renderMarkdown, renderText, runOnLocalCluster, type EnvironmentReport } from '@ztp/e2e';
import { podNetworkUnavailable } from '@ztp/local-cluster';
import { resolveTool } from '@ztp/tools';
import { integrityProblems, selectBundles } from '../bundles.ts';
import type { Command } from '../command.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';

export const PROVE_HELP = `Usage: ztp prove [env...] [--dir DIR] [-o txt|md] [--junit FILE] [--concurrency N] [--root DIR]

Proves each environment's NetworkPolicies on real packets, with no cluster and no containers:
starts a real kube-apiserver (and etcd) on loopback, applies the bundle's namespaces, service
accounts and NetworkPolicies, creates one pod per declared workload (labels, service account,
named ports) plus the undeclared callers ztp verify uses, gives each pod its own network
namespace and address, starts a probe server in each on its declared ports, runs
kube-network-policies (the Kubernetes SIG Network reference NetworkPolicy dataplane), and probes
every pair on every declared port (and one undeclared port): declared flows must connect,
everything else must be dropped.

Not covered by this run, and reported by name, never as passed: cells a CiliumNetworkPolicy
decides (L7 HTTP rules, FQDN egress), Istio mTLS and authorization, admission.

  (default)        compile the environments from source, in memory, and prove that
  --dir DIR        prove the bundles written in DIR instead; each must also be whole
                   (every file listed in manifest.json with its sha256, and the compiler's
                   kustomization.yaml), or the run fails naming the file
  -o FORMAT        txt (default) or md
  --junit FILE     also write a JUnit XML report
  --concurrency N  probes in flight at once (default 6)

Needs root, network namespaces and iptables (NFQUEUE), and etcd, kube-apiserver and
kube-network-policies (node scripts/src/install-tools.ts etcd kube-apiserver kube-network-policies).
Exit 1 if any cell differs from the declared intent (the cell, the expectation and the
observation are printed), or a bundle read with --dir is not whole; 2 if this machine cannot
run it (what is missing is printed).
`;

export async function runProve(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      dir: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'txt' },
      junit: { type: 'string' },
      concurrency: { type: 'string', default: '6' },
      root: { type: 'string' },
    },
  });
  if (values.output !== 'txt' && values.output !== 'md') throw new UsageError(`-o must be txt or md, not '${values.output}'`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, not '${values.concurrency}'`);
  const bundles = await selectBundles(io.cwd, positionals, { dir: values.dir, root: values.root });
  const missing = await podNetworkUnavailable();
  if (missing !== undefined) throw new UsageError(`ztp prove cannot run here: ${missing}`);
  for (const tool of ['etcd', 'kube-apiserver', 'kube-network-policies']) await resolveTool(tool);

  const reports: EnvironmentReport[] = [];
  for (const bundle of bundles) {
    const env = prepareEnvironment(bundle, []);
    reports.push(await runOnLocalCluster(env, { concurrency, log: (line) => io.err(line) }));
  }
  // bundles read from disk must be whole: what Argo CD would apply beyond them is never proven
  // (they are still proven, to show an edit's effect)
  const integrity = new Map(bundles.map((b) => [b.environment, integrityProblems(b)] as const));
  const integrityText = [...integrity]
    .flatMap(([env, problems]) => problems.map((p) => (values.output === 'md' ? `- **${env}: bundle integrity**: ${p}\n` : `FAIL ${env}: bundle integrity: ${p}\n`)))
    .join('');
  // as ztp verify: markdown after the report, text FAIL lines first
  io.out(values.output === 'md' ? renderMarkdown(reports, 'ztp prove (local kube-apiserver + kube-network-policies)') + integrityText : integrityText + reports.map((r) => renderText(r)).join('\n'));
  if (values.junit !== undefined) writeFileSync(resolve(io.cwd, values.junit), renderJunit(reports, 'ztp prove', integrity));
  const whole = [...integrity.values()].every((problems) => problems.length === 0);
  if (reports.some((r) => r.status === 'failed') || !whole) return EXIT.failure;
  if (reports.some((r) => r.status !== 'passed')) return EXIT.internal;
  return EXIT.ok;
}

export const proveCommand: Command = {
  name: 'prove',
  summary: 'prove NetworkPolicies on real packets: local kube-apiserver + kube-network-policies',
  help: PROVE_HELP,
  run: runProve,
};
