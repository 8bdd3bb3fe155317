import type { Kube } from './kube.ts';
import type { KubeExec } from './kube-exec.ts';
import type { PolicyBarrier } from '../probe-runner.ts';

/** Reads the policy revision from `cilium-dbg policy get -o json` (`{"revision": N}`) or its text form (`Revision: N`). */
export function parseRevision(output: string): number | undefined {
  const json = /"revision"\s*:\s*(\d+)/i.exec(output);
  const text = /^Revision:\s*(\d+)/m.exec(output);
  const v = json?.[1] ?? text?.[1];
  return v === undefined ? undefined : Number(v);
}

/**
 * Waits until Cilium has realized the applied policies: in every Cilium agent pod, reads the
 * agent's current policy revision and runs `cilium-dbg policy wait <revision>`, which returns
 * once every local endpoint runs that revision. Throws when an agent cannot say (the probes must
 * not start against policies that are not in place).
 */
export class CiliumPolicyBarrier implements PolicyBarrier {
  readonly name = 'Cilium policy revision';
  readonly #kube: Kube;
  readonly #exec: (namespace: string, pod: string) => KubeExec;
  readonly #timeoutS: number;

  constructor(kube: Kube, execFor: (namespace: string, pod: string) => KubeExec, timeoutS = 180) {
    this.#kube = kube;
    this.#exec = execFor;
    this.#timeoutS = timeoutS;
  }

  async waitRealized(signal: AbortSignal): Promise<string> {
    const agents = await this.#kube.runningPods('kube-system', 'k8s-app=cilium');
    if (agents.length === 0) throw new Error('no running Cilium agent pod (kube-system, k8s-app=cilium)');
    const done: string[] = [];
    for (const pod of agents) {
      const exec = this.#exec('kube-system', pod);
      const get = await exec.run(pod, ['cilium-dbg', 'policy', 'get', '-o', 'json'], { signal, timeoutMs: 60_000 });
      const revision = parseRevision(get.stdout) ?? parseRevision((await exec.run(pod, ['cilium-dbg', 'policy', 'get'], { signal, timeoutMs: 60_000 })).stdout);
      if (revision === undefined) throw new Error(`Cilium agent ${pod} did not report its policy revision: ${get.stderr.trim().slice(0, 300)}`);
      const wait = await exec.run(pod, ['cilium-dbg', 'policy', 'wait', String(revision), '--max-wait-time', String(this.#timeoutS)], { signal, timeoutMs: (this.#timeoutS + 30) * 1000 });
      if (wait.exitCode !== 0) throw new Error(`Cilium agent ${pod}: endpoints did not reach policy revision ${revision}: ${(wait.stderr || wait.stdout).trim().slice(-300)}`);
      done.push(`${pod} at revision ${revision}`);
    }
    return `every endpoint runs its agent's policy revision (${done.join(', ')})`;
  }
}
