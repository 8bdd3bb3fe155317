import type { Progress } from '../probe-runner.ts';

/** One progress line: a bar, counts, what is in flight, elapsed time. */
export function progressLine(label: string, p: Progress, width = 100): string {
  const barWidth = 20;
  const filled = p.total === 0 ? barWidth : Math.round((p.done / p.total) * barWidth);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}`;
  const head = `${label} [${bar}] ${p.done}/${p.total} ✓${p.passed} ✗${p.failed} ${p.running.length} in flight ${(p.elapsedMs / 1000).toFixed(1)}s`;
  const tail = p.running[0] ? `  ${p.running[0]}` : '';
  const line = head + tail;
  return [...line].length > width ? `${[...line].slice(0, width - 1).join('')}…` : line;
}

/** Where progress goes: a terminal gets one line rewritten in place, anything else a line now and then. */
export interface ProgressSink {
  readonly isTTY: boolean;
  readonly columns?: number;
  write(text: string): void;
}

/**
 * A progress display over `sink`: on a TTY the line is redrawn (at most 10 times a second), else
 * a line is printed every `everyMs` (default 10 s) so CI logs show the run is alive. `done()`
 * clears the line.
 */
export function progressDisplay(label: string, sink: ProgressSink, everyMs = 10_000): { update(p: Progress): void; done(): void } {
  let last = 0;
  let drawn = false;
  let finishedShown = false;
  return {
    update(p: Progress) {
      const now = Date.now();
      const finished = p.done === p.total;
      if (sink.isTTY) {
        if (now - last < 100 && !finished) return;
        sink.write(`\r\x1b[2K${progressLine(label, p, (sink.columns ?? 100) - 1)}`);
        drawn = true;
      } else {
        if (finished ? finishedShown : now - last < everyMs) return;
        finishedShown ||= finished;
        sink.write(`${progressLine(label, p, 200)}\n`);
      }
      last = now;
    },
    done() {
      if (sink.isTTY && drawn) sink.write('\r\x1b[2K');
    },
  };
}
