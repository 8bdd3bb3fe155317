export { startLocalCluster } from './cluster.ts';
export type { LocalCluster, LocalClusterOptions } from './cluster.ts';
export { KubeRest, KubeApiError } from './rest.ts';
export type { KubeObject, KubeResponse, ResourceInfo } from './rest.ts';
export { ensureNamespace, ensureNode, ensureServiceAccount, eventually, grantAuthDelegator, serviceAccountToken, setPodRunning } from './bootstrap.ts';
export { freePort } from './ports.ts';
export { startProcess } from './processes.ts';
export type { Started } from './processes.ts';
