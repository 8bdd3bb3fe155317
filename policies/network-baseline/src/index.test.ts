import { describe, expect, it } from 'vitest';
import { kubeDns } from './index.ts';

describe('kubeDns', () => {
  it('defaults to CoreDNS in kube-system on port 53', () => {
    expect(kubeDns()).toEqual({ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 });
  });
  it('takes another DNS deployment', () => {
    expect(kubeDns({ namespace: 'dns', podLabels: { app: 'coredns' }, port: 5353 })).toEqual({ namespace: 'dns', podLabels: { app: 'coredns' }, port: 5353 });
  });
});
