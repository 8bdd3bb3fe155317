import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kind } from './adapters/kind.ts';
import { Helm } from './adapters/helm.ts';
import { Kube } from './adapters/kube.ts';
import { KubeExec } from './adapters/kube-exec.ts';
import { CiliumPolicyBarrier } from './adapters/cilium-barrier.ts';
import { ciliumHelmArgs } from './cilium.ts';
import { kindConfigYaml, resolveClusterOptions, type ClusterOptions } from './cluster-config.ts';
import { Cleanup } from './cleanup.ts';
import { CILIUM_VERSION, KIND } from './pins.ts';
import type { PreparedEnvironment } from './prepare.ts';
import { AGENT_IN_IMAGE, probeWorkloads } from './probe-workloads.ts';
import { runProbeMatrix, type Progress } from './probe-runner.ts';
import { statusOf, type EnvironmentReport } from './report/model.ts';
import { CLUSTER_DNS } from './probe-plan.ts';

/** How one environment is run on kind. */
export interface KindRunOptions {
  readonly cluster: ClusterOptions;
  /** Keep the cluster afterwards (its kubeconfig is printed). */
  readonly keep: boolean;
  readonly kindBinary: string;
  readonly helmBinary: string;
  /** Images to `kind load` into every node before anything runs (Cilium's and the probe's). */
  readonly images: readonly string[];
  readonly probeImage: string;
  readonly concurrency: number;
  readonly attemptTimeoutMs: number;
  readonly cellTimeoutMs: number;
  /** Where the cluster config and kubeconfig are written. */
  readonly workDir: string;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly onProgress?: (p: Progress) => void;
}

/**
 * Runs one environment end to end on a new kind cluster: create it (no default CNI, no
 * kube-proxy), load the images, install Cilium with Helm and wait for it, install the CRDs the
 * bundle needs, apply the bundle by sync wave, start the probe workloads and wait until they are
 * Ready, wait until Cilium has realized the policies, then probe every cell. The cluster is
 * deleted at the end (after a failure or an interrupt too) unless `keep`.
 */
