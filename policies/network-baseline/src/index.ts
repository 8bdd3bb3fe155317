import type { DnsSettings } from '@ztp/model';

/** Options for {@link kubeDns}. */
export interface KubeDnsOptions {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default { 'k8s-app': 'kube-dns' } (CoreDNS as kubeadm, kind and most distributions deploy it) */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** @default 53 */
  readonly port?: number;
}

/**
 * The cluster DNS. Default deny of egress would otherwise block name resolution for every pod,
 * so each managed namespace gets an egress allow to exactly these pods on UDP and TCP 53.
 */
export function kubeDns(options: KubeDnsOptions = {}): DnsSettings {
  return {
    namespace: options.namespace ?? 'kube-system',
    podLabels: { ...(options.podLabels ?? { 'k8s-app': 'kube-dns' }) },
    port: options.port ?? 53,
  };
}
