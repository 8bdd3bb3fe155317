/** Small manifest builders for tests. */

/** A Namespace object. */
export function ns(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A bare Pod with labels, named container ports and an optional IP. */
export function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  options: { ip?: string | string[]; ports?: { name?: string; containerPort: number; protocol?: string }[]; serviceAccount?: string } = {},
): Record<string, unknown> {
  const ips = options.ip === undefined ? [] : Array.isArray(options.ip) ? options.ip : [options.ip];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
      containers: [{ name: 'main', image: 'img', ports: options.ports ?? [] }],
    },
    ...(ips.length > 0 ? { status: { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } } : {}),
  };
}

/** A Deployment whose pod template has the labels and container ports. */
export function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ports: { name?: string; containerPort: number; protocol?: string }[] = [],
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'img', ports }] } },
    },
  };
}

/** A NetworkPolicy with the given spec. */
export function netpol(namespace: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}
