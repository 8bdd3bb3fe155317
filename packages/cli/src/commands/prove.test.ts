import { dataplaneUnavailable } from '@ztp/local-cluster';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';

const reason = await dataplaneUnavailable();
if (reason !== undefined) console.log(`ztp prove: ${reason}`);

function io() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (t: string) => stdout.push(t), err: (t: string) => stderr.push(t), cwd: process.cwd(), stdout, stderr };
}

describe('ztp prove (arguments)', () => {
  it('refuses an unknown environment with the known ones, before starting anything', async () => {
    const x = io();
    expect(await main(['prove', 'nowhere'], x)).toBe(2);
    expect(x.stderr.join('\n')).toMatch(/unknown environment nowhere; the repository has dev, production, staging/);
  });

  it('refuses a bad concurrency', async () => {
    const x = io();
    expect(await main(['prove', '--concurrency', '0'], x)).toBe(2);
    expect(x.stderr.join('\n')).toMatch(/--concurrency must be a positive integer/);
  });
});

describe.skipIf(reason !== undefined)('ztp prove staging (real packets)', () => {
  it('passes, and names every cell only a Cilium policy decides as not covered, never as passed', async () => {
    const x = io();
    const code = await main(['prove', 'staging'], x);
    const text = x.stdout.join('\n');
    expect(code, `${text}\n${x.stderr.join('\n')}`).toBe(0);
    expect(text).toMatch(/not covered by this run \(decided by CiliumNetworkPolicy staging\/ztp-api-server-l7/);
    expect(text).toMatch(/local kube-apiserver v1\.35\.4 \+ kube-network-policies/);
  }, 300_000);
});
