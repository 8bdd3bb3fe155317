import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { resolveTool } from '@ztp/tools';
import { ensureNamespace, ensureServiceAccount, grantAuthDelegator, serviceAccountToken } from './bootstrap.ts';
import { makePki } from './pki.ts';
import { freePort } from './ports.ts';
import { startProcess, type Started } from './processes.ts';
import { KubeRest } from './rest.ts';

/** Options of startLocalCluster. */
export interface LocalClusterOptions {
  /** An audit policy file for the apiserver (`--audit-policy-file`); the log goes to `auditLogPath`. @default none: no audit log */
  readonly auditPolicyFile?: string;
  /** More kube-apiserver flags, e.g. `--feature-gates=...`. @default none */
  readonly apiserverArgs?: readonly string[];
  /** How long to wait for `/readyz`. @default 60000 */
  readonly readyTimeoutMs?: number;
  /** The directory to work in (certificates, etcd data, logs). @default a fresh directory in the OS temp dir, removed by stop() */
  readonly dir?: string;
}

/** A running local control plane. */
export interface LocalCluster {
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** The cluster CA (PEM), which signed the apiserver's serving certificate. */
  readonly caPem: string;
  readonly caFile: string;
  /** A bearer token in `system:masters`. */
  readonly adminToken: string;
  /** A kubeconfig file for kubectl and other tools (context `ztp-local`). */
  readonly kubeconfigPath: string;
  /** The same, for @kubernetes/client-node. */
  readonly kubeConfig: KubeConfig;
  /** A small REST client (discovery, apply, dry runs, status). */
  readonly rest: KubeRest;
  /** The working directory (certificates, etcd data, the audit log). */
  readonly dir: string;
  /** Where the audit log is written when an audit policy was given. */
  readonly auditLogPath: string;
  /** The apiserver's token file and signing key, for components started beside it. */
  readonly tokenFile: string;
  /** Milliseconds from start() to a ready apiserver. */
  readonly startupMs: number;
  /** The process ids of etcd and kube-apiserver (for measuring them). */
  readonly pids: readonly (number | undefined)[];
  /** Creates a namespace (and its `default` ServiceAccount) if missing. */
  ensureNamespace(name: string, labels?: Readonly<Record<string, string>>): Promise<void>;
  /** Creates a ServiceAccount if missing. */
  ensureServiceAccount(namespace: string, name: string): Promise<void>;
  /** A ServiceAccount token from the TokenRequest API. */
  serviceAccountToken(namespace: string, name: string, options?: { audiences?: readonly string[]; expirationSeconds?: number }): Promise<string>;
  /** Binds a ServiceAccount to `system:auth-delegator` (for TokenReviews, e.g. by Vault). */
  grantAuthDelegator(namespace: string, name: string): Promise<void>;
  /** Stops every process it started and removes its directory (unless `dir` was given). */
  stop(): Promise<void>;
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>, processes: readonly Started[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const p of processes) {
      if (p.exited()) throw new Error(`${p.name} exited while waiting for ${what}:\n${p.output().split('\n').slice(-25).join('\n')}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      const tails = processes.map((p) => `--- ${p.name}:\n${p.output().split('\n').slice(-15).join('\n')}`).join('\n');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${tails}`);
    }
    await sleep(100);
  }
}

/**
 * Starts etcd and kube-apiserver (the pinned builds from @ztp/tools) on free loopback ports,
 * with a private PKI in a temporary directory, and waits for `/readyz`. There is no
 * controller-manager, scheduler or kubelet: see bootstrap.ts for what the library does in their
 * place. The apiserver runs with its default admission plugins (PodSecurity and
 * ValidatingAdmissionPolicy among them), RBAC, and `--allow-privileged=true` so that privileged
 * pods are judged by admission policies rather than refused by the apiserver itself.
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  // Free ports are picked, then bound by another process: another test worker may take one in
  // between. Only that is retried, with new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/address already in use/i.test(String(error))) throw error;
    }
  }
}

/** The prefix of a cluster's own directory in the temp dir; the pid of the process that made it follows. */
const DIR_PREFIX = 'ztp-local-cluster-';

