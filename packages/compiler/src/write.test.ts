import { chmodSync, closeSync, linkSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('writeTreeAtomically over a previous tree', () => {
  it('links the files whose content is unchanged and writes the others, never through a link', () => {
    dir = mkdtempSync(join(tmpdir(), 'ztp-write-'));
    const target = join(dir, 'bundle');
    writeTreeAtomically(target, new Map([['same.yaml', 'same'], ['sub/changed.yaml', 'old']]));
    const sameIno = statSync(join(target, 'same.yaml')).ino;
    const changedIno = statSync(join(target, 'sub/changed.yaml')).ino;
    // an open descriptor on the previous file: it must still read the old content afterwards
    const fd = openSync(join(target, 'sub/changed.yaml'), 'r');
    try {
      writeTreeAtomically(target, new Map([['same.yaml', 'same'], ['sub/changed.yaml', 'new'], ['added.yaml', 'added']]));
      expect(listFiles(target)).toEqual(['added.yaml', 'same.yaml', 'sub/changed.yaml']);
      expect(statSync(join(target, 'same.yaml')).ino).toBe(sameIno);
      expect(statSync(join(target, 'sub/changed.yaml')).ino).not.toBe(changedIno);
      expect(readFileSync(join(target, 'sub/changed.yaml'), 'utf8')).toBe('new');
      const old = Buffer.alloc(16);
      expect(old.toString('utf8', 0, readSync(fd, old, 0, 16, 0))).toBe('old');
    } finally {
      closeSync(fd);
    }
  });

  it('writes a new file where the previous one is also linked from outside the bundle', () => {
    dir = mkdtempSync(join(tmpdir(), 'ztp-write-'));
    const target = join(dir, 'bundle');
    writeTreeAtomically(target, new Map([['same.yaml', 'same']]));
    linkSync(join(target, 'same.yaml'), join(dir, 'outside.yaml'));
    writeTreeAtomically(target, new Map([['same.yaml', 'same']]));
    expect(statSync(join(target, 'same.yaml')).ino).not.toBe(statSync(join(dir, 'outside.yaml')).ino);
    expect(statSync(join(target, 'same.yaml')).nlink).toBe(1);
    expect(readFileSync(join(target, 'same.yaml'), 'utf8')).toBe('same');
  });

  it('writes a new file where the previous tree has a symbolic link or an executable file with the same content', () => {
    dir = mkdtempSync(join(tmpdir(), 'ztp-write-'));
    const target = join(dir, 'bundle');
    writeTreeAtomically(target, new Map([['exec.yaml', 'x'], ['plain.yaml', 'p']]));
    writeFileSync(join(dir, 'elsewhere.yaml'), 'l');
    symlinkSync(join(dir, 'elsewhere.yaml'), join(target, 'link.yaml'));
    chmodSync(join(target, 'exec.yaml'), 0o755);
    writeTreeAtomically(target, new Map([['exec.yaml', 'x'], ['link.yaml', 'l'], ['plain.yaml', 'p']]));
    expect(lstatSync(join(target, 'link.yaml')).isFile()).toBe(true);
    expect(readFileSync(join(target, 'link.yaml'), 'utf8')).toBe('l');
    expect(statSync(join(target, 'exec.yaml')).mode & 0o111).toBe(0);
    expect(readFileSync(join(target, 'exec.yaml'), 'utf8')).toBe('x');
  });

  it('leaves the previous tree as it was when a write that reused some of its files fails', () => {
    dir = mkdtempSync(join(tmpdir(), 'ztp-write-'));
    const target = join(dir, 'bundle');
    writeTreeAtomically(target, new Map([['a.yaml', 'a'], ['b.yaml', 'b']]));
    expect(() => writeTreeAtomically(target, new Map([['a.yaml', 'a'], ['b.yaml', 'B'], ['x', 'file'], ['x/y.yaml', 'y']]))).toThrow();
    expect(listFiles(target)).toEqual(['a.yaml', 'b.yaml']);
    expect(readFileSync(join(target, 'a.yaml'), 'utf8')).toBe('a');
    expect(readFileSync(join(target, 'b.yaml'), 'utf8')).toBe('b');
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
