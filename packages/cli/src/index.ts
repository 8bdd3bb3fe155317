export { main, helpText, loadCommand, loadCommands, COMMAND_NAMES } from './main.ts';
export type { Command } from './command.ts';
export { EXIT, UsageError, describeError } from './exit-codes.ts';
export type { Io } from './io.ts';
export { processIo } from './io.ts';