/**
 * Removes the directories of local clusters whose process is gone (about 120 MB each: etcd's
 * preallocated log). A process that is killed (a test worker ended by its runner, a CLI
 * interrupted) runs no exit hook, so its cluster's directory would stay behind, run after run,
 * until the disk is full. Directories of live processes, and of others than ztp's, are left alone.
 */
export async function removeLeftoverClusterDirs(tmp = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const pid = new RegExp(`^${DIR_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    await rm(join(tmp, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but is not ours to signal
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function startOnce(options: LocalClusterOptions): Promise<LocalCluster> {
  const started = Date.now();
  const [etcdBin, apiserverBin] = [await resolveTool('etcd'), await resolveTool('kube-apiserver')];
  const ownDir = options.dir === undefined;
  if (ownDir) await removeLeftoverClusterDirs();
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`)));
  const processes: Started[] = [];
  const stop = async () => {
    for (const p of [...processes].reverse()) await p.stop();
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const pki = await makePki(dir);
    const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
    const etcd = startProcess('etcd', etcdBin, [
      '--name=ztp',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=ztp=http://127.0.0.1:${etcdPeer}`,
      '--listen-metrics-urls=',
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    processes.push(etcd);

    const auditLogPath = join(dir, 'audit.log');
    const apiserver = startProcess('kube-apiserver', apiserverBin, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--tls-cert-file=${pki.serverCertFile}`,
      `--tls-private-key-file=${pki.serverKeyFile}`,
      `--client-ca-file=${pki.caFile}`,
      `--token-auth-file=${pki.tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPublicKeyFile}`,
      `--service-account-signing-key-file=${pki.serviceAccountKeyFile}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=0',
      ...(options.auditPolicyFile === undefined
        ? []
        : [`--audit-policy-file=${options.auditPolicyFile}`, `--audit-log-path=${auditLogPath}`, '--audit-log-format=json', '--audit-log-mode=blocking']),
      ...(options.apiserverArgs ?? []),
    ]);
    processes.push(apiserver);

    const server = `https://127.0.0.1:${securePort}`;
    const rest = new KubeRest(server, pki.adminToken, pki.caPem);
    await waitUntil('kube-apiserver /readyz', options.readyTimeoutMs ?? 60_000, async () => (await rest.request('GET', '/readyz')).status === 200, processes);

    const kubeconfigPath = join(dir, 'kubeconfig');
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'ztp-local', cluster: { server, 'certificate-authority-data': Buffer.from(pki.caPem).toString('base64') } }],
      users: [{ name: 'ztp-admin', user: { token: pki.adminToken } }],
      contexts: [{ name: 'ztp-local', context: { cluster: 'ztp-local', user: 'ztp-admin' } }],
      'current-context': 'ztp-local',
    };
    await writeFile(kubeconfigPath, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
    // loaded here, not at the top: the client is about 1,000 modules, which the commands that
    // import this package only for its other parts (admission engines, validation) need not load
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);

    return {
      server,
      caPem: pki.caPem,
      caFile: pki.caFile,
      adminToken: pki.adminToken,
      kubeconfigPath,
      kubeConfig,
      rest,
      dir,
      auditLogPath,
      tokenFile: pki.tokenFile,
      startupMs: Date.now() - started,
      pids: processes.map((p) => p.child.pid),
      ensureNamespace: (name, labels) => ensureNamespace(rest, name, labels),
      ensureServiceAccount: (namespace, name) => ensureServiceAccount(rest, namespace, name),
      serviceAccountToken: (namespace, name, tokenOptions) => serviceAccountToken(rest, namespace, name, tokenOptions),
      grantAuthDelegator: (namespace, name) => grantAuthDelegator(rest, namespace, name),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
