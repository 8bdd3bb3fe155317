import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCI } from '@ztp/tools';
import type { ProbeCell } from '../probe-plan.ts';
import { runProbeMatrix, type RunnerOptions } from '../probe-runner.ts';
import { NetnsLab, netnsUnavailable, sweepStaleLabs } from './netns.ts';

const AGENT = [process.execPath, fileURLToPath(new URL('../agent/agent.ts', import.meta.url))];
const reason = await netnsUnavailable();
if (reason !== undefined && isCI()) throw new Error(`the network-namespace tests must run under CI, but cannot: ${reason}`);
if (reason !== undefined) console.log(`e2e probe runner against network namespaces: not run, because ${reason}`);

function cell(source: string, target: string, probe: ProbeCell['probe'], port: number, expected: ProbeCell['expected'], extra: Partial<ProbeCell> = {}): ProbeCell {
  const protocol = probe === 'udp' || probe === 'dns' ? 'UDP' : 'TCP';
  const req = extra.request ? ` ${extra.request.method} ${extra.request.path}` : '';
  return { id: `${source} => ${target}:${port}/${protocol}${req}${extra.name ? ` lookup ${extra.name}` : ''}`, source, target, port, portName: String(port), protocol, probe, expected, declaredBy: [], ...extra };
}

describe.skipIf(reason !== undefined)('probe runner against real probe agents in network namespaces', () => {
  let lab: NetnsLab;
  let options: RunnerOptions;

  beforeAll(async () => {
    await sweepStaleLabs();
    lab = await NetnsLab.create(['t/client', 't/server', 't/other', 't/dns']);
    await lab.spawn('t/server', [...AGENT, 'serve', '--name', 'server', '--tcp', '8080,9090', '--udp', '5353', '--l7', '9090=GET:/metrics']);
    await lab.spawn('t/dns', [...AGENT, 'serve', '--name', 'dns', '--dns', '53', '--dns-answer', lab.member('t/server').address]);
    // "Policies": t/other may not reach the server's 8080 nor its UDP 5353, nor the DNS server.
    await lab.drop('t/other', 't/server', 'tcp', 8080);
    await lab.drop('t/other', 't/server', 'udp', 5353);
    await lab.drop('t/other', 't/dns', 'udp', 53);
    options = {
      exec: lab.exec(),
      addressOf: (t) => lab.members.get(t)?.address,
      agent: AGENT,
      concurrency: 4,
      attemptTimeoutMs: 800,
      cellTimeoutMs: 3000,
      retryDelayMs: 200,
    };
    console.log(`netns lab ${lab.prefix}: ${lab.namespaces.length} namespaces, drops by ${lab.dropMechanism}`);
  }, 60_000);

  afterAll(async () => {
    const namespaces = lab?.namespaces ?? [];
    await lab?.destroy();
    const left = String((await execa('ip', ['netns', 'list'])).stdout);
    for (const ns of namespaces) expect(left).not.toContain(ns);
  });

  it('sees connections, drops, L7 403s, UDP echoes and DNS answers exactly where they are expected', async () => {
    const cells = [
      cell('t/client', 't/server', 'tcp', 8080, 'connected'),
      cell('t/other', 't/server', 'tcp', 8080, 'dropped'),
      cell('t/client', 't/server', 'http', 9090, 'connected', { request: { method: 'GET', path: '/metrics' } }),
      cell('t/client', 't/server', 'http', 9090, 'http-403', { request: { method: 'DELETE', path: '/metrics' } }),
      cell('t/client', 't/server', 'http', 9090, 'http-403', { request: { method: 'GET', path: '/ztp-verify-forbidden' } }),
      cell('t/client', 't/server', 'udp', 5353, 'connected'),
      cell('t/other', 't/server', 'udp', 5353, 'dropped'),
      cell('t/client', 't/dns', 'dns', 53, 'connected', { name: 'frontend.t.svc.cluster.local' }),
    ];
    const progress: number[] = [];
    const run = await runProbeMatrix(cells, { ...options, onProgress: (p) => progress.push(p.done) });
    const table = run.results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.cell.id}: ${r.observed.outcome} (${r.observed.detail})`).join('\n');
    expect(run.results.filter((r) => !r.ok), table).toEqual([]);
    expect(run.results.map((r) => r.observed.outcome)).toEqual(cells.map((c) => c.expected));
    expect(run.results.find((r) => r.cell.probe === 'dns')?.observed.detail).toContain(lab.member('t/server').address);
    expect(run.results.find((r) => r.cell.expected === 'http-403')?.observed.detail).toContain('Access denied');
    // A dropped cell waited for its attempt's timeout; an open port answered at once.
    expect(run.results[1]!.observed.ms).toBeGreaterThanOrEqual(700);
    expect(run.results[0]!.observed.ms).toBeLessThan(700);
    expect(progress.at(-1)).toBe(cells.length);
    expect(run.notRun).toEqual([]);
  });

  it('fails a cell that never matches, after repeating it until the cell timeout (at once when it gets through), and says what it saw', async () => {
    const cells = [
      // nothing listens on 8081: the packet got through, which is not a policy drop
      cell('t/client', 't/server', 'tcp', 8081, 'dropped'),
      cell('t/client', 't/server', 'udp', 5354, 'dropped'),
      // a policy drops it, but the intent says it is allowed
      cell('t/other', 't/server', 'tcp', 8080, 'connected'),
      // the DNS server is unreachable for t/other
      cell('t/other', 't/dns', 'dns', 53, 'connected', { name: 'frontend.t.svc.cluster.local' }),
      // an allowed request that the L7 rules refuse
      cell('t/client', 't/server', 'http', 9090, 'connected', { request: { method: 'POST', path: '/metrics' } }),
    ];
    const t0 = Date.now();
    const run = await runProbeMatrix(cells, { ...options, concurrency: 5, cellTimeoutMs: 2500 });
    expect(run.results.map((r) => [r.ok, r.observed.outcome])).toEqual([
      [false, 'refused'],
      [false, 'refused'],
      [false, 'dropped'],
      [false, 'dns-failure'],
      [false, 'http-403'],
    ]);
    // An expected drop that got through failed at its first attempt; each other cell was tried
    // again until its timeout (the loop stops only when another try would end past it).
    for (const r of run.results.slice(0, 2)) expect(r.attempts, r.cell.id).toBe(1);
    for (const r of run.results.slice(2)) expect(r.ms, r.cell.id).toBeGreaterThanOrEqual(2500 - 200);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('fails an expected drop at the first connection, though the drop arrives later: the barrier waits for policies, a retry would hide a wrong allow', async () => {
    const late = cell('t/client', 't/server', 'tcp', 9090, 'dropped');
    const run = runProbeMatrix([late], { ...options, cellTimeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 1200));
    await lab.drop('t/client', 't/server', 'tcp', 9090);
    const result = (await run).results[0]!;
    expect(result.ok).toBe(false);
    expect(result.seen).toEqual(['connected']);
    expect(result.attempts).toBe(1);
    // now in place, it is seen as the drop it is
    expect((await runProbeMatrix([late], options)).results[0]).toMatchObject({ ok: true, seen: ['dropped'] });
  });

  it('stops starting cells when interrupted and reports the rest as not run', async () => {
    const controller = new AbortController();
    const cells = Array.from({ length: 12 }, (_, i) => cell('t/other', 't/server', 'tcp', 8080, i % 2 ? 'dropped' : 'connected', { id: `slow ${i}` }));
    setTimeout(() => controller.abort(), 500);
    const run = await runProbeMatrix(cells, { ...options, concurrency: 2, signal: controller.signal });
    expect(run.interrupted).toBe(true);
    expect(run.notRun.length).toBeGreaterThan(0);
    expect(run.results.length + run.notRun.length).toBe(cells.length);
  });

  it('drops with ip rules alone as well (no iptables needed): a second lab, its own namespaces', async () => {
    const lab2 = await NetnsLab.create(['u/a', 'u/b'], { subnet: '10.250.1', drop: 'ip-rule' });
    try {
      await lab2.spawn('u/b', [...AGENT, 'serve', '--tcp', '7000,7001']);
      await lab2.drop('u/a', 'u/b', 'tcp', 7000);
      const run = await runProbeMatrix([cell('u/a', 'u/b', 'tcp', 7000, 'dropped'), cell('u/a', 'u/b', 'tcp', 7001, 'connected')], { ...options, exec: lab2.exec(), addressOf: (t) => lab2.members.get(t)?.address });
      expect(run.results.map((r) => [r.observed.outcome, r.ok])).toEqual([['dropped', true], ['connected', true]]);
    } finally {
      await lab2.destroy();
    }
    expect(String((await execa('ip', ['netns', 'list'])).stdout)).not.toContain(lab2.prefix);
  });
});
