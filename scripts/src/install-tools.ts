/**
 * Installs ztp's pinned external engines into the tools cache, building what is missing.
 *
 *   node scripts/src/install-tools.ts            all tools in the registry
 *   node scripts/src/install-tools.ts --all      the same
 *   node scripts/src/install-tools.ts opa gator  just these
 *   node scripts/src/install-tools.ts --status   where each tool is found; builds nothing
 *   node scripts/src/install-tools.ts --prune    after installing, delete the shared Go caches
 *                                                (go-mod, go-build: over 10 GB after a full build)
 *
 * Tools are handled one after another (builds are CPU-bound and the machines have 2 cores).
 * Prints one line per tool; exits 1 if any build failed (after showing the tail of its log),
 * 2 on a usage error.
 */
import { describeInstall, getTool, installTool, logFile, pruneGoCaches, toolNames, toolStatus, UnknownToolError } from '@ztp/tools';
import type { Env, ToolSpec } from '@ztp/tools';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** When set, a transient "building…" line is shown and then overwritten by the result. */
  readonly tty: boolean;
  readonly env?: Env;
}

const USAGE = 'usage: node scripts/src/install-tools.ts [--all | --status | name...] [--prune]';

type Command =
  | { readonly kind: 'install'; readonly tools: readonly ToolSpec[]; readonly prune: boolean }
  | { readonly kind: 'status'; readonly tools: readonly ToolSpec[] }
  | { readonly kind: 'help' };

/** Parses the command line; throws UnknownToolError or an Error with the usage on bad input. */
export function parseArgs(args: readonly string[]): Command {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  const status = args.includes('--status');
  const all = args.includes('--all');
  const prune = args.includes('--prune');
  const names = args.filter((arg) => arg !== '--all' && arg !== '--status' && arg !== '--prune');
  const unknownFlag = names.find((name) => name.startsWith('-'));
  if (unknownFlag !== undefined) throw new Error(`unknown option ${unknownFlag}\n${USAGE}`);
  if (all && names.length > 0) throw new Error(`--all and tool names cannot be combined\n${USAGE}`);
  const chosen = names.length === 0 ? toolNames() : [...new Set(names)];
  if (status && prune) throw new Error(`--status and --prune cannot be combined\n${USAGE}`);
  const tools = chosen.map((name) => getTool(name));
  return status ? { kind: 'status', tools } : { kind: 'install', tools, prune };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** Runs the command line `args`; returns the exit code. */
export async function main(args: readonly string[], io: Io): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(args);
  } catch (error) {
    io.err(`${(error as Error).message}\n`);
    if (error instanceof UnknownToolError) io.err(`${USAGE}\n`);
    return 2;
  }
  const options = io.env === undefined ? {} : { env: io.env };

  if (command.kind === 'help') {
    io.out(`${USAGE}\npinned tools: ${toolNames().join(', ')}\n`);
    return 0;
  }

  if (command.kind === 'status') {
    let missing = 0;
    for (const status of await toolStatus(command.tools.map((tool) => tool.name), options)) {
      const head = `${status.name} ${status.version}`;
      if (status.source === 'missing') {
        missing++;
        const why = status.rejected.length > 0 ? ` (${status.rejected.join('; ')})` : '';
        io.out(`${head}: missing${why}\n`);
      } else {
        const where = status.source === 'cache' ? 'cached at' : 'found on PATH at';
        io.out(`${head}: ${where} ${status.path} (${status.verifiedBy === 'stamp' ? 'stamped' : 'reports'} ${status.foundVersion})\n`);
      }
    }
    return missing === 0 ? 0 : 1;
  }

  const started = Date.now();
  const failed: string[] = [];
  let built = 0;
  for (const tool of command.tools) {
    if (io.tty) io.out(`${tool.name} ${tool.version}: checking / building (log: ${logFile(tool, io.env)}) …`);
    const result = await installTool(tool, {
      ...options,
      onWait: (pid) => io.out(`${io.tty ? '\r\x1b[K' : ''}${tool.name} ${tool.version}: waiting for process ${pid}, which is building it\n`),
    });
    if (io.tty) io.out('\r\x1b[K');
    io.out(`${describeInstall(result)}\n`);
    if (result.outcome === 'built') built++;
    if (result.outcome === 'failed') {
      failed.push(tool.name);
      if (result.error.logTail !== '') io.out(`${indent(result.error.logTail)}\n`);
    }
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  if (failed.length > 0) {
    io.err(`install-tools: ${failed.length} of ${command.tools.length} failed to build: ${failed.join(', ')} (${seconds} s)\n`);
    return 1;
  }
  if (built > 0) io.out(`install-tools: built ${built} of ${command.tools.length} tools in ${seconds} s\n`);
  if (command.prune) {
    const removed = await pruneGoCaches(io.env);
    io.out(`install-tools: removed the Go caches${removed.length > 0 ? `: ${removed.join(', ')}` : ' (there were none)'}\n`);
  }
  return 0;
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      tty: process.stdout.isTTY === true,
    });
  } catch (error) {
    process.stderr.write(`install-tools: ${(error as Error).message ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
