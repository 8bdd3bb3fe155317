/**
 * `nx affected` after editing one environment among ten. The repository has three example
 * environments; the measurement works on a scratch copy of the committed tree (`git archive
 * HEAD`, its workspace packages linked in its own node_modules) with copies of `environments/dev`
 * added until there are ten (each renamed, its golden bundle written by its own test; the
 * affected-set test of scripts/ told about them), as a git repository of its own. There it edits `environments/production/src/environment.ts` and
 * records which projects and typecheck/test tasks `nx affected` selects, runs them once (the
 * affected tasks' cache is cold: their inputs changed) and then again (warm cache: every task
 * replayed from the Nx cache), with NX_DAEMON=false. The real repository is not touched.
 */
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { median } from './stats.ts';

/** The figures. */
export interface NxFigures {
  /** The edited file, relative to the workspace. */
  readonly file: string;
  readonly environments: number;
  /** Projects `nx show projects --affected` lists. */
  readonly projects: readonly string[];
  /** Projects in the workspace. */
  readonly totalProjects: number;
  /** Affected typecheck + test tasks, and how many there are in the whole workspace. */
  readonly tasks: number;
  readonly totalTasks: number;
  /** `nx show projects --affected`: median wall time (ms) over `runs`. */
  readonly showMilliseconds: number;
  readonly runs: number;
  /** `nx affected -t typecheck test`: first run (the affected tasks run), then warm (all from cache). */
  readonly coldMilliseconds?: number;
  readonly warmMilliseconds?: number;
  /** Tasks the warm run read from the cache, of how many. */
  readonly warmCached?: string;
  readonly failed?: string;
}

const EDITED = 'environments/production/src/environment.ts';

/**
 * node_modules for the copy: every installed package linked to the repository's, except the
 * workspace packages (@ztp/*), linked to the copy's own folders so that the copy tests itself.
 */
async function linkModules(root: string, dir: string): Promise<void> {
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, '@ztp'), { recursive: true });
  for (const entry of await readdir(join(root, 'node_modules'))) {
    if (entry === '@ztp') continue;
    await symlink(join(root, 'node_modules', entry), join(modules, entry));
  }
  const rootPkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const pattern of rootPkg.workspaces) {
    const folders = pattern.endsWith('/*') ? (await readdir(join(dir, pattern.slice(0, -2)), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(pattern.slice(0, -2), e.name)) : [pattern];
    for (const folder of folders) {
      const pkg = JSON.parse(await readFile(join(dir, folder, 'package.json'), 'utf8').catch(() => '{}')) as { name?: string };
      if (pkg.name?.startsWith('@ztp/') === true) await symlink(join(dir, folder), join(modules, pkg.name));
    }
  }
}

