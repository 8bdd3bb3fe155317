import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { crdsDir } from '@ztp/crd-schema';
import { bundleObjects, readCrdSources } from '@ztp/e2e';
import { constraintCrd, installCrds, startLocalCluster, validateObjects, type KubeObject, type ValidationResult } from '@ztp/local-cluster';
import { integrityProblems, selectBundles } from '../bundles.ts';
import type { Command } from '../command.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';

export const VALIDATE_HELP = `Usage: ztp validate [env...] [--dir DIR] [--crds DIR] [-o txt|json] [--root DIR]

Has a real kube-apiserver check every object of each bundle, as a cluster would on sync. Starts
a local control plane (etcd and kube-apiserver, pinned, as local processes on loopback),
installs the upstream CRDs (Cilium, Istio, cert-manager, External Secrets, Argo CD, Kyverno,
Gatekeeper) and, for Gatekeeper constraints, the CRD Gatekeeper would make from each of the
bundle's ConstraintTemplates (parameters schema from the template), creates the bundle's namespaces, then server-side applies every other object with
dryRun=All and strict field validation, in sync-wave order. Schema errors, unknown fields and the
CRDs' CEL rules come back in the apiserver's own words, with the bundle file and the object.

  (default)     compile the environments from source, in memory, and validate that
  --dir DIR     validate the bundles written in DIR instead (DIR/<env>/ or one bundle folder);
                each must also be whole (every file listed in manifest.json with its sha256,
                and the compiler's kustomization.yaml), or the run fails naming the file
  --crds DIR    the CRDs to install (default: ZTP_CRDS_DIR, else ../shared/crds beside the repository)
  -o FORMAT     txt (default) or json

Needs etcd and kube-apiserver (node scripts/src/install-tools.ts etcd kube-apiserver).
Exit 1 if the apiserver rejects any object, or a bundle read with --dir is not whole.
`;

/** One bundle's validation. */
export interface BundleValidation extends ValidationResult {
  readonly environment: string;
  /** For a bundle read from disk: why it is not whole (then not all that Argo CD would apply was checked). */
  readonly integrity?: readonly string[];
}

/**
 * Validates `bundles` on one fresh local control plane with the CRDs in `crds` installed.
 * Objects go in sync-wave order (the bundle's own order within a wave).
 */
export async function validateBundles(
  bundles: readonly { environment: string; files: ReadonlyMap<string, string> }[],
  crds: string,
  log: (line: string) => void = () => {},
): Promise<BundleValidation[]> {
  const sources = readCrdSources(crds);
  if (sources.crds.length === 0) throw new UsageError(`no CRDs found in ${crds}; pass --crds DIR or set ZTP_CRDS_DIR`);
  const cluster = await startLocalCluster();
  try {
    log(`kube-apiserver ready in ${cluster.startupMs} ms; installing ${sources.crds.length} CRDs from ${sources.dir}`);
    await installCrds(cluster, sources.crds.map((c) => c.object as unknown as KubeObject));
    const results: BundleValidation[] = [];
    for (const bundle of bundles) {
      const { objects } = bundleObjects(bundle.files, parse);
      const ordered = objects.map((o, i) => ({ o, i })).sort((a, b) => a.o.syncWave - b.o.syncWave || a.i - b.i).map(({ o }) => ({ file: o.file, object: o.object as unknown as KubeObject }));
      // Gatekeeper makes a constraint's CRD from its template; without Gatekeeper, ztp does.
      const constraintCrds = ordered.filter((o) => o.object.kind === 'ConstraintTemplate').flatMap((o) => constraintCrd(o.object) ?? []);
      if (constraintCrds.length > 0) {
        log(`${bundle.environment}: ${constraintCrds.length} constraint CRDs made from the bundle's ConstraintTemplates, as Gatekeeper would`);
        await installCrds(cluster, constraintCrds);
      }
      results.push({ environment: bundle.environment, ...(await validateObjects(cluster, ordered)) });
    }
    return results;
  } finally {
    await cluster.stop();
  }
}

/** The text report of validations. */
export function formatValidation(results: readonly BundleValidation[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const integrity = r.integrity ?? [];
    const verdict = r.rejected.length === 0 && integrity.length === 0 ? 'valid' : [r.rejected.length > 0 ? `${r.rejected.length} rejected` : [], integrity.length > 0 ? 'not whole' : []].flat().join(', ');
    lines.push(`${r.environment}: ${verdict} (${r.accepted.length} objects accepted by kube-apiserver)`);
    if (r.createdNamespaces.length > 0) lines.push(`  namespaces the bundle uses but does not create (made for the check): ${r.createdNamespaces.join(', ')}`);
    for (const x of r.rejected) lines.push(`  ${x.file}: ${x.object}: ${x.message}`);
    for (const p of integrity) lines.push(`  bundle integrity: ${p}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runValidate(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { dir: { type: 'string' }, crds: { type: 'string' }, output: { type: 'string', short: 'o', default: 'txt' }, root: { type: 'string' } },
  });
  if (values.output !== 'txt' && values.output !== 'json') throw new UsageError(`-o must be txt or json, not '${values.output}'`);
  const bundles = await selectBundles(io.cwd, positionals, { dir: values.dir, root: values.root });
  const crds = values.crds !== undefined ? resolve(io.cwd, values.crds) : crdsDir();
  const validated = await validateBundles(bundles, crds, values.output === 'txt' ? (line) => io.err(line) : undefined);
  // bundles read from disk must be whole: the apiserver saw only what they hold, not what a
  // changed kustomization or an unlisted file would make Argo CD apply
  const results = validated.map((r, i): BundleValidation => ({ ...r, integrity: integrityProblems(bundles[i]!) }));
  io.out(values.output === 'json' ? JSON.stringify(results, null, 2) : formatValidation(results));
  return results.every((r) => r.rejected.length === 0 && r.integrity?.length === 0) ? EXIT.ok : EXIT.failure;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'have a real kube-apiserver (with the upstream CRDs) check every object of each bundle',
  help: VALIDATE_HELP,
  run: runValidate,
};
