import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureNamespace,
  ensureNode,
  KubeApiError,
  PodNetwork,
  setPodRunning,
  startDataplane,
  startLocalCluster,
  type KubeObject,
  type LocalCluster,
} from '@ztp/local-cluster';
import { CLUSTER_DNS } from '../probe-plan.ts';
import { AGENT_IN_IMAGE, probeWorkloads } from '../probe-workloads.ts';
import { runProbeMatrix, type PolicyBarrier, type Progress } from '../probe-runner.ts';
import type { PreparedEnvironment } from '../prepare.ts';
import { statusOf, type EnvironmentReport, type LayerDecision } from '../report/model.ts';
import { networkPolicyCoverage, type CoveragePod } from './coverage.ts';
import { SocketExec } from './socket-exec.ts';

/** The probe agent, run with this Node inside each pod's network namespace. */
export const LOCAL_AGENT = [process.execPath, fileURLToPath(new URL('../agent/agent.ts', import.meta.url))] as const;

/** The kinds a local run applies: the ones kube-apiserver and kube-network-policies act on. */
const APPLIED_KINDS = new Set(['Namespace', 'ServiceAccount', 'NetworkPolicy']);

/** How one environment is run on the local cluster. */
export interface LocalRunOptions {
  /** A running local control plane to use; by default one is started and stopped for this run. */
  readonly cluster?: LocalCluster;
  readonly concurrency?: number;
  readonly attemptTimeoutMs?: number;
  readonly cellTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly onProgress?: (p: Progress) => void;
}

/** The address of the i-th pod: 10.244.<1 + i/200>.<10 + i%200>, used only inside the pod network. */
export function podAddress(i: number): string {
  return `10.244.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`;
}

interface LocalPod {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serve: readonly string[];
  readonly object: KubeObject;
}

