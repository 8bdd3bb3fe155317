import { defineEnvironment, workload, type EnvironmentProps, type MeshSettings } from '@ztp/model';
import { toIR, type IR } from './ir.ts';

/** Test helpers: small environments and their IR. Not part of the public API. */
export const ROOT = '/repo';
export const DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 };
export const SIDECAR: MeshSettings = { mode: 'istio-sidecar', mtls: 'STRICT', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };
export const AMBIENT: MeshSettings = { ...SIDECAR, mode: 'istio-ambient' };
export const NO_MESH: MeshSettings = { mode: 'none', mtls: 'DISABLE', istiodNamespace: 'istio-system', istiodLabels: { app: 'istiod' } };
/** A cluster's pod ranges (IPv4 and IPv6) and service range, for cni 'kubernetes' environments. */
export const CLUSTER_CIDRS = ['10.96.0.0/12', '10.244.0.0/16', 'fd00:10:244::/56'];
export const CERTS = { issuer: { kind: 'ClusterIssuer' as const, name: 'spiffe-ca' }, duration: '1h', renewBefore: '30m' };

/** A two-workload shop: `web` (HTTP 8080) and `db` (TCP 5432). */
export function shop() {
  const web = workload({ namespace: 'shop', name: 'web', ports: { http: { port: 8080, appProtocol: 'http' } } });
  const db = workload({ namespace: 'shop', name: 'db', ports: { pg: { port: 5432 } } });
  return { web, db };
}

/** An environment with sensible defaults for tests. */
export function env(over: Partial<EnvironmentProps> & Pick<EnvironmentProps, 'workloads'>) {
  return defineEnvironment({ name: 'test', cni: 'cilium', mesh: SIDECAR, dns: DNS, enforcement: 'enforce', phase: 4, namespaces: ['shop'], ...over });
}

/** The IR of an environment built with {@link env}. */
export function irOf(over: Partial<EnvironmentProps> & Pick<EnvironmentProps, 'workloads'>): IR {
  return toIR(env(over), ROOT);
}

/** Emitted objects by `kind namespace/name`. */
export function byName<T extends { object: { kind: string; metadata: { name: string; namespace?: string } } }>(list: readonly T[]): Map<string, T['object']> {
  return new Map(list.map((e) => [`${e.object.kind} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`, e.object]));
}
