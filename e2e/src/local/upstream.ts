import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2ePodIp, expectedTable, parseProbe, substituteIps, type E2eSuite } from '@ztp/reachability';
import {
  ensureNamespace,
  ensureNode,
  KubeApiError,
  PodNetwork,
  setPodRunning,
  startDataplane,
  startLocalCluster,
  type Dataplane,
  type KubeObject,
  type LocalCluster,
} from '@ztp/local-cluster';
import { SocketExec } from './socket-exec.ts';
import type { ProbeCell } from '../probe-plan.ts';
import { runProbeMatrix, type CellResult } from '../probe-runner.ts';
import { LOCAL_AGENT } from './run-local.ts';

/*
 * The upstream Kubernetes NetworkPolicy e2e cases on real packets: the model's nine pods
 * (x, y, z times a, b, c, labelled pod=<name>, at the model's addresses, with named ports
 * serve-<port>-<protocol>) live in their own network namespaces and serve TCP 80, 81 and UDP 80;
 * each step's policies replace the previous ones in the apiserver, and every ordered pair is
 * probed on every port the step expects, through kube-network-policies.
 *
 * Between steps the dataplane keeps running. To know it has seen a step's policies, the step
 * ends by toggling a canary policy in a namespace of its own (a deny-all on canary b, present in
 * odd steps, absent in even ones): NetworkPolicy changes reach kube-network-policies through one
 * ordered watch, so once the canary's state shows, every change before it is in force.
 */

/** What one step of one case gave. */
export interface UpstreamStepResult {
  readonly caseId: string;
  readonly title: string;
  readonly step: number;
  readonly results: readonly CellResult[];
  readonly failures: readonly CellResult[];
}

export interface UpstreamOptions {
  /** Only these case ids. @default every case */
  readonly cases?: readonly string[];
  readonly cluster?: LocalCluster;
  readonly concurrency?: number;
  readonly attemptTimeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

const CANARY_NS = 'ztp-canary';
const CANARY_A = '10.244.200.10';
const CANARY_B = '10.244.200.11';

const canaryDeny: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'ztp-canary-deny', namespace: CANARY_NS },
  spec: { podSelector: { matchLabels: { app: 'canary-b' } }, policyTypes: ['Ingress'] },
};

/** The cells of one step: every ordered pair of distinct pods, on every `PROTOCOL/PORT` it expects. */
export function upstreamCells(suite: E2eSuite, caseId: string, expect: Readonly<Record<string, readonly (readonly [string, string, boolean])[]>>): ProbeCell[] {
  const cells: ProbeCell[] = [];
  for (const [key, expectations] of Object.entries(expect)) {
    const { protocol, port } = parseProbe(key);
    for (const [pair, allowed] of expectedTable(suite, expectations)) {
      const [source, target] = pair.split('->') as [string, string];
      cells.push({
        id: `${caseId} ${source} => ${target}:${port}/${protocol}`,
        source,
        target,
        port,
        portName: `serve-${port}-${protocol.toLowerCase()}`,
        protocol,
        probe: protocol === 'UDP' ? 'udp' : 'tcp',
        expected: allowed ? 'connected' : 'dropped',
        declaredBy: [],
      });
    }
  }
  return cells;
}

