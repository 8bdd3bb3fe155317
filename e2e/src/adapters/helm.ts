import { execa } from 'execa';

/** Helm through its CLI (the pinned binary). */
export class Helm {
  readonly binary: string;

  constructor(binary: string) {
    this.binary = binary;
  }

  /** `helm template` with the install's arguments: the manifests the release would create, or why they cannot be rendered. */
  async template(installArgs: readonly string[]): Promise<{ manifests: string } | { error: string }> {
    // `upgrade --install NAME CHART ... --wait --timeout T --kubeconfig F` → `template NAME CHART ...`
    const args: string[] = ['template'];
    for (let i = 0; i < installArgs.length; i++) {
      const a = installArgs[i]!;
      if (a === 'upgrade' || a === '--install' || a === '--wait') continue;
      if (a === '--timeout' || a === '--kubeconfig') {
        i++;
        continue;
      }
      args.push(a);
    }
    const r = await execa(this.binary, args, { reject: false, timeout: 300_000 });
    return r.exitCode === 0 ? { manifests: String(r.stdout) } : { error: `helm ${args.slice(0, 7).join(' ')} … failed: ${String(r.stderr || r.message).trim().split('\n').slice(-3).join(' | ')}` };
  }

  async run(args: readonly string[], log: (line: string) => void): Promise<void> {
    const r = await execa(this.binary, [...args], { reject: false, all: true, timeout: 1_200_000 });
    for (const l of String(r.all ?? '').split('\n').filter((x) => x.trim())) log(`  helm: ${l}`);
    if (r.exitCode !== 0) throw new Error(`helm ${args.slice(0, 4).join(' ')} failed (exit ${r.exitCode})`);
  }
}
