import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNamespace, ensureNode, PodNetwork, setPodRunning, startDataplane, startLocalCluster, type KubeObject } from '@ztp/local-cluster';
import { LOCAL_AGENT } from './run-local.ts';
import { SocketExec } from './socket-exec.ts';

/** What the local cluster costs, as `npm run bench` reports it. */
export interface LocalClusterCost {
  /** Start-up of etcd + kube-apiserver to a ready `/readyz`, each run. */
  readonly startupMs: readonly number[];
  /** Resident memory of etcd and kube-apiserver together, after start-up, in MiB. */
  readonly rssMiB: number;
  /** HTTP probes through kube-network-policies that got their answer: count and mean time per probe (sequential). */
  readonly connected: { readonly probes: number; readonly meanMs: number };
  /** Probes a NetworkPolicy dropped: each costs its timeout. */
  readonly dropped: { readonly probes: number; readonly meanMs: number; readonly timeoutMs: number };
}

function rssKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Measures the local cluster: `runs` start-ups (and the memory after the first), then `probes`
 * connected and `probes` dropped TCP probes between two pods through kube-network-policies.
 */
export async function measureLocalCluster(runs = 3, probes = 100, dropTimeoutMs = 500): Promise<LocalClusterCost> {
  const startupMs: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const c = await startLocalCluster();
    startupMs.push(c.startupMs);
    if (i === 0) rss = c.pids.map(rssKb).reduce((sum, kb) => sum + kb, 0);
    await c.stop();
  }
  const cluster = await startLocalCluster();
  const network = await PodNetwork.create();
  const sockets = await mkdtemp(join(tmpdir(), 'ztp-bench-agents-'));
  try {
    await ensureNode(cluster.rest, 'ztp-local');
    await ensureNamespace(cluster.rest, 'bench');
    const pods = [
      { name: 'a', ip: '10.244.1.10' },
      { name: 'b', ip: '10.244.1.11' },
      { name: 'c', ip: '10.244.1.12' },
    ];
    for (const [i, p] of pods.entries()) {
      const object: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, namespace: 'bench', labels: { app: p.name } }, spec: { containers: [{ name: 'x', image: 'ztp-local-probe' }] } };
      await cluster.rest.create(object);
      await setPodRunning(cluster.rest, 'bench', p.name, p.ip, 'ztp-local');
      const host = await network.addPod(p.name, p.ip);
      await network.spawn(host.netns, [...LOCAL_AGENT, 'serve', '--tcp', '8080', '--control', join(sockets, `p${i}.sock`)], { readyLine: /"ready":true/ });
    }
    // c admits only a.
    await cluster.rest.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'only-a', namespace: 'bench' },
      spec: { podSelector: { matchLabels: { app: 'c' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] },
    });
    const dataplane = await startDataplane(cluster, network);
    const exec = new SocketExec((id) => join(sockets, `p${['a', 'b', 'c'].indexOf(id)}.sock`));
    const signal = new AbortController().signal;
    // HTTP probes: a new connection (judged by kube-network-policies), a request and its answer;
    // a TCP probe would add the agent's 200 ms grace for proxies that reset after accepting.
    const probe = (from: string, timeoutMs: number) => exec.run(from, [...LOCAL_AGENT, 'probe', 'http', '--host', '10.244.1.12', '--port', '8080', '--timeout-ms', String(timeoutMs)], { signal, timeoutMs: timeoutMs + 5000 });
    for (let i = 0; i < 300 && !/"ok":true/.test((await probe('a', 500)).stdout); i++);
    const time = async (from: string, expectOk: boolean, timeoutMs: number) => {
      const started = performance.now();
      for (let i = 0; i < probes; i++) {
        const r = await probe(from, timeoutMs);
        if (/"ok":true/.test(r.stdout) !== expectOk) throw new Error(`probe from ${from} ${expectOk ? 'did not connect' : 'connected'}: ${r.stdout}${r.stderr}`);
      }
      return (performance.now() - started) / probes;
    };
    const connectedMs = await time('a', true, 2000);
    const droppedMs = await time('b', false, dropTimeoutMs);
    await dataplane.stop();
    return {
      startupMs,
      rssMiB: Math.round(rss / 1024),
      connected: { probes, meanMs: Math.round(connectedMs * 100) / 100 },
      dropped: { probes, meanMs: Math.round(droppedMs * 10) / 10, timeoutMs: dropTimeoutMs },
    };
  } finally {
    await network.destroy();
    await rm(sockets, { recursive: true, force: true });
    await cluster.stop();
  }
}
