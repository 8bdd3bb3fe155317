import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { destroyNetns, destroyNetnsSync, sweepStaleNetns } from '@ztp/local-cluster';
import type { ExecResult, SourceExec } from '../probe-runner.ts';

/** Prefix of every network namespace this module creates: `ztpe2e-<pid>-<n>-...`. */
export const NETNS_PREFIX = 'ztpe2e-';

/**
 * `SourceExec` for sources that are local network namespaces: `ip netns exec <netns> argv...`.
 * `netnsOf` maps a plan's source id to its namespace.
 */
export class NetnsExec implements SourceExec {
  readonly name = 'ip netns exec';
  readonly #netnsOf: (source: string) => string | undefined;

  constructor(netnsOf: (source: string) => string | undefined) {
    this.#netnsOf = netnsOf;
  }

  async run(source: string, argv: readonly string[], options: { signal: AbortSignal; timeoutMs: number }): Promise<ExecResult> {
    const netns = this.#netnsOf(source);
    if (netns === undefined) return { stdout: '', stderr: `no network namespace for source ${source}`, exitCode: undefined };
    const r = await execa('ip', ['netns', 'exec', netns, ...argv], { reject: false, timeout: options.timeoutMs, cancelSignal: options.signal, stdin: 'ignore' });
    return { stdout: String(r.stdout), stderr: r.timedOut ? `timed out after ${options.timeoutMs}ms` : r.isCanceled ? 'interrupted' : String(r.stderr), exitCode: r.timedOut || r.isCanceled ? undefined : r.exitCode };
  }
}

/** Whether this process can create network namespaces (root, `ip` present, the kernel allows it), or why not. */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root (run as root, as CI does)';
  const ip = await execa('ip', ['-V'], { reject: false });
  if (ip.exitCode !== 0) return `'ip' (iproute2) is not installed: ${String(ip.stderr || ip.message).split('\n')[0]}`;
  const name = `${NETNS_PREFIX}${process.pid}-check`;
  const add = await execa('ip', ['netns', 'add', name], { reject: false });
  await execa('ip', ['netns', 'delete', name], { reject: false });
  if (add.exitCode !== 0) return `'ip netns add' fails here: ${String(add.stderr).trim()}`;
  return undefined;
}

/** One member of a lab: a network namespace with one address on the lab's bridge. */
export interface LabMember {
  readonly id: string;
  readonly netns: string;
  readonly address: string;
}

/** How a lab drops traffic (both are real packet drops inside the destination's namespace). */
export type DropMechanism = 'iptables' | 'ip-rule';

let labCounter = 0;
const liveLabs = new Set<NetnsLab>();
let exitHookInstalled = false;

/**
 * Deletes namespaces left by labs whose process has died (a crash or a kill -9 skips cleanup),
 * ending the processes still running inside them first. Only `ztpe2e-<pid>-` namespaces of dead
 * pids are touched. Returns their names.
 */
export function sweepStaleLabs(): Promise<string[]> {
  return sweepStaleNetns(NETNS_PREFIX);
}

/**
 * A small network of local network namespaces for probing without a cluster: a switch
 * namespace holding a bridge, and one namespace per member, joined to the bridge by a veth pair,
 * each with one address from `subnet` (used only inside these namespaces; nothing is added to
 * the host's own namespace). Members run the probe agent (`spawn`), drop traffic like a policy
 * would (`drop`), and are the sources of a `NetnsExec` (`exec`). `destroy()` ends every process
 * it started and deletes every namespace; a process exit does the same.
 */
export class NetnsLab {
  readonly prefix: string;
  readonly members: ReadonlyMap<string, LabMember>;
  readonly dropMechanism: DropMechanism;
  readonly #switchNs: string;
  readonly #children: ResultPromise[] = [];
  readonly #exited = new Set<ResultPromise>();
  #ruleTable = 100;
  #destroyed = false;

  private constructor(prefix: string, members: Map<string, LabMember>, switchNs: string, dropMechanism: DropMechanism) {
    this.prefix = prefix;
    this.members = members;
    this.#switchNs = switchNs;
    this.dropMechanism = dropMechanism;
  }