export async function runOnKind(env: PreparedEnvironment, o: KindRunOptions): Promise<EnvironmentReport> {
  const cluster = resolveClusterOptions(o.cluster);
  const kind = new Kind(o.kindBinary);
  const helm = new Helm(o.helmBinary);
  const cleanup = new Cleanup();
  const configFile = join(o.workDir, `${cluster.name}.kind.yaml`);
  const kubeconfig = join(o.workDir, `${cluster.name}.kubeconfig`);
  const base = { environment: env.environment, plan: env.plan, layers: env.sync.layers, explanations: new Map<string, string[]>(), cluster: `kind ${KIND.version} (${cluster.name}: 1 control plane, ${cluster.workers} worker${cluster.workers === 1 ? '' : 's'}, ${cluster.nodeImage.split('@')[0]}), Cilium ${CILIUM_VERSION}` };
  const step = (what: string) => {
    if (o.signal.aborted) throw new Error('interrupted');
    o.log(`[${env.environment}] ${what}`);
  };
  try {
    await mkdir(o.workDir, { recursive: true });
    // The bundle's audit policy runs on the control plane (kind mounts it from this file).
    const auditPolicy = env.auditPolicy;
    const auditPolicyFile = join(o.workDir, `${cluster.name}.audit-policy.yaml`);
    if (auditPolicy !== undefined) await writeFile(auditPolicyFile, auditPolicy);
    await writeFile(configFile, kindConfigYaml(cluster, auditPolicy === undefined ? {} : { auditPolicyFile }));
    if ((await kind.clusters()).includes(cluster.name)) throw new Error(`a kind cluster named ${cluster.name} already exists; delete it (kind delete cluster --name ${cluster.name}) or pass --name`);
    // Registered before creating, so a half-created cluster is deleted as well.
    cleanup.add(o.keep ? `keeping cluster ${cluster.name} (--keep): KUBECONFIG=${kubeconfig}; delete with: kind delete cluster --name ${cluster.name}` : `deleting cluster ${cluster.name}`, async () => {
      if (o.keep) return;
      const err = await kind.delete(cluster.name);
      if (err) throw new Error(err);
    });
    step(`creating kind cluster ${cluster.name} (${configFile})`);
    await kind.create(cluster.name, configFile, kubeconfig, o.log);
    for (const image of o.images) {
      step(`loading ${image}`);
      await kind.load(cluster.name, image);
    }
    step(`installing Cilium ${CILIUM_VERSION} (Helm)`);
    await helm.run(ciliumHelmArgs({ kubeconfig, cluster }), o.log);
    const kube = new Kube(kubeconfig);
    step('waiting for the nodes and Cilium');
    const nodes = await kube.waitNodesReady(600_000, o.signal);
    await kube.waitCrdsEstablished(['ciliumnetworkpolicies.cilium.io', 'ciliumclusterwidenetworkpolicies.cilium.io'], 300_000, o.signal);
    o.log(`[${env.environment}] ${nodes} nodes Ready`);
    if (env.sync.crds.length > 0) {
      step(`installing CRDs: ${env.sync.crds.map((c) => c.file).join(', ')}`);
      await kube.apply(env.sync.crds.map((c) => c.object));
      await kube.waitCrdsEstablished(env.sync.crds.map((c) => String((c.object.metadata as { name: string }).name)), 120_000, o.signal);
    }
    if (env.sync.extraNamespaces.length > 0) {
      step(`creating namespaces the bundle expects but does not create: ${env.sync.extraNamespaces.join(', ')}`);
      await kube.apply(env.sync.extraNamespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
    }
    step(`applying the bundle: ${env.sync.objects.length} objects by sync wave (${env.sync.layers.filter((l) => l.applied).map((l) => l.layer).join(', ')})`);
    await kube.apply(env.sync.objects.map((x) => x.object));
    const workloads = probeWorkloads(env.manifest, env.plan, o.probeImage, env.sync.objects.map((x) => x.object));
    step(`starting ${workloads.pods.length} probe pods`);
    await kube.apply(workloads.objects);
    const ips = await kube.waitPodsReady(workloads.pods, 600_000, o.signal);
    const podOf = new Map(workloads.pods.map((p) => [p.id, p] as const));
    const exec = new KubeExec(kube.config, (source) => {
      const p = podOf.get(source);
      return p ? { namespace: p.namespace, pod: p.name, container: 'probe' } : undefined;
    });
    const barrier = new CiliumPolicyBarrier(kube, (namespace, pod) => new KubeExec(kube.config, () => ({ namespace, pod, container: 'cilium-agent' })));
    step(`probing ${env.plan.cells.length} cells (${o.concurrency} at a time)`);
    const run = await runProbeMatrix(env.plan.cells, {
      exec,
      // The cluster DNS is reached through the pod's own resolver (CoreDNS's Service).
      addressOf: (target) => (target === CLUSTER_DNS ? undefined : (() => {
        const p = podOf.get(target);
        return p ? ips.get(`${p.namespace}/${p.name}`) : undefined;
      })()),
      agent: AGENT_IN_IMAGE,
      concurrency: o.concurrency,
      attemptTimeoutMs: o.attemptTimeoutMs,
      cellTimeoutMs: o.cellTimeoutMs,
      barrier,
      signal: o.signal,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    const explanations = new Map(run.results.filter((r) => !r.ok).map((r) => [r.cell.id, env.explainer.explain(r.cell)] as const));
    return { ...base, status: statusOf(run), run, explanations, ...(run.interrupted ? { reason: 'interrupted' } : {}) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    o.log(`[${env.environment}] stopped: ${message}`);
    if (o.signal.aborted) return { ...base, status: 'not-run', reason: 'the run was interrupted before probing' };
    return { ...base, status: 'not-run', reason: `the cluster could not be set up: ${message}`, setupError: message };
  } finally {
    for (const err of await cleanup.run(o.log)) o.log(`cleanup failed: ${err}`);
  }
}
