import { describe, expect, it } from 'vitest';
import { parseRevision } from './cilium-barrier.ts';
import { exitCodeOf } from './kube-exec.ts';
import { Cleanup } from '../cleanup.ts';
import { notRunExitCode, notRunReason, renderPreflight } from '../preflight.ts';

describe('small adapter parts', () => {
  it('reads the exit code of a Kubernetes exec from its final status', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '2' }] } })).toBe(2);
    expect(exitCodeOf({ status: 'Failure', message: 'container not found' })).toBeUndefined();
  });

  it("reads Cilium's policy revision from JSON or text", () => {
    expect(parseRevision('{"policy":"[]","revision":42}')).toBe(42);
    expect(parseRevision('[\n]\nRevision: 7\n')).toBe(7);
    expect(parseRevision('Error: cannot get policy')).toBeUndefined();
  });

  it('runs cleanup steps newest first, each once, on after a failing one', async () => {
    const c = new Cleanup();
    const ran: string[] = [];
    c.add('delete cluster', async () => void ran.push('cluster'));
    c.add('fails', async () => {
      throw new Error('boom');
    });
    c.add('remove files', async () => void ran.push('files'));
    const log: string[] = [];
    expect(await c.run((l) => log.push(l))).toEqual(['fails: boom']);
    expect(ran).toEqual(['files', 'cluster']);
    expect(await c.run(() => {})).toEqual([]);
    expect(ran.length).toBe(2);
    expect(log).toEqual(['cleanup: remove files', 'cleanup: fails', 'cleanup: delete cluster']);
  });

  it('says exactly what is missing, and makes that a failure only with E2E_REQUIRED=1', () => {
    const reqs = [
      { name: 'Docker', ok: false, detail: 'the daemon is not reachable', fix: 'start it' },
      { name: 'kind v0.33.0', ok: true, detail: '/x/kind (cache)' },
      { name: 'helm v3.22.0', ok: false, detail: 'not installed', fix: 'node e2e/src/cli.ts install-tools' },
    ];
    expect(notRunReason(reqs)).toBe('Docker and helm v3.22.0 are missing');
    expect(notRunReason(reqs.slice(1, 2))).toBeUndefined();
    expect(renderPreflight(reqs)).toBe(
      ['  MISSING Docker: the daemon is not reachable', '          fix: start it', '  ok      kind v0.33.0: /x/kind (cache)', '  MISSING helm v3.22.0: not installed', '          fix: node e2e/src/cli.ts install-tools'].join('\n'),
    );
    expect(notRunExitCode({})).toBe(0);
    expect(notRunExitCode({ E2E_REQUIRED: '1' })).toBe(3);
  });
});
