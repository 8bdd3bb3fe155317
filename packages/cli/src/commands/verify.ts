import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ManifestError } from '@ztp/reachability';
import { BundleReadError, checkIntegrity, formatReport, verifyBundle, type VerifyReport } from '@ztp/verify';
import { selectBundles } from '../bundles.ts';
import type { Command } from '../command.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { junitXml } from '../junit.ts';

export const VERIFY_HELP = `Usage: ztp verify [env...] [--dir DIR] [-o txt|json|md] [--junit FILE] [--root DIR]

Proves that each environment's compiled bundle allows exactly its declared connectivity: every
declared flow and egress allowed (only the declared HTTP requests, where a flow has HTTP rules),
DNS reachable, and everything else denied: other workloads, an undeclared pod in every managed
namespace, callers in other namespaces and outside the cluster, every other port (one of each
class of ports the policies tell apart, at TCP, UDP and SCTP) and undeclared addresses.
With a mesh, the network layer and the mesh layer are each proven on their own too. Uses ztp's
reachability engine (Kubernetes NetworkPolicy, Cilium and Istio semantics).

  (default)     compile the environments from source, in memory, and verify that
  --dir DIR     verify the bundles written in DIR instead (DIR/<env>/ or one bundle folder);
                each must also be whole: every file listed in manifest.json with its sha256,
                and kustomization.yaml exactly the one the compiler writes
  -o FORMAT     txt (default), json, md
  --junit FILE  also write a JUnit XML report (one test case per environment and failure)

Exit 1 if any check differs from the declared intent, naming the connection, the declaration
and the objects that decided it.
`;

export async function runVerify(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { dir: { type: 'string' }, output: { type: 'string', short: 'o', default: 'txt' }, junit: { type: 'string' }, root: { type: 'string' } },
  });
  const format = values.output;
  if (format !== 'txt' && format !== 'json' && format !== 'md') throw new UsageError(`-o must be txt, json or md, not '${format}'`);
  const bundles = await selectBundles(io.cwd, positionals, { dir: values.dir, root: values.root });
  // bundles read from disk must be whole: the files manifest.json lists, with their hashes, and
  // the kustomization the compiler writes (what Argo CD would apply beyond them is never proven)
  const integrity = bundles.map((b) => (b.bytes === undefined ? [] : checkIntegrity(b.environment, b.bytes)));
  // a bundle from disk that cannot even be read (a listed file missing, objects the engine
  // refuses) is not proven, and says why; the others are proven even when not whole, so that an
  // edit's effect is shown too
  const reports: VerifyReport[] = bundles.map((b, i) => {
    try {
      return verifyBundle(b);
    } catch (e) {
      if (b.bytes === undefined || !(e instanceof BundleReadError || e instanceof ManifestError)) throw e;
      const why = e instanceof ManifestError ? e.problems.join('; ') : e.message;
      integrity[i]!.push(`not proven: the bundle cannot be read (${why})`);
      return { environment: b.environment, ok: false, checks: [], failures: [], notCovered: ['every connection: the bundle could not be read, so nothing was proven'] };
    }
  });
  const whole = (i: number) => integrity[i]!.length === 0;
  if (format === 'json') io.out(JSON.stringify(reports.map((r, i) => ({ environment: r.environment, ok: r.ok && whole(i), checks: r.checks.length, failures: r.failures, integrity: integrity[i], notCovered: r.notCovered })), null, 2));
  else {
    const integrityText = (i: number) =>
      format === 'md' ? integrity[i]!.map((p) => `- **bundle integrity**: ${p}\n`).join('') : integrity[i]!.map((p) => `FAIL ${reports[i]!.environment}: bundle integrity: ${p}\n`).join('');
    // markdown: under the environment's heading; text: the FAIL lines first, as the proof's are
    io.out(reports.map((r, i) => (format === 'md' ? formatReport(r, format) + integrityText(i) : integrityText(i) + formatReport(r, format))).join(format === 'md' ? '\n' : ''));
  }
  if (values.junit !== undefined) {
    writeFileSync(
      resolve(io.cwd, values.junit),
      junitXml(
        'ztp verify',
        reports.flatMap((r, i) => [
          { suite: r.environment, name: `${r.environment}: ${r.checks.length} connections as declared`, failure: r.ok ? undefined : `${r.failures.length} connections differ from the declared intent` },
          ...integrity[i]!.map((p) => ({ suite: r.environment, name: `${r.environment}: bundle integrity`, failure: p })),
          ...r.failures.map((f) => ({ suite: r.environment, name: f.id, failure: `declared ${f.expected}${f.declaredBy.length ? ` by ${f.declaredBy.join(', ')}` : ''}, bundle says ${f.observed}\n${f.decidedBy.join('\n')}` })),
        ]),
      ),
    );
  }
  return reports.every((r, i) => r.ok && whole(i)) ? EXIT.ok : EXIT.failure;
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'prove each bundle allows exactly its declared flows (-o txt|json|md, --junit)',
  help: VERIFY_HELP,
  run: runVerify,
};
