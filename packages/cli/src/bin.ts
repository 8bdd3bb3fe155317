#!/usr/bin/env node
import { main } from './main.ts';
import { processIo } from './io.ts';

// A reader that stops early (`ztp analyze ... | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2), processIo());
