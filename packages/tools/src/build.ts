import { execa } from 'execa';
import { access, appendFile, chmod, constants, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cachedBinary, logFile, tempPrefix, toolHome, toolsDir } from './cache.ts';
import type { Stamp } from './cache.ts';
import { ToolBuildError } from './errors.ts';
import { isAlive } from './lock.ts';
import type { BuildContext, Env, RunOptions, ToolSpec } from './types.ts';
import { normalizeVersion, probeBinary, sameVersion } from './version.ts';

/** The oldest Go that the recipes are written for. */
export const MIN_GO = { major: 1, minor: 26 } as const;

/** One command of a build may run this long (the kyverno CLI takes about 4 minutes on 2 cores). */
const COMMAND_TIMEOUT_MS = 45 * 60_000;

export interface BuildOptions {
  readonly env?: Env;
  /** Lines of the log shown in a ToolBuildError (default 40). */
  readonly tailLines?: number;
}

export interface BuildResult {
  /** Absolute path of the installed binary. */
  readonly path: string;
  readonly seconds: number;
  readonly logFile: string;
  readonly stamp: Stamp;
}

/**
 * The environment every Go command of every build runs in: module, build and GOPATH caches
 * shared across builds under the tools directory, static binaries, no workspace, no VCS stamping.
 */
export function goEnvironment(env: Env, binDir: string): Record<string, string> {
  const dir = toolsDir(env);
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return {
    ...base,
    GOPATH: join(dir, 'go-path'),
    GOMODCACHE: join(dir, 'go-mod'),
    GOCACHE: join(dir, 'go-build'),
    GOBIN: binDir,
    GOFLAGS: '-modcacherw -buildvcs=false',
    GOWORK: 'off',
    GOTOOLCHAIN: env['GOTOOLCHAIN'] || 'local',
    CGO_ENABLED: '0',
  };
}

