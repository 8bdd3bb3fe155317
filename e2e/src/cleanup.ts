/**
 * Cleanup steps run last-in first-out, each once, whatever happened before: a failed step is
 * reported and the others still run.
 */
export class Cleanup {
  readonly #steps: { name: string; run: () => Promise<void> }[] = [];
  #ran = false;

  add(name: string, run: () => Promise<void>): void {
    this.#steps.push({ name, run });
  }

  /** Runs every step (newest first); returns the failures as messages. */
  async run(log: (line: string) => void): Promise<string[]> {
    if (this.#ran) return [];
    this.#ran = true;
    const errors: string[] = [];
    for (const step of [...this.#steps].reverse()) {
      log(`cleanup: ${step.name}`);
      try {
        await step.run();
      } catch (e) {
        errors.push(`${step.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return errors;
  }
}

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into an abort of `controller`, so the run stops starting
 * work and its `finally` cleans up (the cluster is deleted). A second signal says cleanup is
 * under way; a third exits at once (130), leaving what is left. Returns the uninstaller.
 */
export function abortOnSignals(controller: AbortController, log: (line: string) => void): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      log(`\n${signal}: stopping; cleaning up (the cluster is deleted unless --keep). Press Ctrl-C twice more to leave it as it is.`);
      controller.abort(new Error(`interrupted by ${signal}`));
    } else if (count === 2) log(`${signal}: cleanup is under way; once more to exit without finishing it`);
    else process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
