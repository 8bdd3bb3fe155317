import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { renderMetrics } from './metrics.ts';
import { parseAddress, serveMetrics } from './metrics-server.ts';
import type { ComplianceReport } from './report.ts';

const report: ComplianceReport = {
  context: 'c',
  server: 'https://x',
  checkedAt: '2026-01-02T03:04:05.500Z',
  environments: [
    {
      environment: 'prod"uction',
      namespaces: ['p'],
      objects: 3,
      pods: 1,
      engine: 'opa',
      drift: [
        { kind: 'missing', objectKind: 'NetworkPolicy', namespace: 'p', name: 'a', summary: 's', details: [] },
        { kind: 'missing', objectKind: 'NetworkPolicy', namespace: 'p', name: 'b', summary: 's', details: [] },
        { kind: 'pod', objectKind: 'Pod', namespace: 'p', name: 'c', summary: 's', details: [] },
      ],
      policyReports: { api: 'wgpolicyk8s.io/v1alpha2 PolicyReport', reports: 1, pass: 4, fail: 1, warn: 0, error: 0, skip: 0 },
      notes: [{ level: 'incomplete', text: 'x' }],
    },
  ],
};

/** One sample line of the text exposition format: name, optional labels, value. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? -?[0-9.e+]+$/;

function get(url: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the metrics', () => {
  it('count drift per environment and kind (every kind, zeros included), the last check time, incomplete checks and PolicyReport results', () => {
    const text = renderMetrics({ report, checks: 5, errors: 2 });
    const lines = text.trimEnd().split('\n');
    for (const line of lines.filter((l) => !l.startsWith('#'))) expect(line).toMatch(SAMPLE);
    expect(lines).toContain('ztp_compliance_drift{environment="prod\\"uction",kind="missing"} 2');
    expect(lines).toContain('ztp_compliance_drift{environment="prod\\"uction",kind="changed"} 0');
    expect(lines).toContain('ztp_compliance_drift{environment="prod\\"uction",kind="pod"} 1');
    expect(lines.filter((l) => l.startsWith('ztp_compliance_drift{'))).toHaveLength(6);
    expect(lines).toContain('ztp_compliance_last_check_timestamp_seconds 1767323045.500');
    expect(lines).toContain('ztp_compliance_check_incomplete{environment="prod\\"uction"} 1');
    expect(lines).toContain('ztp_compliance_policy_report_results{environment="prod\\"uction",result="fail"} 1');
    expect(lines).toContain('ztp_compliance_checks_total 5');
    expect(lines).toContain('ztp_compliance_check_errors_total 2');
    expect(lines).toContain('# TYPE ztp_compliance_drift gauge');
    expect(lines).toContain('# TYPE ztp_compliance_checks_total counter');
  });

  it('before the first check have no drift samples and no last check time', () => {
    const text = renderMetrics({ checks: 0, errors: 0 });
    expect(text).not.toMatch(/^ztp_compliance_drift\{/m);
    expect(text).not.toMatch(/^ztp_compliance_last_check_timestamp_seconds /m);
  });

  it('are served over HTTP at /metrics on loopback, and nothing else is', async () => {
    let checks = 1;
    const server = await serveMetrics('127.0.0.1:0', () => ({ report, checks, errors: 0 }));
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const first = await get(server.url);
      expect(first.status).toBe(200);
      expect(first.type).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(first.body).toBe(renderMetrics({ report, checks: 1, errors: 0 }));
      checks = 2;
      expect((await get(server.url)).body).toContain('ztp_compliance_checks_total 2');
      expect((await get(server.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await get(server.url, 'POST')).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('take an address as host:port', () => {
    expect(parseAddress('127.0.0.1:9477')).toEqual({ host: '127.0.0.1', port: 9477 });
    expect(parseAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseAddress('9477')).toThrow(/not host:port/);
    expect(() => parseAddress('localhost:70000')).toThrow(/not host:port/);
  });
});
