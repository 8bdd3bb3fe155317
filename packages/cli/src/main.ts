import { parseArgs } from 'node:util';
import { COMPILE_HELP, runCompile } from './commands/compile.ts';
import { describeError, EXIT, UsageError } from './exit-codes.ts';
import type { Io } from './io.ts';

export const HELP = `ztp: zero-trust policy as code

Usage: ztp <command> [options]

Commands:
  compile [env...]   compile environments into dist/bundles/<env>/ (--check, --out, --json)
  help [command]     show help

Exit codes: 0 ok, 1 policy or validation failure, 2 usage or input error, 3 internal error.
`;

const HELPS: Record<string, string> = { compile: COMPILE_HELP };

/** Runs the CLI with `argv` (without node and script); returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let root: string | undefined;
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      const topic = rest[0];
      if (topic !== undefined && HELPS[topic] === undefined) throw new UsageError(`no help for unknown command '${topic}'`);
      io.out(topic ? (HELPS[topic] as string) : HELP);
      return EXIT.ok;
    }
    if (command === 'compile') {
      const { values, positionals } = parseArgs({
        args: [...rest],
        allowPositionals: true,
        strict: true,
        options: { check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, out: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      });
      if (values.help) {
        io.out(COMPILE_HELP);
        return EXIT.ok;
      }
      root = values.root;
      return await runCompile({ environments: positionals, check: values.check, json: values.json, out: values.out, root: values.root }, io);
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (e) {
    const parseError = e instanceof TypeError && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS');
    const { message, code } = describeError(parseError ? new UsageError((e as Error).message) : e, root ?? io.cwd);
    io.err(message);
    return code;
  }
}
