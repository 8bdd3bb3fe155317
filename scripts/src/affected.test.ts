import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The projects Nx considers affected by a change to `files`, from the real project graph. */
async function affected(...files: string[]): Promise<string[]> {
  const r = await execa('nx', ['show', 'projects', '--affected', `--files=${files.join(',')}`, '--json'], { cwd: ROOT, preferLocal: true, env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  return (JSON.parse(r.stdout) as string[]).sort();
}

/**
 * Projects that read every example environment (cross-checks, benchmarks, end-to-end plans, the
 * publish and bench scripts): a change to any environment rightly affects them too. Nothing else may be.
 */
const ENVIRONMENT_CONSUMERS = ['@ztp/analyzers', '@ztp/bench', '@ztp/e2e', '@ztp/scripts'];
const withoutConsumers = (set: string[]) => set.filter((p) => !ENVIRONMENT_CONSUMERS.includes(p));

describe('nx affected follows the code', () => {
  it('a change to one environment affects only that environment (and the consumers of every environment)', async () => {
    expect(withoutConsumers(await affected('environments/dev/src/environment.ts'))).toEqual(['@ztp/env-dev']);
  });

  it('a change to a policy module affects every environment that imports it', async () => {
    expect(withoutConsumers(await affected('policies/mesh/src/index.ts'))).toEqual(['@ztp/env-dev', '@ztp/env-production', '@ztp/env-staging', '@ztp/policy-mesh']);
  });

  it('a change to the model affects the compiler, the CLI, the policy modules and every environment', async () => {
    const set = await affected('packages/model/src/flow.ts');
    for (const p of ['@ztp/model', '@ztp/compiler', '@ztp/cli', '@ztp/policy-mesh', '@ztp/policy-network-baseline', '@ztp/env-dev', '@ztp/env-staging', '@ztp/env-production']) expect(set).toContain(p);
    expect(set).not.toContain('@ztp/tools');
  });

  it('a change to the CLI affects every environment (their compile target runs it)', async () => {
    expect(withoutConsumers(await affected('packages/cli/src/main.ts'))).toEqual(['@ztp/cli', '@ztp/env-dev', '@ztp/env-production', '@ztp/env-staging']);
  });
});
