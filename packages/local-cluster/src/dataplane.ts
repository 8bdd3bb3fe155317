import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTool } from '@ztp/tools';
import type { ResultPromise } from 'execa';
import type { LocalCluster } from './cluster.ts';
import type { PodNetwork } from './pod-network.ts';
import { freePort } from './ports.ts';

/*
 * kube-network-policies (the SIG Network reference NetworkPolicy implementation) as the local
 * cluster's dataplane. It must sit in the router namespace, where the NFQUEUE rule is (a queue
 * belongs to one network namespace), yet the apiserver listens on the host's loopback. So the
 * apiserver is carried into the router namespace through a Unix socket (sockets in the file
 * system cross network namespaces): this process listens on the socket and connects to the
 * apiserver; a small relay inside the router listens on its loopback and connects to the socket.
 * TLS goes through untouched. kube-network-policies only reads in-cluster configuration, so it
 * runs in a private mount namespace whose /run holds a token and the cluster CA at the
 * in-cluster path, with KUBERNETES_SERVICE_HOST/PORT naming the relay.
 */

/** The relay run inside the router namespace: loopback TCP to the Unix socket. */
const RELAY = `
const net = require('node:net');
const [sock, port] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.createConnection(sock);
  c.pipe(u); u.pipe(c);
  c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
}).listen(Number(port), '127.0.0.1', () => console.log('{"ready":true}'));
`;

function pipeToApiserver(socketPath: string, apiserverPort: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((client: Socket) => {
      const upstream = createConnection(apiserverPort, '127.0.0.1');
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    server.on('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

/** A running kube-network-policies. */
export interface Dataplane {
  /** The node it enforces for: pods must be bound to it (`setPodRunning`). */
  readonly nodeName: string;
  /** Its log (last lines). */
  output(): string;
  stop(): Promise<void>;
}

/** Options of startDataplane. */
export interface DataplaneOptions {
  /** The Node it runs as. @default 'ztp-local' */
  readonly nodeName?: string;
  /** klog verbosity; 2 logs every packet verdict. @default 0 */
  readonly verbosity?: number;
}

/**
 * Starts kube-network-policies for `network` against `cluster`. It reads namespaces, pods and
 * NetworkPolicies through informers and opens the NFQUEUE only once they are synced, so every
 * object that existed when it started is known by the time the first packet is judged; objects
 * changed later arrive asynchronously (restart it, or wait on a canary, before trusting a probe).
 */
export async function startDataplane(cluster: LocalCluster, network: PodNetwork, options: DataplaneOptions = {}): Promise<Dataplane> {
  const binary = await resolveTool('kube-network-policies');
  const nodeName = options.nodeName ?? 'ztp-local';
  const dir = await mkdtemp(join(tmpdir(), 'ztp-dataplane-'));
  const socketPath = join(dir, 'apiserver.sock');
  const apiserverPort = Number(new URL(cluster.server).port);
  const server = await pipeToApiserver(socketPath, apiserverPort);
  const children: ResultPromise[] = [];
  let knpOutput = () => '';
  const stop = async () => {
    for (const child of children.reverse()) await network.stopChild(child, 6000);
    server.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const relayPort = await freePort(); // free on the host; the router's loopback is empty anyway
    const relay = await network.spawn(network.router, [process.execPath, '-e', RELAY, socketPath, String(relayPort)], { readyLine: /"ready":true/ });
    children.push(relay.child);

    await writeFile(join(dir, 'token'), cluster.adminToken, { mode: 0o600 });
    await writeFile(join(dir, 'ca.crt'), cluster.caPem);
    await writeFile(join(dir, 'namespace'), 'kube-system');
    const inCluster = '/run/secrets/kubernetes.io/serviceaccount';
    const script = [
      'set -e',
      // A private /run: the in-cluster path exists only for this process tree.
      'mount -t tmpfs -o mode=0755 ztp-run /run',
      `mkdir -p ${inCluster}`,
      `cp "${dir}/token" "${dir}/ca.crt" "${dir}/namespace" ${inCluster}/`,
      `exec "${binary}" --hostname-override=${nodeName} --nfqueue-id=${network.queueId} --metrics-bind-address=127.0.0.1:0 --v=${options.verbosity ?? 0}`,
    ].join('\n');
    const knp = await network.spawn(network.router, ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script], {
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(relayPort) },
    });
    children.push(knp.child);
    knpOutput = knp.output;
    return { nodeName, output: () => knpOutput(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
