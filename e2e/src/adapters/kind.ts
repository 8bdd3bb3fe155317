import { execa } from 'execa';

/** kind through its CLI (the pinned binary `resolveTool('kind')` found). */
export class Kind {
  readonly binary: string;

  constructor(binary: string) {
    this.binary = binary;
  }

  async clusters(): Promise<string[]> {
    const r = await execa(this.binary, ['get', 'clusters'], { reject: false });
    return String(r.stdout).split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('No kind clusters'));
  }

  /** Creates the cluster from a config file, writing its kubeconfig to `kubeconfig` (the user's own is left alone). */
  async create(name: string, configFile: string, kubeconfig: string, log: (line: string) => void): Promise<void> {
    const child = execa(this.binary, ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', kubeconfig, '--retain=false'], { reject: false, all: true });
    child.all?.on('data', (d: Buffer) => d.toString().split('\n').filter((l) => l.trim()).forEach((l) => log(`  kind: ${l.trim()}`)));
    const r = await child;
    if (r.exitCode !== 0) throw new Error(`kind create cluster ${name} failed (exit ${r.exitCode}): ${String(r.all ?? '').trim().split('\n').slice(-5).join(' | ')}`);
  }

  /** Copies a local Docker image into every node. */
  async load(name: string, image: string): Promise<void> {
    const r = await execa(this.binary, ['load', 'docker-image', image, '--name', name], { reject: false });
    if (r.exitCode !== 0) throw new Error(`kind load docker-image ${image} failed: ${String(r.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  }

  /** Deletes the cluster; resolves with an error message instead of throwing (cleanup must go on). */
  async delete(name: string): Promise<string | undefined> {
    const r = await execa(this.binary, ['delete', 'cluster', '--name', name], { reject: false, timeout: 300_000 });
    return r.exitCode === 0 ? undefined : `kind delete cluster --name ${name} failed: ${String(r.stderr || r.message).trim()}`;
  }
}
