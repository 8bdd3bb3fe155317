import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsResponse } from './agent.ts';

const AGENT = fileURLToPath(new URL('./agent.ts', import.meta.url));

function query(name: string, qtype = 1): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, qtype, 0, 1])]);
}

describe('the probe agent', () => {
  it('answers a DNS A query with the configured address, and refuses without one', () => {
    const reply = dnsResponse(query('frontend.dev.svc.cluster.local'), '10.1.2.3')!;
    expect(reply.readUInt16BE(0)).toBe(0x1234);
    expect(reply.readUInt16BE(2) & 0x8000).toBe(0x8000); // a response
    expect(reply.readUInt16BE(2) & 0x000f).toBe(0); // NOERROR
    expect(reply.readUInt16BE(6)).toBe(1); // one answer
    expect([...reply.subarray(-4)]).toEqual([10, 1, 2, 3]);
    expect(dnsResponse(query('x.example'), undefined)!.readUInt16BE(2) & 0x000f).toBe(5); // REFUSED
    expect(dnsResponse(query('x.example', 28), '10.1.2.3')!.readUInt16BE(6)).toBe(0); // AAAA: no answer
    expect(dnsResponse(Buffer.from([1, 2, 3]), '10.1.2.3')).toBeUndefined();
  });

  describe('as processes on loopback (no root needed)', () => {
    let server: ReturnType<typeof execa> | undefined;
    const port = 20_000 + (process.pid % 20_000);
    const probe = async (...args: string[]) => JSON.parse(String((await execa(process.execPath, [AGENT, 'probe', ...args, '--host', '127.0.0.1', '--timeout-ms', '1500'])).stdout)) as Record<string, unknown>;

    beforeAll(async () => {
      server = execa(process.execPath, [AGENT, 'serve', '--name', 'x', '--tcp', `${port},${port + 1}`, '--udp', String(port + 2), '--dns', String(port + 3), '--dns-answer', '10.9.8.7', '--l7', `${port + 1}=GET:/api/*`, '--bind', '127.0.0.1'], { buffer: false, reject: false });
      await new Promise<void>((resolve, reject) => {
        server!.stdout!.on('data', (d: Buffer) => (d.toString().includes('"ready":true') ? resolve() : undefined));
        setTimeout(() => reject(new Error('agent not ready')), 10_000);
      });
    });
    afterAll(async () => {
      server?.kill('SIGTERM');
      await server;
    });

    it('serves TCP and HTTP on any path, echoes UDP, answers DNS, and emulates an L7 rule', async () => {
      expect(await probe('tcp', '--port', String(port))).toMatchObject({ probe: 'tcp', ok: true });
      expect(await probe('http', '--port', String(port), '--method', 'PATCH', '--path', '/anything/at/all')).toMatchObject({ ok: true, status: 200 });
      expect(await probe('http', '--port', String(port + 1), '--path', '/api/v1')).toMatchObject({ ok: true, status: 200 });
      expect(await probe('http', '--port', String(port + 1), '--path', '/admin')).toMatchObject({ ok: true, status: 403, body: 'Access denied\r\n' });
      expect(await probe('http', '--port', String(port + 1), '--method', 'POST', '--path', '/api/v1')).toMatchObject({ status: 403 });
      expect(await probe('udp', '--port', String(port + 2))).toMatchObject({ ok: true, body: expect.stringContaining('ztp-probe x') });
      const dns = JSON.parse(String((await execa(process.execPath, [AGENT, 'probe', 'dns', '--name', 'a.b', '--server', '127.0.0.1', '--port', String(port + 3)])).stdout));
      expect(dns).toMatchObject({ ok: true, addresses: ['10.9.8.7'] });
    });

    it('reports refusals and missing names as facts, and exits 0 having printed them', async () => {
      expect(await probe('tcp', '--port', String(port + 5))).toMatchObject({ ok: false, phase: 'connect', code: 'ECONNREFUSED' });
      expect(await probe('udp', '--port', String(port + 5))).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
      const r = await execa(process.execPath, [AGENT, 'probe', 'http', '--host', 'no-such-host.invalid', '--port', '80', '--timeout-ms', '3000']);
      expect(JSON.parse(String(r.stdout))).toMatchObject({ ok: false, phase: 'connect', code: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
    });

    it('passes its readiness check only when its ports accept, and refuses bad usage with exit 2', async () => {
      expect((await execa(process.execPath, [AGENT, 'check', '--tcp', String(port)], { reject: false })).exitCode).toBe(0);
      expect((await execa(process.execPath, [AGENT, 'check', '--tcp', String(port + 5)], { reject: false })).exitCode).toBe(1);
      const bad = await execa(process.execPath, [AGENT, 'probe', 'smtp', '--host', 'x'], { reject: false });
      expect([bad.exitCode, String(bad.stderr)]).toEqual([2, 'probe kind must be tcp, http, udp or dns, not smtp']);
    });
  });
});
