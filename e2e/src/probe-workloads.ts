import { synthesize, type BundleManifest } from '@ztp/verify';
import type { ProbePlan } from './probe-plan.ts';

/** Where the agent lives in the probe image, and how it is started. */
export const AGENT_IN_IMAGE = ['node', '/agent/agent.ts'] as const;

/** Annotation naming the plan source a probe pod stands for. */
export const PROBE_ANNOTATION = 'ztp.dev/e2e-probe';

/** One probe pod: where it runs, and the source/target id it stands for. */
export interface ProbePod {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
}

/** The objects that put the probe workloads on the cluster, and the pods among them. */
export interface ProbeWorkloads {
  /** Namespaces, service accounts and pods, in apply order. */
  readonly objects: readonly Record<string, unknown>[];
  readonly pods: readonly ProbePod[];
}

interface SynthDeployment {
  kind: string;
  metadata: { name: string; namespace: string };
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string; containers: { ports: { name: string; containerPort: number; protocol: string }[] }[] } } };
}

/**
 * The probe workloads of a plan: for every pod `@ztp/verify` synthesizes as a caller or a
 * destination (each declared workload with its labels, service account and named ports; the
 * rogue, probe and outsider pods), one Pod running the probe agent, serving every declared port
 * (TCP as HTTP, UDP as echo) and the plan's undeclared port, plus the namespaces and service
 * accounts the bundle does not create. Pods meet the `restricted` Pod Security Standard; ports
 * below 1024 are opened with the `net.ipv4.ip_unprivileged_port_start` sysctl, not a capability.
 * The cluster DNS and istiod stand-ins are not created: the real CoreDNS serves, and no Istio runs.
 */
export function probeWorkloads(m: BundleManifest, plan: ProbePlan, image: string, bundleObjects: readonly Record<string, unknown>[] = []): ProbeWorkloads {
  const synthetic = synthesize(m).objects;
  const sources = new Map(plan.sources.map((s) => [`${s.namespace}/${s.name}`, s.id]));
  const extraPorts = new Map(plan.targets.map((t) => [t.id, t.ports.filter((p) => !p.declared)]));
  const bundleHas = (kind: string, namespace: string | undefined, name: string) =>
    bundleObjects.some((o) => o.kind === kind && (o.metadata as { name?: string }).name === name && (o.metadata as { namespace?: string }).namespace === namespace);
  const namespaces: Record<string, unknown>[] = synthetic.filter((o) => o.kind === 'Namespace' && !bundleHas('Namespace', undefined, String((o.metadata as { name: string }).name)));
  const accounts: Record<string, unknown>[] = [];
  const pods: Record<string, unknown>[] = [];
  const probePods: ProbePod[] = [];
  for (const o of synthetic as unknown as SynthDeployment[]) {
    if (o.kind !== 'Deployment') continue;
    const { name, namespace } = o.metadata;
    const id = sources.get(`${namespace}/${name}`);
    if (id === undefined) continue; // cluster DNS and istiod stand-ins
    const t = o.spec.template;
    const ports = t.spec.containers[0]?.ports ?? [];
    const extra = extraPorts.get(id) ?? [];
    const tcp = [...ports.filter((p) => p.protocol === 'TCP').map((p) => p.containerPort), ...extra.filter((p) => p.protocol === 'TCP').map((p) => p.port)];
    const udp = ports.filter((p) => p.protocol === 'UDP').map((p) => p.containerPort);
    const low = [...tcp, ...udp].some((p) => p < 1024);
    const sa = t.spec.serviceAccountName;
    if (!bundleHas('ServiceAccount', namespace, sa) && !accounts.some((a) => (a.metadata as { name: string; namespace: string }).name === sa && (a.metadata as { namespace: string }).namespace === namespace)) {
      accounts.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace }, automountServiceAccountToken: false });
    }
    const serveArgs = ['serve', '--name', id, ...(tcp.length ? ['--tcp', tcp.join(',')] : []), ...(udp.length ? ['--udp', udp.join(',')] : [])];
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { ...t.metadata.labels }, annotations: { [PROBE_ANNOTATION]: id } },
      spec: {
        serviceAccountName: sa,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 1,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          seccompProfile: { type: 'RuntimeDefault' },
          ...(low ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
        },
        containers: [
          {
            name: 'probe',
            image,
            imagePullPolicy: 'IfNotPresent',
            command: [...AGENT_IN_IMAGE, ...serveArgs],
            ports: ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
            readinessProbe: { exec: { command: [...AGENT_IN_IMAGE, 'check', ...(tcp.length ? ['--tcp', tcp.join(',')] : [])] }, periodSeconds: 3, timeoutSeconds: 5 },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { memory: '160Mi' } },
          },
        ],
      },
    });
    probePods.push({ id, namespace, name });
  }
  return { objects: [...namespaces, ...accounts, ...pods], pods: probePods };
}
