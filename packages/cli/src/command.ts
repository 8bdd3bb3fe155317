import type { Io } from './io.ts';

/** One `ztp` command: its name, one-line summary, full help, and what it does. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** Runs with the arguments after the command name; returns the exit code or throws. */
  readonly run: (args: readonly string[], io: Io) => Promise<number>;
}
