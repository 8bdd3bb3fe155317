import type { K8sObject } from '@ztp/admission';
import { describe, expect, it } from 'vitest';
import { compare } from './compare.ts';
import type { ReferenceVerdict } from './reference.ts';

const pod = (sysctls: string[] = []): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause' }], ...(sysctls.length > 0 ? { securityContext: { sysctls: sysctls.map((name) => ({ name, value: '1' })) } } : {}) },
});
const deny = (...violations: string[]): ReferenceVerdict => ({ kind: 'deny', message: violations.join(', '), violations });

describe('compare', () => {
  it('agrees only on the same verdict', () => {
    expect(compare(pod(), true, { kind: 'allow' }, 35)).toBe('agree');
    expect(compare(pod(), false, deny('privileged (container "c" must not set securityContext.privileged=true)'), 35)).toBe('agree');
    expect(compare(pod(), false, { kind: 'allow' }, 35)).toBe('disagree');
    expect(compare(pod(), true, deny('host namespaces (hostNetwork=true)'), 35)).toBe('disagree');
  });

  it('accepts the v1.37 sysctls only as the whole of a v1.35 denial', () => {
    const newer = pod(['net.ipv4.tcp_notsent_lowat']);
    expect(compare(newer, true, deny('forbidden sysctls (net.ipv4.tcp_notsent_lowat)'), 35)).toBe('version-difference');
    expect(compare(newer, true, deny('forbidden sysctls (net.ipv4.tcp_notsent_lowat, kernel.msgmax)'), 35)).toBe('disagree');
    expect(compare(newer, true, deny('forbidden sysctls (net.ipv4.tcp_notsent_lowat)', 'host namespaces (hostPID=true)'), 35)).toBe('disagree');
    // v1.35 must refuse them: an admission says the difference is not what we think.
    expect(compare(newer, true, { kind: 'allow' }, 35)).toBe('disagree');
    // A reference at v1.37 has no difference to accept.
    expect(compare(newer, true, deny('forbidden sysctls (net.ipv4.tcp_notsent_lowat)'), 37)).toBe('disagree');
    expect(compare(newer, true, { kind: 'allow' }, 37)).toBe('agree');
    expect(compare(pod(), true, deny('forbidden sysctls (net.ipv4.tcp_notsent_lowat)'), 35)).toBe('disagree');
  });

  it('refuses to compare with an invalid pod', () => {
    expect(() => compare(pod(), true, { kind: 'invalid', message: 'x' }, 35)).toThrow(/no reference verdict/);
  });
});
