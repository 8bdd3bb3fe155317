import { describe, expect, it } from 'vitest';
import type { AgentResult } from './agent/agent.ts';
import { classify, parseAgentOutput } from './outcome.ts';

const r = (x: Partial<AgentResult> & Pick<AgentResult, 'probe' | 'ok'>): AgentResult => ({ ms: 5, ...x });

describe('outcome classification', () => {
  it.each([
    [r({ probe: 'tcp', ok: true }), 'connected'],
    [r({ probe: 'tcp', ok: false, phase: 'connect', code: 'ETIMEDOUT', ms: 2000 }), 'dropped'],
    [r({ probe: 'tcp', ok: false, phase: 'connect', code: 'ECONNREFUSED' }), 'refused'],
    [r({ probe: 'tcp', ok: false, phase: 'response', code: 'ECONNRESET' }), 'reset'],
    [r({ probe: 'tcp', ok: false, phase: 'connect', code: 'EPIPE' }), 'reset'],
    [r({ probe: 'tcp', ok: false, phase: 'connect', code: 'EHOSTUNREACH' }), 'unreachable'],
    [r({ probe: 'http', ok: true, status: 200 }), 'connected'],
    [r({ probe: 'http', ok: true, status: 204 }), 'connected'],
    [r({ probe: 'http', ok: true, status: 403, body: 'Access denied\r\n' }), 'http-403'],
    [r({ probe: 'http', ok: true, status: 503 }), 'http-error'],
    [r({ probe: 'http', ok: false, phase: 'response', code: 'ETIMEDOUT' }), 'http-error'],
    [r({ probe: 'http', ok: false, phase: 'connect', code: 'ETIMEDOUT' }), 'dropped'],
    [r({ probe: 'http', ok: false, phase: 'connect', code: 'ENOTFOUND' }), 'dns-failure'],
    [r({ probe: 'http', ok: false, phase: 'connect', code: 'EAI_AGAIN' }), 'dns-failure'],
    [r({ probe: 'udp', ok: true, body: 'ztp-probe x 53' }), 'connected'],
    [r({ probe: 'udp', ok: false, phase: 'response', code: 'ETIMEDOUT' }), 'dropped'],
    [r({ probe: 'udp', ok: false, phase: 'response', code: 'ECONNREFUSED' }), 'refused'],
    [r({ probe: 'dns', ok: true, addresses: ['10.96.0.1'] }), 'connected'],
    [r({ probe: 'dns', ok: false, phase: 'resolve', code: 'ETIMEOUT' }), 'dns-failure'],
    [r({ probe: 'dns', ok: false, phase: 'resolve', code: 'ECONNREFUSED' }), 'dns-failure'],
    [r({ probe: 'dns', ok: false, phase: 'resolve', code: 'ENOTFOUND' }), 'dns-failure'],
    [r({ probe: 'tcp', ok: false, phase: 'connect', code: 'EWHATEVER' }), 'error'],
  ])('%j is %s', (result, outcome) => {
    expect(classify(result).outcome).toBe(outcome);
  });

  it('says what it saw', () => {
    expect(classify(r({ probe: 'http', ok: true, status: 403, body: 'Access denied\r\n' })).detail).toBe('HTTP 403 "Access denied"');
    expect(classify(r({ probe: 'dns', ok: true, addresses: ['10.96.0.1'] })).detail).toBe('resolved to 10.96.0.1');
    expect(classify(r({ probe: 'tcp', ok: false, phase: 'connect', code: 'ETIMEDOUT', ms: 2001 })).detail).toBe('no answer within 2001ms');
  });

  it('never turns a probe that did not run into a network outcome', () => {
    expect(parseAgentOutput('', 'error: unable to upgrade connection: container not found', undefined)).toEqual({ outcome: 'error', detail: 'probe did not run: error: unable to upgrade connection: container not found' });
    expect(parseAgentOutput('{"probe":"tcp","ok":true,"ms":3}\n', '', 137).outcome).toBe('error');
    expect(parseAgentOutput('{"probe":"tcp","ok":tru', '', 0).outcome).toBe('error');
    expect(parseAgentOutput('{"hello":1}', '', 0)).toMatchObject({ outcome: 'error', detail: expect.stringContaining('unexpected probe output') });
    expect(parseAgentOutput('node: warning\n{"probe":"udp","ok":true,"ms":3}\n', '', 0).outcome).toBe('connected');
  });
});
