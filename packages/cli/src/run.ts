/** The `ztp` process: runs `main` on the command line, then stops what a command may have left running. */
import { stopSharedLocalCluster } from '@ztp/local-cluster/shared';
import { main } from './main.ts';
import { processIo } from './io.ts';

// A reader that stops early (`ztp analyze ... | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const code = await main(process.argv.slice(2), processIo());
// The apiserver engine starts a local control plane on first use; it must not outlive the command.
await stopSharedLocalCluster();
process.exitCode = code;
