import { parseArgs } from 'node:util';
import { compileEnvironments, kubernetesAuthMount, loadGitOpsSettings, vaultNamePrefix } from '@ztp/compiler';
import type { Command } from '../command.ts';
import { loadAllEnvironments } from '../environments.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { vaultClient } from '../vault/client.ts';
import { applyVaultPlan, desiredFromFiles, formatChange, planVault, type VaultChange, type VaultPlan } from '../vault/plan.ts';

export const VAULT_HELP = `Usage: ztp vault plan <env> --address URL [--check] [--json] [--root DIR]
       ztp vault apply <env> --address URL [--json] [--root DIR]

Brings Vault in line with the environment's bundle (its vault/ folder, compiled from source):
per workload with secrets its ACL policy and Kubernetes auth role, and the database engine roles.
Policies and auth roles named ztp.<env>.* that the environment no longer declares are deleted;
database engine roles are only created or updated. Talks to Vault's HTTP API with the token in
VAULT_TOKEN. The operator's part must exist first: the Kubernetes auth method (configured with the
cluster's address, CA and a token reviewer) and each database connection, with ztp's role in its
allowed_roles (a missing one is reported as a warning).

  plan          show what apply would change; change nothing
  apply         make the changes and report each one; a second apply changes nothing
  --address URL Vault's address, e.g. https://vault.example:8200 (or VAULT_ADDR)
  --check       (plan) exit 1 when Vault differs from the bundle
  --json        print the plan or the changes made as JSON
  --root DIR    the policy repository (default: found upwards from the current folder)

Exit codes: 0 done (or in sync), 1 --check found differences, 2 usage error or a Vault problem
(unreachable, token refused, auth method or database engine missing).
`;

/** Compiles one environment and plans its Vault configuration against the Vault at `address`. */
export async function planEnvironment(environment: string, address: string, token: string, cwd: string, root?: string): Promise<VaultPlan> {
  const { root: dir, all } = await loadAllEnvironments(cwd, root);
  const env = all.find((e) => e.name === environment);
  if (env === undefined) throw new UsageError(`unknown environment ${environment}; the repository has ${all.map((e) => e.name).join(', ')}`);
  const bundle = compileEnvironments([env], dir, loadGitOpsSettings(dir), all).bundles[0];
  if (bundle === undefined) throw new Error(`internal: no bundle for ${environment}`);
  const scope = { environment, prefix: vaultNamePrefix(environment), authMount: env.vault === undefined ? 'kubernetes' : kubernetesAuthMount(env.vault) };
  return planVault(vaultClient({ address, token }), desiredFromFiles(bundle.files), scope);
}

function json(plan: VaultPlan, changes: readonly VaultChange[], applied: boolean): string {
  const strip = (c: VaultChange) => ({ action: c.action, kind: c.kind, path: c.path, fields: c.fields });
  return JSON.stringify({ environment: plan.environment, address: plan.address, applied, changes: changes.map(strip), warnings: plan.warnings }, null, 2);
}

export async function runVault(args: readonly string[], io: Io, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { address: { type: 'string' }, check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, root: { type: 'string' } },
  });
  const [action, environment, ...extra] = positionals;
  if (action !== 'plan' && action !== 'apply') throw new UsageError(`ztp vault needs 'plan' or 'apply', not ${action === undefined ? 'nothing' : `'${action}'`}`);
  if (environment === undefined || extra.length > 0) throw new UsageError(`ztp vault ${action} takes exactly one environment`);
  if (values.check && action !== 'plan') throw new UsageError(`--check is for ztp vault plan`);
  const address = values.address ?? env['VAULT_ADDR'];
  if (address === undefined || address === '') throw new UsageError(`--address is required (or set VAULT_ADDR)`);
  const token = env['VAULT_TOKEN'];
  if (token === undefined || token === '') throw new UsageError(`VAULT_TOKEN is not set; ztp vault needs a token allowed to manage policies, auth roles and database roles`);

  const plan = await planEnvironment(environment, address, token, io.cwd, values.root);
  const warnings = plan.warnings.map((w) => `warning: ${w}`);
  if (action === 'plan') {
    if (values.json) io.out(json(plan, plan.changes, false));
    else {
      const head = `Vault at ${plan.address} for environment ${environment}:`;
      const tail = plan.changes.length === 0 ? 'in sync with the bundle; nothing to change.' : `${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}; nothing applied (ztp vault apply ${environment} --address ${address}).`;
      io.out([head, ...plan.changes.map((c) => formatChange(c, false)), tail].join('\n'));
    }
    if (warnings.length > 0) io.err(warnings.join('\n'));
    return values.check && plan.changes.length > 0 ? EXIT.failure : EXIT.ok;
  }
  const done = await applyVaultPlan(vaultClient({ address, token }), plan);
  if (values.json) io.out(json(plan, done, true));
  else {
    const head = `Vault at ${plan.address} for environment ${environment}:`;
    const tail = done.length === 0 ? 'already in sync with the bundle; nothing changed.' : `${done.length} change${done.length === 1 ? '' : 's'} applied.`;
    io.out([head, ...done.map((c) => formatChange(c, true)), tail].join('\n'));
  }
  if (warnings.length > 0) io.err(warnings.join('\n'));
  return EXIT.ok;
}

export const vaultCommand: Command = {
  name: 'vault',
  summary: 'plan or apply the Vault policies and roles of an environment (--address, VAULT_TOKEN)',
  help: VAULT_HELP,
  run: (args, io) => runVault(args, io),
};
