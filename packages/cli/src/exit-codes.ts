import { InputError, formatProblem } from '@ztp/model';
import { BundleError } from '@ztp/compiler';
import { VaultError } from './vault/client.ts';
import { ToolMissingError } from '@ztp/tools/errors';
import { BundleReadError, ClusterError } from '@ztp/compliance/errors';

/** Every exit code of the `ztp` command, in one place. */
export const EXIT = {
  /** Everything compiled, checked or proved as asked. */
  ok: 0,
  /** A policy or validation failure: output would change under --check, a proof failed. */
  failure: 1,
  /** Usage or input error: bad arguments, or an environment that cannot compile as written. */
  input: 2,
  /** A bug in ztp itself (an emitted object failed its schema, an unexpected exception). */
  internal: 3,
} as const;

/** A usage error: wrong command, option or argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The output could not be written (a folder that is not writable, a full disk): says what was written already. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** Turns any error into its message for the terminal (never a stack trace) and its exit code. */
export function describeError(e: unknown, root?: string): { message: string; code: number } {
  if (e instanceof InputError) {
    const n = e.problems.length;
    return { message: `${e.problems.map((p) => `error: ${formatProblem(p, root)}`).join('\n')}\n${n} problem${n === 1 ? '' : 's'}; nothing was written.`, code: EXIT.input };
  }
  if (e instanceof UsageError) return { message: `error: ${e.message}\nRun 'ztp help' for usage.`, code: EXIT.input };
  if (e instanceof OutputError) return { message: `error: ${e.message}`, code: EXIT.input };
  // A pinned engine or component is not installed: the message says which and how to install it.
  if (e instanceof ToolMissingError) return { message: `error: ${e.message}`, code: EXIT.input };
  if (e instanceof VaultError) return { message: `error: ${e.message}`, code: EXIT.input };
  // ztp compliance: the cluster cannot be read (kubeconfig, context, connection, credentials), or a bundle is unreadable.
  if (e instanceof ClusterError || e instanceof BundleReadError) return { message: `error: ${e.message}`, code: EXIT.input };
  if (e instanceof BundleError) return { message: `internal error: ${e.message}`, code: EXIT.internal };
  const text = e instanceof Error ? e.message : String(e);
  return { message: `internal error: ${text}\nThis is a bug in ztp; nothing was written.`, code: EXIT.internal };
}
