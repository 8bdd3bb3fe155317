import { isCI, requireTools } from '@ztp/tools';
import { podNetworkUnavailable } from './pod-network.ts';

/** Whether a missing local-cluster prerequisite must fail rather than skip (`ZTP_PROVE_REQUIRED=1`, set by .ci/run, or CI). */
export function proveRequired(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const v = env['ZTP_PROVE_REQUIRED'];
  return (v !== undefined && v !== '' && v !== '0' && v !== 'false') || isCI(env);
}

/**
 * For tests of the local control plane: undefined when etcd and kube-apiserver are installed;
 * else the reason to print when skipping, or (under `proveRequired`) a thrown error.
 */
export async function controlPlaneUnavailable(): Promise<string | undefined> {
  return requireTools(['etcd', 'kube-apiserver']);
}

/**
 * For real-packet tests: undefined when the control plane, kube-network-policies, root and
 * network namespaces with NFQUEUE are all there; else the reason to print when skipping, or
 * (under `proveRequired`) a thrown error naming what is missing.
 */
export async function dataplaneUnavailable(): Promise<string | undefined> {
  const tools = await requireTools(['etcd', 'kube-apiserver', 'kube-network-policies']);
  if (tools !== undefined) return tools;
  const network = await podNetworkUnavailable();
  if (network === undefined) return undefined;
  if (proveRequired()) throw new Error(`real-packet proofs cannot run here, and ZTP_PROVE_REQUIRED/CI makes that a failure: ${network}`);
  return `not run, because ${network}`;
}
