import { access, constants, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { cachedBinary, readStamp } from './cache.ts';
import { ToolMissingError } from './errors.ts';
import { getTool, TOOLS } from './registry.ts';
import type { Env, ToolSpec } from './types.ts';
import { probeBinary, sameVersion, type VersionProbe } from './version.ts';
import type { VersionCheck } from './types.ts';

export interface ResolveOptions {
  /** Environment to read PATH, HOME and ZTP_TOOLS_DIR from, and to run version commands in. */
  readonly env?: Env;
}

/** Where a pinned tool was found, or that it was not. */
export interface ToolStatus {
  readonly name: string;
  /** The pinned version. */
  readonly version: string;
  readonly binary: string;
  /** `cache`: our build in the tools directory; `path`: a binary on PATH at the pinned version. */
  readonly source: 'cache' | 'path' | 'missing';
  /** Absolute path of the binary, when found. */
  readonly path?: string;
  /** The version the binary reported (or, for stamp-only tools, the stamp recorded). */
  readonly foundVersion?: string;
  /** How the version was verified. */
  readonly verifiedBy: 'command' | 'stamp';
  /** Binaries that were looked at and did not count, each with the reason. */
  readonly rejected: readonly string[];
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Every executable named `binary` on PATH, in PATH order. */
export async function whichAll(binary: string, env: Env = process.env): Promise<string[]> {
  const found: string[] = [];
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, binary);
    if (!found.includes(candidate) && (await isExecutableFile(candidate))) found.push(candidate);
  }
  return found;
}

/**
 * Version probes already run in this process, by binary and its file identity (device, inode,
 * size, modification and change times to the nanosecond): a proof resolves each engine once per
 * engine run, and starting the binary again to ask its version was most of ztp's own share of
 * the batched proof. A binary replaced or rebuilt at the same path is probed again.
 */
const probes = new Map<string, Promise<VersionProbe>>();

async function probeOnce(binary: string, check: VersionCheck, env: Env): Promise<VersionProbe> {
  const s = await stat(binary, { bigint: true }).catch(() => undefined);
  if (s === undefined) return probeBinary(binary, check, env); // gone meanwhile: the probe says why
  const key = JSON.stringify([binary, String(s.dev), String(s.ino), String(s.size), String(s.mtimeNs), String(s.ctimeNs), check.kind === 'command' ? check.args : check.probe.args]);
  let probe = probes.get(key);
  if (probe === undefined) {
    probe = probeBinary(binary, check, env);
    probes.set(key, probe);
    // a probe that could not run (a timeout under load) is not remembered
    void probe.then((p) => p.version === undefined && !p.matched && probes.delete(key), () => probes.delete(key));
  }
  return probe;
}

/**
 * Finds `tool` at its pinned version: first a finished build in the cache (its stamp present,
 * and for tools with a version command, the binary reporting the pinned version), then the
 * binaries on PATH in order, the first that reports the pinned version. Tools without a version
 * command are only ever taken from the cache, where the build's stamp vouches for the version.
 */
export async function locateTool(tool: ToolSpec, options: ResolveOptions = {}): Promise<ToolStatus> {
  const env = options.env ?? process.env;
  const base = { name: tool.name, version: tool.version, binary: tool.binary, verifiedBy: tool.check.kind };
  const rejected: string[] = [];

  const cached = cachedBinary(tool, env);
  if (await isExecutableFile(cached)) {
    const stamp = await readStamp(tool, env);
    if (stamp === undefined || !sameVersion(stamp.version, tool.version)) {
      rejected.push(`${cached} has no valid stamp`);
    } else if (tool.check.kind === 'stamp') {
      return { ...base, source: 'cache', path: cached, foundVersion: stamp.version, rejected };
    } else {
      const probe = await probeOnce(cached, tool.check, env);
      if (probe.version !== undefined && sameVersion(probe.version, tool.version)) {
        return { ...base, source: 'cache', path: cached, foundVersion: probe.version, rejected };
      }
      rejected.push(`${cached} reports ${probe.version ?? 'no version'}`);
    }
  }

  for (const candidate of await whichAll(tool.binary, env)) {
    if (candidate === cached) continue;
    if (tool.check.kind === 'stamp') {
      rejected.push(`${candidate} on PATH is ignored: ${tool.binary} has no version command, so only a build of ours counts`);
      continue;
    }
    const probe = await probeOnce(candidate, tool.check, env);
    if (probe.version !== undefined && sameVersion(probe.version, tool.version)) {
      return { ...base, source: 'path', path: candidate, foundVersion: probe.version, rejected };
    }
    rejected.push(`${candidate} reports ${probe.version ?? 'no version'}`);
  }
  return { ...base, source: 'missing', rejected };
}

/**
 * The absolute path of `name`'s binary at its pinned version. Throws ToolMissingError (saying
 * what is missing and how to install it) when there is none, UnknownToolError for a name that
 * is not in the registry.
 */
export async function resolveTool(name: string, options: ResolveOptions = {}): Promise<string> {
  const status = await locateTool(getTool(name), options);
  if (status.path === undefined) {
    throw new ToolMissingError([{ name: status.name, version: status.version, rejected: status.rejected }]);
  }
  return status.path;
}

/** The status of every tool in the registry (or of `names`), in registry order. */
export async function toolStatus(names?: readonly string[], options: ResolveOptions = {}): Promise<ToolStatus[]> {
  const tools = names === undefined ? TOOLS : names.map((name) => getTool(name));
  const statuses: ToolStatus[] = [];
  for (const tool of tools) statuses.push(await locateTool(tool, options));
  return statuses;
}