async function deleteNetworkPolicies(cluster: LocalCluster, namespaces: readonly string[]): Promise<void> {
  for (const ns of namespaces) {
    const list = await cluster.rest.call(`list NetworkPolicies in ${ns}`, 'GET', `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`);
    for (const item of list.items as KubeObject[]) {
      await cluster.rest.delete({ ...item, apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' });
    }
  }
}

/** Runs the cases on real packets; every failing cell names the case, the pair, the expectation and the observation. */
export async function runUpstreamOnLocal(suite: E2eSuite, o: UpstreamOptions = {}): Promise<UpstreamStepResult[]> {
  const log = o.log ?? (() => {});
  const signal = o.signal ?? new AbortController().signal;
  const ownCluster = o.cluster === undefined;
  const cluster = o.cluster ?? (await startLocalCluster());
  let network: PodNetwork | undefined;
  let dataplane: Dataplane | undefined;
  const sockets = await mkdtemp(join(tmpdir(), 'ztp-agents-'));
  try {
    const nodeName = 'ztp-local';
    await ensureNode(cluster.rest, nodeName);
    network = await PodNetwork.create();
    const ports = [
      { port: 80, protocol: 'TCP' },
      { port: 81, protocol: 'TCP' },
      { port: 80, protocol: 'UDP' },
      { port: 81, protocol: 'UDP' },
    ];
    const pods: { id: string; namespace: string; name: string; ip: string; labels: Record<string, string> }[] = [];
    for (const ns of suite.model.namespaces) {
      await ensureNamespace(cluster.rest, ns);
      for (const pod of suite.model.pods) pods.push({ id: `${ns}/${pod}`, namespace: ns, name: pod, ip: e2ePodIp(suite, ns, pod), labels: { pod } });
    }
    await ensureNamespace(cluster.rest, CANARY_NS);
    pods.push({ id: 'canary/a', namespace: CANARY_NS, name: 'a', ip: CANARY_A, labels: { app: 'canary-a' } });
    pods.push({ id: 'canary/b', namespace: CANARY_NS, name: 'b', ip: CANARY_B, labels: { app: 'canary-b' } });
    for (const [i, p] of pods.entries()) {
      const object: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
        spec: {
          automountServiceAccountToken: false,
          containers: ports.map((x) => ({
            name: `c-${x.port}-${x.protocol.toLowerCase()}`,
            image: 'ztp-local-probe',
            ports: [{ name: `serve-${x.port}-${x.protocol.toLowerCase()}`, containerPort: x.port, protocol: x.protocol }],
          })),
        },
      };
      const r = await cluster.rest.create(object);
      if (r.status >= 400) throw new KubeApiError(`create Pod ${p.id}`, r);
      await setPodRunning(cluster.rest, p.namespace, p.name, p.ip, nodeName);
      const host = await network.addPod(p.id, p.ip);
      await network.spawn(host.netns, [...LOCAL_AGENT, 'serve', '--name', p.id, '--tcp', '80,81', '--udp', '80,81', '--control', join(sockets, `p${i}.sock`)], { readyLine: /"ready":true/ });
    }
    dataplane = await startDataplane(cluster, network, { nodeName });
    const socketOf = new Map(pods.map((p, i) => [p.id, join(sockets, `p${i}.sock`)] as const));
    const exec = new SocketExec((id) => socketOf.get(id));
    const address = new Map(pods.map((p) => [p.id, p.ip] as const));

    let canaryDenied = false;
    const canary = async (denied: boolean) => {
      const started = Date.now();
      while (Date.now() - started < 60_000 && !signal.aborted) {
        const r = await exec.run('canary/a', [...LOCAL_AGENT, 'probe', 'tcp', '--host', CANARY_B, '--port', '80', '--timeout-ms', '400'], { signal, timeoutMs: 10_000 });
        const connected = r.exitCode === 0 && /"ok":true/.test(r.stdout);
        if (connected !== denied) return;
      }
      throw new Error(`kube-network-policies did not ${denied ? 'apply' : 'remove'} the canary policy within 60 s:\n${dataplane?.output() ?? ''}`);
    };
    await canary(false);

    const results: UpstreamStepResult[] = [];
    for (const testCase of suite.cases) {
      if (o.cases !== undefined && !o.cases.includes(testCase.id)) continue;
      for (const [index, step] of testCase.steps.entries()) {
        if (signal.aborted) return results;
        await deleteNetworkPolicies(cluster, suite.model.namespaces);
        for (const policy of step.policies) {
          const r = await cluster.rest.create(substituteIps(suite, policy) as unknown as KubeObject);
          if (r.status >= 400) throw new KubeApiError(`${testCase.id} step ${index + 1}: create ${String((policy.metadata as { name?: string }).name)}`, r);
        }
        canaryDenied = !canaryDenied;
        if (canaryDenied) await cluster.rest.create(canaryDeny);
        else await cluster.rest.delete(canaryDeny);
        await canary(canaryDenied);
        const cells = upstreamCells(suite, testCase.id, step.expect);
        const run = await runProbeMatrix(cells, {
          exec,
          addressOf: (id) => address.get(id),
          agent: LOCAL_AGENT,
          concurrency: o.concurrency ?? 8,
          attemptTimeoutMs: o.attemptTimeoutMs ?? 700,
          cellTimeoutMs: 8000,
          retryDelayMs: 100,
          signal,
        });
        const failures = run.results.filter((r) => !r.ok);
        results.push({ caseId: testCase.id, title: testCase.title, step: index + 1, results: run.results, failures });
        log(`${testCase.id} step ${index + 1} (${testCase.title}): ${run.results.length - failures.length}/${cells.length} cells as upstream expects`);
      }
    }
    return results;
  } finally {
    await dataplane?.stop().catch(() => {});
    await network?.destroy();
    await rm(sockets, { recursive: true, force: true });
    if (ownCluster) await cluster.stop();
  }
}
