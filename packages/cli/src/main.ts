import type { Command } from './command.ts';
import { analyzeCommand } from './commands/analyze.ts';
import { compileCommand } from './commands/compile.ts';
import { diffCommand } from './commands/diff.ts';
import { reportCommand } from './commands/report.ts';
import { testCommand } from './commands/test.ts';
import { admissionCommand } from './commands/admission.ts';
import { verifyCommand } from './commands/verify.ts';
import { validateCommand } from './commands/validate.ts';
import { proveCommand } from './commands/prove.ts';
import { vaultCommand } from './commands/vault.ts';
import { complianceCommand } from './commands/compliance.ts';
import { describeError, EXIT, UsageError } from './exit-codes.ts';
import type { Io } from './io.ts';
import { rootOrUndefined } from './environments.ts';

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [compileCommand, verifyCommand, validateCommand, proveCommand, testCommand, admissionCommand, analyzeCommand, diffCommand, reportCommand, vaultCommand, complianceCommand];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `ztp: zero-trust policy as code

Usage: ztp <command> [options]      ztp help <command> for a command's options

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}
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
        io.out(helpText());
        return EXIT.ok;
      }
      const command = COMMANDS.find((c) => c.name === topic);
      if (command === undefined) throw new UsageError(`no help for unknown command '${topic}'`);
      io.out(command.help);
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
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
