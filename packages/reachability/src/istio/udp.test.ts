import { describe, expect, it } from 'vitest';
import { buildResources } from '../resources.ts';
import { judge } from '../judge.ts';

describe('Istio and non-TCP traffic', () => {
  it('neither mTLS nor authorization applies to UDP: sidecars capture TCP only', () => {
    const r = buildResources([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'istio-injection': 'enabled' } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'srv', namespace: 'a', labels: { app: 'srv' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 5353, protocol: 'UDP' }, { containerPort: 80 }] }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cli', namespace: 'a', labels: { app: 'cli' } }, spec: { containers: [{ name: 'c' }] } },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'a' }, spec: {} },
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'a' }, spec: { mtls: { mode: 'STRICT' } } },
    ], {});
    expect(judge(r, { src: '203.0.113.9', dst: 'a/srv[Pod]', protocol: 'UDP', port: 5353 }).outcome).toBe('allowed');
    expect(judge(r, { src: 'a/cli[Pod]', dst: 'a/srv[Pod]', protocol: 'UDP', port: 5353 }).outcome).toBe('allowed');
    expect(judge(r, { src: 'a/cli[Pod]', dst: 'a/srv[Pod]', protocol: 'TCP', port: 80 }).outcome).toBe('connection-reset');
  });
});
