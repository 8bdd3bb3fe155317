export { main, HELP } from './main.ts';
export { EXIT, UsageError, describeError } from './exit-codes.ts';
export type { Io } from './io.ts';
export { processIo } from './io.ts';