function ident(o: Record<string, unknown>): string {
  const m = o.metadata as { name?: string; namespace?: string };
  return `${o.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
}

/**
 * The barrier of a local run: kube-network-policies opens its queue only once its informers
 * have synced, and until then every pod-to-pod packet is dropped. So once a canary connection
 * between two pods no policy selects gets through, every object created before the dataplane
 * started (all of the bundle's policies and pods) is known to it.
 */
class CanaryBarrier implements PolicyBarrier {
  readonly name = 'kube-network-policies canary';
  readonly #exec: SocketExec;
  readonly #target: string;
  constructor(exec: SocketExec, target: string) {
    this.#exec = exec;
    this.#target = target;
  }
  async waitRealized(signal: AbortSignal): Promise<string> {
    const started = Date.now();
    while (!signal.aborted && Date.now() - started < 60_000) {
      const r = await this.#exec.run('canary/a', [...LOCAL_AGENT, 'probe', 'tcp', '--host', this.#target, '--port', '8080', '--timeout-ms', '500'], { signal, timeoutMs: 10_000 });
      if (r.exitCode === 0 && /"ok":true/.test(r.stdout)) return `kube-network-policies serves its queue (canary connected after ${Date.now() - started} ms)`;
    }
    throw new Error('kube-network-policies never let the canary connection through (60 s): it is not serving its queue');
  }
}

/**
 * Runs one environment on the local cluster with real packets: the bundle's namespaces, service
 * accounts and NetworkPolicies are applied to a real kube-apiserver; one pod per probe source
 * and target is created there (labels, service account, named ports), bound to a node and given
 * an address in its own network namespace, where the probe agent serves its ports; the cluster
 * DNS is a pod with the DNS labels, answering every name. Then kube-network-policies starts, the
 * canary barrier waits for it, and every cell it can judge is probed. Cells a Cilium policy
 * decides, and the layers nothing enforces here (Istio, admission...), are reported as not
 * covered, by name.
 */
export async function runOnLocalCluster(env: PreparedEnvironment, o: LocalRunOptions = {}): Promise<EnvironmentReport> {
  const log = o.log ?? (() => {});
  const signal = o.signal ?? new AbortController().signal;
  const bundleObjects = env.sync.objects.map((x) => x.object);
  const applied = bundleObjects.filter((x) => APPLIED_KINDS.has(String(x.kind)));
  const layers: LayerDecision[] = env.sync.layers.map((l) =>
    l.layer === 'identity'
      ? { layer: l.layer, applied: true, enforced: true, reason: 'namespaces and service accounts, by kube-apiserver' }
      : l.layer === 'network'
        ? { layer: l.layer, applied: true, enforced: true, reason: 'NetworkPolicy, by kube-network-policies on real packets; Cilium policies are not enforced here (cells they decide are listed as not covered)' }
        : { layer: l.layer, applied: false, enforced: false, reason: 'not part of a local run (no operator for it runs here)' },
  );
  const started = Date.now();
  let cluster = o.cluster;
  const ownCluster = cluster === undefined;
  let network: PodNetwork | undefined;
  let dataplaneStop: (() => Promise<void>) | undefined;
  let sockets: string | undefined;
  const base = { environment: env.environment, layers, explanations: new Map<string, string[]>() };
  try {
    cluster ??= await startLocalCluster();
    const version = (await cluster.rest.call('version', 'GET', '/version')).gitVersion as string;
    const description = `local kube-apiserver ${version} + kube-network-policies (network namespaces, NFQUEUE)`;
    log(`[${env.environment}] ${description}, ready in ${cluster.startupMs} ms`);
    const nodeName = 'ztp-local';
    await ensureNode(cluster.rest, nodeName);

    // 1. The bundle's namespaces first (with their labels), then its service accounts and policies.
    for (const object of applied.filter((x) => x.kind === 'Namespace')) {
      const m = object.metadata as { name: string; labels?: Record<string, string> };
      await ensureNamespace(cluster.rest, m.name, m.labels ?? {});
    }
    const workloads = probeWorkloads(env.manifest, env.plan, 'ztp-local-probe', bundleObjects);
    for (const object of workloads.objects.filter((x) => x.kind === 'Namespace')) {
      await ensureNamespace(cluster.rest, String((object.metadata as { name: string }).name));
    }
    const dns = env.manifest.intent.dns;
    await ensureNamespace(cluster.rest, dns.namespace);
    await ensureNamespace(cluster.rest, 'ztp-canary');
    for (const object of [...applied.filter((x) => x.kind !== 'Namespace'), ...workloads.objects.filter((x) => x.kind === 'ServiceAccount')]) {
      const r = await cluster.rest.apply(object as unknown as KubeObject);
      if (r.status >= 400) throw new KubeApiError(`apply ${ident(object)}`, r);
    }
    log(`[${env.environment}] applied ${applied.length} objects (${applied.filter((x) => x.kind === 'NetworkPolicy').length} NetworkPolicies)`);

    // 2. The pods: the probe workloads, the cluster DNS, two canaries.
    const pods: LocalPod[] = [];
    const agentArgs = (object: Record<string, unknown>) => {
      const command = ((object.spec as { containers: { command: string[] }[] }).containers[0]?.command ?? []).slice(AGENT_IN_IMAGE.length);
      return command;
    };
    const podsById = new Map(workloads.pods.map((p) => [`${p.namespace}/${p.name}`, p.id] as const));
    for (const object of workloads.objects.filter((x) => x.kind === 'Pod')) {
      const m = object.metadata as { name: string; namespace: string; labels?: Record<string, string> };
      const id = podsById.get(`${m.namespace}/${m.name}`) ?? `${m.namespace}/${m.name}`;
      pods.push({ id, namespace: m.namespace, name: m.name, labels: m.labels ?? {}, serve: agentArgs(object), object: object as unknown as KubeObject });
    }
    const plainPod = (namespace: string, name: string, labels: Record<string, string>, serve: string[]): LocalPod => ({
      id: name === 'ztp-cluster-dns' ? CLUSTER_DNS : `${namespace === 'ztp-canary' ? 'canary' : namespace}/${name}`,
      namespace,
      name,
      labels,
      serve,
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'probe', image: 'ztp-local-probe', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        },
      },
    });
    pods.push(plainPod(dns.namespace, 'ztp-cluster-dns', { ...dns.podLabels }, ['serve', '--name', CLUSTER_DNS, '--dns', String(dns.port), '--dns-answer', '10.96.0.1']));
    pods.push(plainPod('ztp-canary', 'a', { app: 'canary-a' }, ['serve', '--name', 'canary-a', '--tcp', '8080']));
    pods.push(plainPod('ztp-canary', 'b', { app: 'canary-b' }, ['serve', '--name', 'canary-b', '--tcp', '8080']));

    network = await PodNetwork.create();
    sockets = await mkdtemp(join(tmpdir(), 'ztp-agents-'));
    const socketOf = new Map<string, string>();
    const addresses = new Map<string, string>();
    for (const [i, pod] of pods.entries()) {
      const address = podAddress(i);
      const r = await cluster.rest.create(pod.object);
      if (r.status >= 400) throw new KubeApiError(`create Pod ${pod.namespace}/${pod.name}`, r);
      await setPodRunning(cluster.rest, pod.namespace, pod.name, address, nodeName);
      const host = await network.addPod(pod.id, address);
      const socket = join(sockets, `p${i}.sock`);
      await network.spawn(host.netns, [...LOCAL_AGENT, ...pod.serve, '--control', socket], { readyLine: /"ready":true/ });
      addresses.set(pod.id, address);
      socketOf.set(pod.id, socket);
    }
    log(`[${env.environment}] ${pods.length} pods running in their own network namespaces`);

    // 3. Which cells kube-network-policies can judge.
    const podOf = new Map<string, CoveragePod>(pods.map((p) => [p.id, { namespace: p.namespace, labels: p.labels }]));
    const coverage = networkPolicyCoverage(env.plan.cells, bundleObjects, (id) => podOf.get(id));
    const notCovered = coverage.uncovered.map((u) => `not covered by this run (decided by ${u.policies.join(', ')}, which kube-network-policies does not enforce): ${u.cell.id}`);
    const plan = { ...env.plan, cells: coverage.covered, notProbed: [...env.plan.notProbed, ...notCovered] };

    // 4. The dataplane, last: it learns everything above before it judges a packet.
    const dataplane = await startDataplane(cluster, network, { nodeName });
    dataplaneStop = dataplane.stop;
    const exec = new SocketExec((id) => socketOf.get(id));
    log(`[${env.environment}] probing ${plan.cells.length} cells (${coverage.uncovered.length} not covered)`);
    const run = await runProbeMatrix(plan.cells, {
      exec,
      addressOf: (target) => addresses.get(target),
      agent: LOCAL_AGENT,
      concurrency: o.concurrency ?? 6,
      attemptTimeoutMs: o.attemptTimeoutMs ?? 1000,
      cellTimeoutMs: o.cellTimeoutMs ?? 8000,
      retryDelayMs: 200,
      barrier: new CanaryBarrier(exec, addresses.get('canary/b') ?? ''),
      signal,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    const explanations = new Map(run.results.filter((r) => !r.ok).map((r) => [r.cell.id, env.explainer.explain(r.cell)] as const));
    log(`[${env.environment}] probed in ${Date.now() - started} ms`);
    return { ...base, plan, status: statusOf(run), run, explanations, cluster: description, ...(run.interrupted ? { reason: 'interrupted' } : {}) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log(`[${env.environment}] stopped: ${message}`);
    return { ...base, plan: env.plan, status: 'not-run', reason: `the local cluster could not be set up: ${message}`, setupError: message };
  } finally {
    await dataplaneStop?.().catch(() => {});
    await network?.destroy();
    if (sockets !== undefined) await rm(sockets, { recursive: true, force: true });
    if (ownCluster) await cluster?.stop();
  }
}
