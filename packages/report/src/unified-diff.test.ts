import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

const dir = mkdtempSync(join(tmpdir(), 'ztp-report-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The hunks `git diff --no-index` prints for the same two texts (its headers dropped). */
function gitHunks(before: string | undefined, after: string | undefined): string[] {
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  writeFileSync(a, before ?? '');
  writeFileSync(b, after ?? '');
  const r = spawnSync('git', ['diff', '--no-index', '--no-color', '-U3', a, b], { encoding: 'utf8' });
  const lines = r.stdout.split('\n');
  lines.pop();
  return lines.slice(lines.findIndex((l) => l.startsWith('@@'))).map((l) => (l.startsWith('@@') ? l.replace(/ @@.*$/, ' @@') : l));
}

const yaml = (n: number, change: (i: number) => string | undefined = () => undefined) =>
  Array.from({ length: n }, (_, i) => change(i) ?? `line-${i}: value`)
    .filter((l) => l !== '')
    .join('\n') + '\n';

describe('unifiedDiff', () => {
  it('writes the same hunks as git diff for a change in the middle of a file', () => {
    const before = yaml(40);
    const after = yaml(40, (i) => (i === 10 ? 'line-10: changed' : i === 30 ? '' : undefined));
    const d = unifiedDiff('network/x.yaml', before, after);
    expect(d.lines.slice(0, 2)).toEqual(['--- a/network/x.yaml', '+++ b/network/x.yaml']);
    expect(d.lines.slice(2)).toEqual(gitHunks(before, after));
    expect([d.added, d.removed]).toEqual([1, 2]);
  });

  it('writes an added file against /dev/null from line 0, as git does', () => {
    const d = unifiedDiff('identity/ns.yaml', undefined, 'a: 1\nb: 2\n');
    expect(d.lines).toEqual(['--- /dev/null', '+++ b/identity/ns.yaml', '@@ -0,0 +1,2 @@', '+a: 1', '+b: 2']);
  });

  it('writes a removed file against /dev/null', () => {
    const d = unifiedDiff('identity/ns.yaml', 'a: 1\n', undefined);
    expect(d.lines).toEqual(['--- a/identity/ns.yaml', '+++ /dev/null', '@@ -1 +0,0 @@', '-a: 1']);
    expect(d.lines.slice(2)).toEqual(gitHunks('a: 1\n', ''));
  });

  it('says when the last line has no newline', () => {
    const d = unifiedDiff('f', 'a\nb', 'a\nc');
    expect(d.lines).toContain('\\ No newline at end of file');
  });
});
