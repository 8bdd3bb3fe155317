import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { destroyNetns, destroyNetnsSync, sweepStaleNetns } from './netns.ts';

/*
 * The pod network of a local cluster, made of network namespaces only: a router namespace and
 * one namespace per pod, joined by a veth pair each. Pods get a /32 address from the pod range
 * and a default route through the router (169.254.1.1, on the router's loopback; every router
 * veth answers ARP for it). The router forwards between pods, and its FORWARD chain sends the
 * first packet of every pod-to-pod connection to an NFQUEUE, where kube-network-policies
 * decides. Nothing is added to the host's own namespace: no address, route or rule.
 */

/** Prefix of every network namespace made here: `ztplc-<pid>-<n>-...`. */
export const POD_NETNS_PREFIX = 'ztplc-';

/** The pod range every pod address must be in (it is only ever used inside these namespaces). */
export const POD_CIDR = '10.244.0.0/16';

const GATEWAY = '169.254.1.1';

/** One pod's place in the network. */
export interface PodHost {
  readonly id: string;
  readonly netns: string;
  readonly ip: string;
}

let counter = 0;
const live = new Set<PodNetwork>();
let hooked = false;

async function ip(...args: string[]): Promise<void> {
  const r = await execa('ip', args, { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`ip ${args.join(' ')}: ${String(r.stderr).trim()}`);
}

async function inNetns(netns: string, command: string, ...args: string[]): Promise<void> {
  const r = await execa('ip', ['netns', 'exec', netns, command, ...args], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} in ${netns}: ${String(r.stderr).trim()}`);
}

/** Why this process cannot build a pod network here (not root, no `ip`, no iptables, no netns), or undefined. */
export async function podNetworkUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the pod network needs root (network namespaces, iptables)';
  for (const [tool, pkg] of [['ip', 'iproute2'], ['iptables', 'iptables'], ['unshare', 'util-linux']] as const) {
    const r = await execa(tool, ['--version'], { reject: false });
    if (r.exitCode !== 0 && !(tool === 'ip' && (await execa('ip', ['-V'], { reject: false })).exitCode === 0)) {
      return `${tool} is not installed (apt-get install ${pkg})`;
    }
  }
  const name = `${POD_NETNS_PREFIX}${process.pid}-check`;
  const add = await execa('ip', ['netns', 'add', name], { reject: false });
  if (add.exitCode !== 0) return `'ip netns add' fails here: ${String(add.stderr).trim()}`;
  const nfq = await execa('ip', ['netns', 'exec', name, 'iptables', '-A', 'FORWARD', '-j', 'NFQUEUE', '--queue-num', '1'], { reject: false });
  await execa('ip', ['netns', 'delete', name], { reject: false });
  if (nfq.exitCode !== 0) return `the iptables NFQUEUE target is not available: ${String(nfq.stderr).trim()}`;
  return undefined;
}

/** Deletes namespaces left by pod networks whose process died (a kill -9 skips cleanup). Returns their names. */
export function sweepStalePodNetworks(): Promise<string[]> {
  return sweepStaleNetns(POD_NETNS_PREFIX);
}

/** A pod network; `destroy()` ends every process started in it and deletes its namespaces. */
export class PodNetwork {
  readonly prefix: string;
  /** The router namespace, where the NFQUEUE rule and kube-network-policies live. */
  readonly router: string;
  readonly queueId: number;
  readonly #pods = new Map<string, PodHost>();
  readonly #children: ResultPromise[] = [];
  readonly #exited = new Set<ResultPromise>();
  #destroyed = false;

  private constructor(prefix: string, queueId: number) {
    this.prefix = prefix;
    this.router = `${prefix}-r`;
    this.queueId = queueId;
  }

  /**
   * Makes the router namespace: forwarding on, the gateway address on its loopback, and the
   * rule that queues the first packet of every new pod-to-pod connection to `queueId` (no
   * listener on the queue means the packet is dropped: the network fails closed).
   */
  static async create(options: { queueId?: number } = {}): Promise<PodNetwork> {
    await sweepStalePodNetworks();
    const network = new PodNetwork(`${POD_NETNS_PREFIX}${process.pid}-${counter++}`, options.queueId ?? 100);
    live.add(network);
    hook();
    try {
      await ip('netns', 'add', network.router);
      await ip('-n', network.router, 'link', 'set', 'lo', 'up');
      await ip('-n', network.router, 'addr', 'add', `${GATEWAY}/32`, 'dev', 'lo');
      await inNetns(network.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
      await inNetns(
        network.router,
        'iptables', '-A', 'FORWARD', '-s', POD_CIDR, '-d', POD_CIDR,
        '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'NFQUEUE', '--queue-num', String(network.queueId),
      );
    } catch (error) {
      await network.destroy();
      throw error;
    }
    return network;
  }

  /** The pods added so far. */
  get pods(): ReadonlyMap<string, PodHost> {
    return this.#pods;
  }

  /** The pod `id`; throws if it was never added. */
  pod(id: string): PodHost {
    const p = this.#pods.get(id);
    if (p === undefined) throw new Error(`no pod ${id} in the pod network`);
    return p;
  }

  /** Adds a pod namespace with address `podIP` (inside POD_CIDR), reachable from every other pod through the router. */
  async addPod(id: string, podIP: string): Promise<PodHost> {
    if (this.#pods.has(id)) throw new Error(`pod ${id} is already in the pod network`);
    if (!/^10\.244\.\d{1,3}\.\d{1,3}$/.test(podIP)) throw new Error(`pod address ${podIP} is not in ${POD_CIDR}`);
    const index = this.#pods.size;
    const netns = `${this.prefix}-p${index}`;
    const veth = `v${index}`;
    await ip('netns', 'add', netns);
    const host: PodHost = { id, netns, ip: podIP };
    this.#pods.set(id, host);
    await ip('-n', this.router, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
    await ip('-n', this.router, 'link', 'set', veth, 'up');
    await ip('-n', this.router, 'route', 'add', `${podIP}/32`, 'dev', veth);
    await ip('-n', netns, 'link', 'set', 'lo', 'up');
    await ip('-n', netns, 'link', 'set', 'eth0', 'up');
    await ip('-n', netns, 'addr', 'add', `${podIP}/32`, 'dev', 'eth0');
    await ip('-n', netns, 'route', 'add', GATEWAY, 'dev', 'eth0', 'scope', 'link');
    await ip('-n', netns, 'route', 'add', 'default', 'via', GATEWAY, 'dev', 'eth0');
    return host;
  }

  /**
   * Starts `argv` inside namespace `netns` (a pod's, or the router's) in the background. With
   * `readyLine`, waits until it prints a line matching it (or exits, or `timeoutMs` passes).
   * Ended by `destroy()`.
   */
  async spawn(
    netns: string,
    argv: readonly string[],
    options: { readyLine?: RegExp; timeoutMs?: number; env?: Record<string, string> } = {},
  ): Promise<{ child: ResultPromise; output: () => string }> {
    const child = execa('ip', ['netns', 'exec', netns, ...argv], { reject: false, stdin: 'ignore', buffer: false, all: true, env: options.env });
    this.#children.push(child);
    void child.then(() => this.#exited.add(child));
    const lines: string[] = [];
    const output = () => lines.slice(-60).join('\n');
    const reader = createInterface({ input: child.all! });
    const ready = options.readyLine;
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 15_000;
      const timer = ready ? setTimeout(() => reject(new Error(`${argv.join(' ')} in ${netns} not ready after ${timeoutMs} ms:\n${output()}`)), timeoutMs) : undefined;
      reader.on('line', (line) => {
        lines.push(line);
        if (lines.length > 400) lines.splice(0, 200);
        if (ready?.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void child.then((r) => {
        clearTimeout(timer);
        if (ready) reject(new Error(`${argv.join(' ')} in ${netns} exited (${r.exitCode ?? r.signal}) before it was ready:\n${output()}`));
      });
      if (!ready) resolve();
    });
    return { child, output };
  }

  /** Stops a process started with spawn (SIGTERM, then SIGKILL after `graceMs`). */
  async stopChild(child: ResultPromise, graceMs = 3000): Promise<void> {
    if (this.#exited.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await child;
    clearTimeout(timer);
  }

  /** The namespaces made (router first). */
  get namespaces(): string[] {
    return [this.router, ...[...this.#pods.values()].map((p) => p.netns)];
  }

  /** Ends every process started in the network and deletes its namespaces. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    await destroyNetns(this.#children, (c) => !this.#exited.has(c as ResultPromise), Promise.allSettled(this.#children), this.namespaces, 3000);
  }

  /** The synchronous last resort on process exit. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    destroyNetnsSync(this.#children.filter((c) => !this.#exited.has(c)).map((c) => c.pid), this.namespaces);
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const n of live) n.destroySync();
  });
}
