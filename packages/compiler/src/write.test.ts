import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffBundle, isClean, listFiles, writeTreeAtomically } from './write.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeTreeAtomically', () => {
  it('replaces the folder with exactly the new files', () => {
    dir = mkdtempSync(join(tmpdir(), 'ztp-write-'));
    const target = join(dir, 'bundle');
    writeTreeAtomically(target, new Map([['a.yaml', 'a'], ['sub/stale.yaml', 'old']]));
    writeTreeAtomically(target, new Map([['a.yaml', 'a2'], ['sub/b.yaml', 'b']]));
    expect(listFiles(target)).toEqual(['a.yaml', 'sub/b.yaml']);
    expect(readFileSync(join(target, 'a.yaml'), 'utf8')).toBe('a2');
    expect(readdirSync(dir)).toEqual(['bundle']);
  });

  it('leaves the previous folder exactly as it was when a write fails half-way', () => {
    dir = mkdtempSync(join(tmpdir(), 'ztp-write-'));
    const target = join(dir, 'bundle');
    writeTreeAtomically(target, new Map([['a.yaml', 'a']]));
    // 'x' is written as a file and then needed as a folder: the write fails after its first file.
    expect(() => writeTreeAtomically(target, new Map([['b.yaml', 'b'], ['x', 'file'], ['x/y.yaml', 'y']]))).toThrow();
    expect(listFiles(target)).toEqual(['a.yaml']);
    expect(readFileSync(join(target, 'a.yaml'), 'utf8')).toBe('a');
    expect(readdirSync(dir)).toEqual(['bundle']);
  });
});

describe('diffBundle', () => {
  it('names added, removed and changed files', () => {
    dir = mkdtempSync(join(tmpdir(), 'ztp-write-'));
    writeTreeAtomically(dir + '/b', new Map([['same', '1'], ['changed', 'old'], ['removed', 'x']]));
    const d = diffBundle({ environment: 'e', files: new Map([['same', '1'], ['changed', 'new'], ['added', 'y']]), objectFiles: [] }, dir + '/b');
    expect(d).toEqual({ environment: 'e', added: ['added'], removed: ['removed'], changed: ['changed'] });
    expect(isClean(d)).toBe(false);
  });
});
