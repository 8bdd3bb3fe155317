import { describe, expect, it } from 'vitest';
import { isCustomResource, syncWave, WAVES, withArgoAnnotations } from './sync-waves.ts';

const o = (apiVersion: string, kind: string, name = 'x') => ({ apiVersion, kind, metadata: { name } });

describe('sync waves', () => {
  it('orders namespaces, identities, secrets, allows, then denies, then admission', () => {
    const order = [
      o('v1', 'Namespace'),
      o('v1', 'ServiceAccount'),
      o('external-secrets.io/v1', 'SecretStore'),
      o('external-secrets.io/v1', 'ExternalSecret'),
      o('networking.k8s.io/v1', 'NetworkPolicy', 'ztp-web-ingress'),
      o('networking.k8s.io/v1', 'NetworkPolicy', 'ztp-default-deny'),
      o('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'),
      o('constraints.gatekeeper.sh/v1beta1', 'K8sRequiredLabels'),
    ].map(syncWave);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(syncWave(o('security.istio.io/v1', 'AuthorizationPolicy', 'ztp-allow-nothing'))).toBe(WAVES.denies);
    expect(syncWave(o('security.istio.io/v1', 'AuthorizationPolicy', 'ztp-web'))).toBe(WAVES.allows);
  });
  it('marks custom resources so Argo CD does not dry-run them before their CRD exists', () => {
    expect(isCustomResource(o('cilium.io/v2', 'CiliumNetworkPolicy'))).toBe(true);
    expect(isCustomResource(o('networking.k8s.io/v1', 'NetworkPolicy'))).toBe(false);
    expect(withArgoAnnotations(o('cilium.io/v2', 'CiliumNetworkPolicy')).metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' });
  });
});
