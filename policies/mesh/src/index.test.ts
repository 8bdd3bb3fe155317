import { describe, expect, it } from 'vitest';
import { istioMesh, noMesh } from './index.ts';

describe('mesh settings', () => {
  it('defaults Istio to STRICT mTLS with istiod in istio-system', () => {
    expect(istioMesh({ mode: 'istio-sidecar' })).toEqual({ mode: 'istio-sidecar', mtls: 'STRICT', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } });
  });
  it('keeps an explicit PERMISSIVE mode', () => {
    expect(istioMesh({ mode: 'istio-ambient', mtls: 'PERMISSIVE' }).mtls).toBe('PERMISSIVE');
  });
  it('noMesh has mode none', () => {
    expect(noMesh().mode).toBe('none');
  });
});
