import { describe, expect, it } from 'vitest';
import type { ProbeCell } from './probe-plan.ts';
import { beyondExpected, runProbeMatrix, type SourceExec } from './probe-runner.ts';
import { statusOf } from './report/model.ts';

const cell = (expected: ProbeCell['expected'], probe: ProbeCell['probe'] = 'tcp'): ProbeCell =>
  ({ id: `shop/web => data/db:5432/TCP ${expected}`, source: 'shop/web', target: 'data/db', port: 5432, portName: 'pg', protocol: 'TCP', probe, expected, declaredBy: [] }) as unknown as ProbeCell;

/** An exec whose attempts answer in turn (the last one repeats). */
function answering(...results: object[]): SourceExec & { calls: number } {
  const exec = {
    name: 'fake',
    calls: 0,
    async run() {
      const r = results[Math.min(exec.calls++, results.length - 1)];
      return { stdout: `${JSON.stringify(r)}\n`, stderr: '', exitCode: 0 };
    },
  };
  return exec;
}

const connected = { probe: 'tcp', ok: true, ms: 3 };
const timedOut = { probe: 'tcp', ok: false, code: 'ETIMEDOUT', phase: 'connect', ms: 1000 };
const refused = { probe: 'tcp', ok: false, code: 'ECONNREFUSED', phase: 'connect', ms: 2 };
const options = { addressOf: () => '10.244.1.10', agent: ['agent'], retryDelayMs: 1, cellTimeoutMs: 5000 };

describe('runProbeMatrix', () => {
  it('fails an expected drop at the first attempt that gets through, though a later one would time out', async () => {
    for (const first of [connected, refused]) {
      const exec = answering(first, timedOut);
      const run = await runProbeMatrix([cell('dropped')], { ...options, exec });
      expect(run.results[0]).toMatchObject({ ok: false, attempts: 1 });
      expect(exec.calls).toBe(1);
      expect(statusOf(run)).toBe('failed');
    }
  });

  it('fails an expected 403 at the first success; retries an expected connection until it connects', async () => {
    const http200 = { probe: 'http', ok: true, status: 200, ms: 3 };
    const http403 = { probe: 'http', ok: true, status: 403, ms: 3 };
    const l7 = await runProbeMatrix([cell('http-403', 'http')], { ...options, exec: answering(http200, http403) });
    expect(l7.results[0]).toMatchObject({ ok: false, attempts: 1 });
    const settling = await runProbeMatrix([cell('connected')], { ...options, exec: answering(timedOut, refused, connected) });
    expect(settling.results[0]).toMatchObject({ ok: true, attempts: 3, seen: ['dropped', 'refused', 'connected'] });
    // a drop that is seen at once passes
    expect((await runProbeMatrix([cell('dropped')], { ...options, exec: answering(timedOut) })).results[0]).toMatchObject({ ok: true, attempts: 1 });
  });

  it('reads what shows a packet reached the destination', () => {
    expect(['connected', 'refused', 'reset', 'http-403', 'http-error'].every((o) => beyondExpected('dropped', o as never))).toBe(true);
    expect(['dropped', 'unreachable', 'dns-failure', 'error'].some((o) => beyondExpected('dropped', o as never))).toBe(false);
    expect(beyondExpected('connected', 'dropped')).toBe(false);
    expect(beyondExpected('http-403', 'http-error')).toBe(true);
    expect(beyondExpected('http-403', 'dropped')).toBe(false);
  });
});