/** The last `lines` lines of a text file ('' if it cannot be read). */
export async function tailOf(file: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Removes temporary build directories left by builds whose process is gone (killed, crashed). */
export async function removeStaleBuilds(env: Env = process.env): Promise<string[]> {
  const dir = toolsDir(env);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith('.tmp-')) continue;
    const pid = /-(\d+)-[^-]*$/.exec(entry)?.[1];
    if (pid !== undefined && isAlive(Number(pid))) continue;
    await rm(join(dir, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

async function goVersion(goEnv: Record<string, string>, log: string): Promise<string> {
  const result = await execa('go', ['env', 'GOVERSION'], { env: goEnv, extendEnv: false, reject: false, stdin: 'ignore' });
  if (result.failed) {
    throw new Error(
      `the Go toolchain is needed to build the engines, and \`go env GOVERSION\` failed: ${result.shortMessage}` +
        ` (install Go ${MIN_GO.major}.${MIN_GO.minor} or newer and put it on PATH)`,
    );
  }
  const version = result.stdout.trim();
  await appendFile(log, `go: ${version}\n`);
  const match = /^go(\d+)\.(\d+)/.exec(version);
  const major = Number(match?.[1] ?? 0);
  const minor = Number(match?.[2] ?? 0);
  if (major < MIN_GO.major || (major === MIN_GO.major && minor < MIN_GO.minor)) {
    throw new Error(`Go ${MIN_GO.major}.${MIN_GO.minor} or newer is needed, found ${version}`);
  }
  return version;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Builds `tool` into the cache with its recipe. The build happens in a temporary directory
 * next to the final one; the binary's version is checked, the stamp written, and only then is
 * the directory renamed into place, so an interrupted or failed build never leaves a tool that
 * looks installed. All output goes to the tool's log file; on failure a ToolBuildError carries
 * its tail.
 */
export async function buildTool(tool: ToolSpec, options: BuildOptions = {}): Promise<BuildResult> {
  const env = options.env ?? process.env;
  const dir = toolsDir(env);
  const log = logFile(tool, env);
  await mkdir(join(dir, 'logs'), { recursive: true });
  await removeStaleBuilds(env);
  const started = Date.now();
  await writeFile(log, `# ${tool.name} ${tool.version}: ${tool.recipe.summary}\n# started ${new Date(started).toISOString()}\n`);

  const tmp = await mkdtemp(join(dir, `${tempPrefix(tool)}${process.pid}-`));
  const binDir = join(tmp, 'bin');
  const workDir = join(tmp, 'work');
  const binary = join(binDir, tool.binary);
  try {
    await mkdir(binDir, { recursive: true });
    await mkdir(workDir, { recursive: true });
    const goEnv = goEnvironment(env, binDir);
    const go = await goVersion(goEnv, log);

    const commands: string[] = [];
    const run = async (command: string, args: readonly string[], runOptions: RunOptions = {}): Promise<string> => {
      const cwd = runOptions.cwd ?? workDir;
      commands.push([command, ...args].join(' '));
      await appendFile(log, `\n$ ${[command, ...args].join(' ')}    # in ${cwd}\n`);
      const common = { cwd, env: goEnv, extendEnv: false, stdin: 'ignore', timeout: COMMAND_TIMEOUT_MS } as const;
      if (runOptions.capture) {
        const result = await execa(command, [...args], { ...common, stderr: { file: log, append: true } });
        await appendFile(log, `${result.stdout}\n`);
        return result.stdout;
      }
      await execa(command, [...args], {
        ...common,
        stdout: { file: log, append: true },
        stderr: { file: log, append: true },
      });
      return '';
    };
    const ctx: BuildContext = {
      tool,
      moduleVersion: `v${normalizeVersion(tool.version)}`,
      binDir,
      workDir,
      run,
      go: (args, runOptions) => run('go', args, runOptions),
    };
    await tool.recipe.build(ctx);

    if (!(await isExecutableFile(binary))) {
      throw new Error(`the recipe finished but wrote no executable ${tool.binary} into ${binDir}`);
    }
    await chmod(binary, 0o755);
    const probe = await probeBinary(binary, tool.check, env);
    await appendFile(log, `\n# ${tool.check.kind === 'command' ? 'version check' : 'probe'}:\n${probe.output}\n`);
    if (tool.check.kind === 'command') {
      if (probe.version === undefined || !sameVersion(probe.version, tool.version)) {
        throw new Error(
          `the built binary reports version ${probe.version ?? '(none matched)'}, expected ${tool.version}` +
            ` (\`${tool.binary} ${tool.check.args.join(' ')}\` printed: ${probe.output.trim().slice(0, 300)})`,
        );
      }
    } else if (!probe.matched) {
      throw new Error(`the built binary does not run: \`${tool.binary} ${tool.check.probe.args.join(' ')}\` printed: ${probe.output.trim().slice(0, 300)}`);
    }
    await rm(workDir, { recursive: true, force: true });

    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const stamp: Stamp = {
      name: tool.name,
      version: tool.version,
      binary: tool.binary,
      recipe: tool.recipe.summary,
      commands,
      go,
      builtAt: new Date().toISOString(),
      seconds,
    };
    await writeFile(join(tmp, 'stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    await chmod(tmp, 0o755); // mkdtemp made it private

    const final = toolHome(tool, env);
    const old = `${tmp}.old`;
    let replaced = false;
    try {
      await rename(final, old);
      replaced = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(tmp, final);
    if (replaced) await rm(old, { recursive: true, force: true });
    await appendFile(log, `\n# installed ${cachedBinary(tool, env)} in ${seconds} s\n`);
    return { path: cachedBinary(tool, env), seconds, logFile: log, stamp };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error);
    await appendFile(log, `\n# FAILED: ${reason}\n`).catch(() => {});
    throw new ToolBuildError(tool.name, tool.version, reason, log, await tailOf(log, options.tailLines ?? 40));
  }
}

/** The Go caches that builds share, under the tools directory. */
export function goCacheDirs(env: Env = process.env): string[] {
  const dir = toolsDir(env);
  return ['go-build', 'go-mod', 'go-path'].map((name) => join(dir, name));
}

/**
 * Removes the shared Go module and build caches (several GB after a full build; later builds
 * then download and compile from scratch). Refuses while any build holds a lock.
 */
export async function pruneGoCaches(env: Env = process.env): Promise<string[]> {
  const dir = toolsDir(env);
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith('.lock-')) continue;
    const pid = Number((await readFile(join(dir, entry), 'utf8').catch(() => '')).trim());
    if (isAlive(pid)) throw new Error(`not pruning the Go caches: process ${pid} is building (${entry})`);
  }
  const removed: string[] = [];
  for (const path of goCacheDirs(env)) {
    try {
      await stat(path);
    } catch {
      continue;
    }
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
