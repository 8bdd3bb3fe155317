import { execa } from 'execa';

/**
 * The environments a change affects, from Nx's affected projects: `@ztp/env-<name>` for each
 * affected environment; every environment when the suite itself (`@ztp/e2e`) is affected. Keeps
 * the order of `all`.
 */
export function pickEnvironments(affectedProjects: readonly string[], all: readonly string[]): string[] {
  if (affectedProjects.includes('@ztp/e2e')) return [...all];
  return all.filter((e) => affectedProjects.includes(`@ztp/env-${e}`));
}

/** `npx nx show projects --affected --base <base> --head <head> --json`, run at `root`. */
export async function nxAffectedProjects(root: string, base: string, head: string): Promise<string[]> {
  const r = await execa('npx', ['nx', 'show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--json'], { cwd: root, reject: false, env: { NX_DAEMON: 'false' } });
  if (r.exitCode !== 0) throw new Error(`nx show projects --affected failed: ${String(r.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  const text = String(r.stdout);
  return JSON.parse(text.slice(text.indexOf('['))) as string[];
}
