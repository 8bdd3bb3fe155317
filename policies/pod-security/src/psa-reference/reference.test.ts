import { describe, expect, it } from 'vitest';
import { readAnswer, splitViolations } from './reference.ts';

describe('the reference answers', () => {
  it('splits PodSecurity violations on the commas outside parentheses', () => {
    expect(splitViolations('forbidden sysctls (a, b), host namespaces (hostNetwork=true, hostPID=true), privileged (container "c" must not set x)')).toEqual([
      'forbidden sysctls (a, b)',
      'host namespaces (hostNetwork=true, hostPID=true)',
      'privileged (container "c" must not set x)',
    ]);
  });

  it('reads 201 as allow, a PodSecurity 403 as deny, a 422 Invalid as no verdict, and throws on anything else', () => {
    expect(readAnswer('baseline', { status: 201, body: {} })).toEqual({ kind: 'allow' });
    const forbidden = { status: 403, body: { reason: 'Forbidden', message: 'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)' } };
    expect(readAnswer('baseline', forbidden)).toMatchObject({ kind: 'deny', violations: ['host namespaces (hostNetwork=true)'] });
    // The other level's denial, or any other 403, is no verdict of this one.
    expect(() => readAnswer('restricted', forbidden)).toThrow(/no verdict/);
    expect(() => readAnswer('baseline', { status: 403, body: { reason: 'Forbidden', message: 'pods "p" is forbidden: error looking up service account' } })).toThrow(/no verdict/);
    expect(readAnswer('baseline', { status: 422, body: { reason: 'Invalid', message: 'Pod "p" is invalid: spec.x' } })).toMatchObject({ kind: 'invalid' });
    expect(() => readAnswer('baseline', { status: 500, body: { message: 'etcd' } })).toThrow(/no verdict/);
  });
});