  /** Creates the lab: `ids` become members with addresses `<subnet>.10`, `.11`, ... (a /24 given as `a.b.c`); drops use iptables when it is installed, else `ip rule`, unless `drop` says. */
  static async create(ids: readonly string[], options: { subnet?: string; drop?: DropMechanism } = {}): Promise<NetnsLab> {
    const subnet = options.subnet ?? '10.250.0';
    if (!/^\d+\.\d+\.\d+$/.test(subnet)) throw new Error(`subnet must be the first three octets of a /24, e.g. 10.250.0, not ${subnet}`);
    if (ids.length > 200) throw new Error('a lab holds at most 200 members');
    const prefix = `${NETNS_PREFIX}${process.pid}-${labCounter++}`;
    const switchNs = `${prefix}-sw`;
    const members = new Map<string, LabMember>();
    const created: string[] = [];
    const iptables = await execa('iptables', ['--version'], { reject: false });
    const lab = new NetnsLab(prefix, members, switchNs, options.drop ?? (iptables.exitCode === 0 ? 'iptables' : 'ip-rule'));
    liveLabs.add(lab);
    installExitHook();
    const ip = async (...args: string[]) => {
      const r = await execa('ip', args, { reject: false });
      if (r.exitCode !== 0) throw new Error(`ip ${args.join(' ')}: ${String(r.stderr).trim()}`);
    };
    try {
      await ip('netns', 'add', switchNs);
      created.push(switchNs);
      await ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
      await ip('-n', switchNs, 'link', 'set', 'br0', 'up');
      for (const [i, id] of ids.entries()) {
        const netns = `${prefix}-m${i}`;
        await ip('netns', 'add', netns);
        created.push(netns);
        const address = `${subnet}.${10 + i}`;
        await ip('-n', switchNs, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
        await ip('-n', switchNs, 'link', 'set', `p${i}`, 'master', 'br0');
        await ip('-n', switchNs, 'link', 'set', `p${i}`, 'up');
        await ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        await ip('-n', netns, 'link', 'set', 'eth0', 'up');
        await ip('-n', netns, 'link', 'set', 'lo', 'up');
        members.set(id, { id, netns, address });
      }
    } catch (e) {
      await lab.destroy();
      throw e;
    }
    return lab;
  }

  /** The namespaces the lab made (switch first). */
  get namespaces(): string[] {
    return [this.#switchNs, ...[...this.members.values()].map((m) => m.netns)];
  }

  member(id: string): LabMember {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`no lab member ${id}`);
    return m;
  }

  /** A `SourceExec` whose sources are this lab's members. */
  exec(): NetnsExec {
    return new NetnsExec((id) => this.members.get(id)?.netns);
  }

  /**
   * Starts `argv` (the agent's `serve`) inside member `id` and waits for its `{"ready":true}`
   * line (or its exit). The process is ended by `destroy()`.
   */
  async spawn(id: string, argv: readonly string[], timeoutMs = 10_000): Promise<{ pid: number | undefined; ready: unknown }> {
    const child = execa('ip', ['netns', 'exec', this.member(id).netns, ...argv], { reject: false, stdin: 'ignore', buffer: false });
    this.#children.push(child);
    void child.then(() => this.#exited.add(child));
    const lines = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${argv.join(' ')} in ${id} not ready after ${timeoutMs}ms: ${stderr}`)), timeoutMs);
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { ready?: boolean };
          if (parsed.ready === true) {
            clearTimeout(timer);
            resolve(parsed);
          }
        } catch {
          // not the ready line
        }
      });
      void child.then((r) => {
        clearTimeout(timer);
        reject(new Error(`${argv.join(' ')} in ${id} exited (${r.exitCode}) before it was ready: ${stderr}`));
      });
    });
    return { pid: child.pid, ready };
  }

  /**
   * Drops `protocol/port` traffic from member `from` to member `to`, inside `to`'s namespace, as
   * a policy drop would: nothing answers, the caller times out. With iptables: an INPUT DROP
   * rule. Without it: a policy route that blackholes `to`'s replies to `from` from that port.
   */
  async drop(from: string, to: string, protocol: 'tcp' | 'udp', port: number): Promise<void> {
    const src = this.member(from).address;
    const dst = this.member(to);
    const run = async (cmd: string, args: string[]) => {
      const r = await execa('ip', ['netns', 'exec', dst.netns, cmd, ...args], { reject: false });
      if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${to}: ${String(r.stderr).trim()}`);
    };
    if (this.dropMechanism === 'iptables') {
      await run('iptables', ['-A', 'INPUT', '-s', src, '-p', protocol, '--dport', String(port), '-j', 'DROP']);
    } else {
      const table = String(this.#ruleTable++);
      await run('ip', ['route', 'add', 'blackhole', 'default', 'table', table]);
      await run('ip', ['rule', 'add', 'to', src, 'ipproto', protocol, 'sport', String(port), 'table', table]);
    }
  }

  /** Ends every process the lab started and deletes its namespaces. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    liveLabs.delete(this);
    await destroyNetns(this.#children, (c) => !this.#exited.has(c as ResultPromise), Promise.allSettled(this.#children), this.namespaces, 2000);
  }

  /** The synchronous last resort on process exit. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    destroyNetnsSync(this.#children.filter((c) => !this.#exited.has(c)).map((c) => c.pid), this.namespaces);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
}
