import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { removeLeftoverClusterDirs } from './cluster.ts';

describe('removeLeftoverClusterDirs', () => {
  it('removes the directories of clusters whose process is gone, and only those', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ztp-leftovers-'));
    try {
      // a process that has exited: its pid is free
      const gone = (await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])).stdout;
      const make = (name: string) => {
        mkdirSync(join(tmp, name, 'etcd'), { recursive: true });
        writeFileSync(join(tmp, name, 'etcd', 'wal'), 'x');
      };
      make(`ztp-local-cluster-${gone}-abc123`);
      make(`ztp-local-cluster-${process.pid}-def456`);
      make('ztp-local-cluster-noPid');
      make('something-else');
      expect(await removeLeftoverClusterDirs(tmp)).toEqual([`ztp-local-cluster-${gone}-abc123`]);
      expect(existsSync(join(tmp, `ztp-local-cluster-${gone}-abc123`))).toBe(false);
      for (const kept of [`ztp-local-cluster-${process.pid}-def456`, 'ztp-local-cluster-noPid', 'something-else']) expect(existsSync(join(tmp, kept)), kept).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