/** Measures on a scratch ten-environment copy of `root`'s committed tree. */
export async function nxAffected(root: string, options: { readonly environments?: number; readonly runs?: number; readonly runTasks?: boolean } = {}): Promise<NxFigures> {
  const wantedEnvironments = options.environments ?? 10;
  const runs = options.runs ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'ztp-bench-nx-'));
  const shared = join(dirname(root), 'shared');
  const env = {
    ZTP_CONFORMANCE_DIR: process.env['ZTP_CONFORMANCE_DIR'] ?? join(shared, 'conformance'),
    ZTP_CRDS_DIR: process.env['ZTP_CRDS_DIR'] ?? join(shared, 'crds'),
    NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false',
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  };
  try {
    await execa('git', ['archive', '--format=tar', 'HEAD'], { cwd: root }).pipe('tar', ['-x', '-C', dir]);
    await linkModules(root, dir);
    const existing = (await readdir(join(dir, 'environments'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    const copies: string[] = [];
    for (let i = existing.length + 1; i <= wantedEnvironments; i++) {
      // a copy of dev under its own name (the folder and the environment name must match)
      const name = `dev-copy-${String(i).padStart(2, '0')}`;
      copies.push(name);
      await cp(join(dir, 'environments', 'dev'), join(dir, 'environments', name), { recursive: true });
      await rm(join(dir, 'environments', name, '__golden__'), { recursive: true, force: true });
      const source = join(dir, 'environments', name, 'src', 'environment.ts');
      const text = await readFile(source, 'utf8');
      if (!text.includes("  name: 'dev',")) throw new Error(`environments/dev/src/environment.ts no longer reads "  name: 'dev',"; the copy cannot be renamed`);
      await writeFile(source, text.replace("  name: 'dev',", `  name: '${name}',`));
      const pkgFile = join(dir, 'environments', name, 'package.json');
      const pkg = (await readFile(pkgFile, 'utf8')).replace('"name": "@ztp/env-dev"', `"name": "@ztp/env-${name}"`).replace(/ dev"/g, ` ${name}"`).replace(/bundles\/dev"/g, `bundles/${name}"`).replace('The dev environment', `A copy of the dev environment`);
      await writeFile(pkgFile, pkg);
    }
    if (copies.length > 0) {
      // the repository's affected-set test lists the three real environments; in the copy the
      // added ones are affected alike, so its lists name them too
      const affectedTest = join(dir, 'scripts', 'src', 'affected.test.ts');
      const text = await readFile(affectedTest, 'utf8').catch(() => undefined);
      const list = "'@ztp/env-dev', '@ztp/env-production'";
      if (text?.includes(list) === true) await writeFile(affectedTest, text.split(list).join(`'@ztp/env-dev', ${copies.map((c) => `'@ztp/env-${c}'`).join(', ')}, '@ztp/env-production'`));
      // the copies' golden bundles, written by their own tests
      const vitest = join(root, 'node_modules/.bin/vitest');
      await execa(vitest, ['run', ...copies.map((c) => `environments/${c}/src/`)], { cwd: dir, env: { ...env, ZTP_UPDATE_GOLDEN: '1' } });
    }
    const environments = (await readdir(join(dir, 'environments'), { withFileTypes: true })).filter((e) => e.isDirectory()).length;
    const git = (args: string[]) => execa('git', args, { cwd: dir, env });
    await git(['init', '-q', '-b', 'main']);
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', 'bench workspace']);
    const nxBin = join(root, 'node_modules/.bin/nx');
    const nx = (args: string[], reject = true) => execa(nxBin, args, { cwd: dir, env, reject, all: true });
    const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

    const totalProjects = lines((await nx(['show', 'projects'])).stdout).length;
    let totalTasks = 0;
    for (const target of ['typecheck', 'test']) totalTasks += lines((await nx(['show', 'projects', `--withTarget=${target}`])).stdout).length;

    await appendFile(join(dir, EDITED), '\n// edited by the benchmark\n');
    const projects = lines((await nx(['show', 'projects', '--affected', '--base=HEAD'])).stdout);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await nx(['show', 'projects', '--affected', '--base=HEAD']);
      times.push(performance.now() - t);
    }
    let tasks = 0;
    for (const target of ['typecheck', 'test']) tasks += lines((await nx(['show', 'projects', '--affected', '--base=HEAD', `--withTarget=${target}`])).stdout).length;
    const figures = { file: EDITED, environments, projects, totalProjects, tasks, totalTasks, showMilliseconds: median(times), runs };
    if (options.runTasks === false) return figures;

    const affectedRun = async () => {
      const t = performance.now();
      const r = await nx(['affected', '-t', 'typecheck', 'test', '--base=HEAD', '--outputStyle=static'], false);
      return { ms: performance.now() - t, r };
    };
    const cold = await affectedRun();
    if (cold.r.exitCode !== 0) {
      // eslint-disable-next-line no-control-regex
      const text = String(cold.r.all).replace(/\x1b\[[0-9;]*m/g, '');
      const why = text.split('\n').filter((l) => /FAIL|AssertionError|Error:|×/.test(l)).slice(0, 8).join(' / ');
      return { ...figures, coldMilliseconds: cold.ms, failed: `nx affected failed (exit ${cold.r.exitCode}): ${why}` };
    }
    const warm = await affectedRun();
    const cached = /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(String(warm.r.all));
    return { ...figures, coldMilliseconds: cold.ms, warmMilliseconds: warm.ms, ...(cached ? { warmCached: `${cached[1]} of ${cached[2]}` } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
