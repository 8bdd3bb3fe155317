import type { Command } from './command.ts';
import { describeError, EXIT, UsageError } from './exit-codes.ts';
import type { Io } from './io.ts';
import { rootOrUndefined } from './environments.ts';

/**
 * Every command, in the order help lists them, and how to load it. A run loads only its own
 * command's module, so `ztp compile` does not load the cluster clients and engine adapters that
 * other commands need (thousands of modules).
 */
const LOADERS: readonly (readonly [string, () => Promise<Command>])[] = [
  ['compile', async () => (await import('./commands/compile.ts')).compileCommand],
  ['verify', async () => (await import('./commands/verify.ts')).verifyCommand],
  ['validate', async () => (await import('./commands/validate.ts')).validateCommand],
  ['prove', async () => (await import('./commands/prove.ts')).proveCommand],
  ['test', async () => (await import('./commands/test.ts')).testCommand],
  ['admission', async () => (await import('./commands/admission.ts')).admissionCommand],
  ['analyze', async () => (await import('./commands/analyze.ts')).analyzeCommand],
  ['diff', async () => (await import('./commands/diff.ts')).diffCommand],
  ['report', async () => (await import('./commands/report.ts')).reportCommand],
  ['vault', async () => (await import('./commands/vault.ts')).vaultCommand],
  ['compliance', async () => (await import('./commands/compliance.ts')).complianceCommand],
];

/** The command names, in the order help lists them. */
export const COMMAND_NAMES: readonly string[] = LOADERS.map(([name]) => name);

/** Loads one command, or `undefined` for an unknown name. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return LOADERS.find(([n]) => n === name)?.[1]();
}

/** Every command, loaded (for help). */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all(LOADERS.map(([, load]) => load()));
}

export async function helpText(): Promise<string> {
  const commands = await loadCommands();
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `ztp: zero-trust policy as code

Usage: ztp <command> [options]      ztp help <command> for a command's options

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}
  ${'help'.padEnd(width)}show help

Exit codes: 0 ok, 1 policy or validation failure, 2 usage or input error, 3 internal error.
`;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = rest[0];
      if (topic === undefined) {
        io.out(await helpText());
        return EXIT.ok;
      }
      const command = await loadCommand(topic);
      if (command === undefined) throw new UsageError(`no help for unknown command '${topic}'`);
      io.out(command.help);
      return EXIT.ok;
    }
    const command = await loadCommand(name);
    if (command === undefined) throw new UsageError(`unknown command '${name}'`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(command.help);
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (e) {
    const parseError = e instanceof TypeError && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS');
    const { message, code } = describeError(parseError ? new UsageError((e as Error).message) : e, rootOrUndefined(io.cwd));
    io.err(message);
    return code;
  }
}
