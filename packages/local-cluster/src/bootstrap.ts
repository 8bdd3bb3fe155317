import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, type KubeObject, type KubeRest } from './rest.ts';

/*
 * What a control plane without controller-manager, scheduler and kubelet lacks, done by hand:
 * the `default` ServiceAccount of each namespace (the ServiceAccount admission plugin refuses
 * pods without it), a Node, and pod status (phase, pod IP) written through the status
 * subresource. Namespaces are never deleted here: without the namespace controller a deleted
 * namespace would stay Terminating for ever, so callers use fresh names.
 */

/** Creates `name` (with `labels`) if it is missing, and its `default` ServiceAccount. Existing labels are merged. */
export async function ensureNamespace(rest: KubeRest, name: string, labels: Readonly<Record<string, string>> = {}): Promise<void> {
  await rest.applyOrThrow({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
  await ensureServiceAccount(rest, name, 'default');
}

/** Creates ServiceAccount `namespace/name` if it is missing. */
export async function ensureServiceAccount(rest: KubeRest, namespace: string, name: string): Promise<void> {
  const response = await rest.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
  if (response.status >= 400 && response.status !== 409) throw new KubeApiError(`create ServiceAccount ${namespace}/${name}`, response);
}

/** Creates a Ready Node `name` (pods are bound to it; kube-network-policies runs as it). */
export async function ensureNode(rest: KubeRest, name: string, internalIP = '127.0.0.1'): Promise<void> {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } };
  const response = await rest.create(node);
  if (response.status >= 400 && response.status !== 409) throw new KubeApiError(`create Node ${name}`, response);
  await rest.call(`status of Node ${name}`, 'PATCH', `/api/v1/nodes/${name}/status`, {
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        addresses: [{ type: 'InternalIP', address: internalIP }, { type: 'Hostname', address: name }],
        conditions: [{ type: 'Ready', status: 'True', reason: 'ZtpLocalCluster', message: 'a local process node', lastHeartbeatTime: new Date().toISOString() }],
      },
    },
  });
}

/**
 * Marks pod `namespace/name` Running with `podIP` on `nodeName`, as a kubelet would: binds it
 * to the node (the Binding subresource, the scheduler's job) and writes its status.
 */
export async function setPodRunning(rest: KubeRest, namespace: string, name: string, podIP: string, nodeName: string): Promise<void> {
  const pod = await rest.call(`get Pod ${namespace}/${name}`, 'GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
  if (!pod.spec?.nodeName) {
    await rest.call(`bind Pod ${namespace}/${name}`, 'POST', `/api/v1/namespaces/${namespace}/pods/${name}/binding`, {
      body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
    });
  }
  const now = new Date().toISOString();
  await rest.call(`status of Pod ${namespace}/${name}`, 'PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, {
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        phase: 'Running',
        podIP,
        podIPs: [{ ip: podIP }],
        hostIP: '127.0.0.1',
        startTime: now,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      },
    },
  });
}

/** A ServiceAccount token from the TokenRequest API (what a kubelet would project into the pod). */
export async function serviceAccountToken(
  rest: KubeRest,
  namespace: string,
  name: string,
  options: { audiences?: readonly string[]; expirationSeconds?: number } = {},
): Promise<string> {
  const body = await rest.call(`token for ServiceAccount ${namespace}/${name}`, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: options.audiences ?? [], expirationSeconds: options.expirationSeconds ?? 3600 },
    },
  });
  return body.status.token as string;
}

/** Binds ServiceAccount `namespace/name` to `system:auth-delegator` (TokenReview and SubjectAccessReview). */
export async function grantAuthDelegator(rest: KubeRest, namespace: string, name: string): Promise<void> {
  await rest.applyOrThrow({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `ztp-auth-delegator-${namespace}-${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  });
}

/** Polls `check` every 100 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function eventually(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}
