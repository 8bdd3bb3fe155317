import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Document, parse, parseAllDocuments, visit } from 'yaml';
import { canonical, toJson, toJsonRows, toYaml } from './serialize.ts';

/**
 * go-yaml v2's `resolve` (sigs.k8s.io/yaml, the YAML reader of the apiserver, kubectl and Argo
 * CD), written out again from its source for the test: whether it reads a plain scalar as
 * something other than a string.
 */
function kubernetesReadsAsNonString(s: string): boolean {
  const words = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '', '~', 'null', 'Null', 'NULL'];
  const floats = ['.nan', '.NaN', '.NAN', ...['', '+', '-'].flatMap((sign) => ['.inf', '.Inf', '.INF'].map((w) => sign + w))];
  if ([...words, ...floats, '<<'].includes(s)) return true;
  if (!/^[-+.0-9]/.test(s)) return false;
  if (/^\d{4}-\d{1,2}-\d{1,2}/.test(s)) return true; // every form parseTimestamp takes starts with a date
  if (/^[-+]?\d[\d_]*(:[0-5]?\d)+(\.[\d_]*)?$/.test(s)) return true; // base 60: not go-yaml v2's, but other YAML 1.1 readers'
  const plain = s.replaceAll('_', '');
  if (/^[-+]?(0x[0-9a-f]+|0o[0-7]+|0b[01]+|0[0-7]*|[1-9][0-9]*)$/i.test(plain)) return true; // strconv.ParseInt(plain, 0, 64)
  if (/^0b[-+][01]+$/.test(plain)) return true; // then, after "0b", strconv.ParseInt(plain[2:], 2, 64)
  return /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain); // yamlStyleFloat
}

/**
 * The reference: the `yaml` package's Document model, which `toYaml` replaced (same options), told
 * to double-quote the strings Kubernetes would not read as strings (YAML 1.2 reads them plain as
 * strings, so the package alone leaves them plain). The direct writer must produce exactly its bytes.
 */
function packageYaml(value: unknown, sortKeys: boolean): string {
  const doc = new Document(sortKeys ? canonical(value) : value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && kubernetesReadsAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

function reference(value: unknown): string {
  return packageYaml(value, true);
}

/** The value as YAML reads it back: undefined members dropped, undefined array items null. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : plain(v)));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
}

/** mulberry32, [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces that reach every branch of the scalar rules: indicators, newlines, spaces, YAML 1.2 core look-alikes, escapes. */
const PIECES = [
  '', ' ', '  ', '\t', '\n', '\n\n', '\n ', ' \n', '#', ' #', ': ', ':', '-', '- ', '?', '? ', '---', '...', '%', '%YAML', "'", '"', '\\', '`', '@',
  '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '<<', '~', 'a', 'Z', 'x-y', 'a.b/c_d', 'true', 'False', 'NULL', 'null', 'yes', 'on', '0', '1', '-1', '+3',
  '012', '0o17', '0x1F', '0xg', '1e3', '1E-3', '.5', '5.', '-.inf', '.NaN', '1_000', '1:20', '\x00', '\x07', '\x0b', '\x1b', '\x7f', '\x85', '\xa0', '\u2028',
  '\u2029', '\ud800', '\udc00', '\u{1F600}', 'é', 'ü\n', 'line\nline', 'a\n\n\nb', '\n\n', 'k8s.io/name', 'http://x:80/p', 'package ztp\n\ndeny[msg] {\n  true\n}\n',
  'x'.repeat(41), 'y '.repeat(30), `${'z'.repeat(50)}\n${'z'.repeat(10)}`,
];

function randomString(rnd: () => number): string {
  const n = Math.floor(rnd() * 5);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)]!;
  return s;
}

const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'annotations', 'spec', 'z', 'A', '_', 'Ä', '0', '7', '10', '01'];
const NUMBERS = [0, -0, 1, -1, 42, 3.5, -2.25, 1e21, 1e-7, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2];

function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth <= 0 || r < 0.35) {
    const s = rnd();
    if (s < 0.6) return randomString(rnd);
    if (s < 0.8) return NUMBERS[Math.floor(rnd() * NUMBERS.length)];
    if (s < 0.9) return rnd() < 0.5;
    return null;
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => (rnd() < 0.05 ? undefined : randomValue(rnd, depth - 1)));
  const obj: Record<string, unknown> = {};
  // now and then many keys, which are sorted another way than the few most objects have
  const n = rnd() < 0.04 ? 17 + Math.floor(rnd() * 30) : Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) {
    const key = rnd() < 0.5 ? KEYS[Math.floor(rnd() * KEYS.length)]! : rnd() < 0.02 ? 'k'.repeat(1030) : randomString(rnd);
    obj[key] = rnd() < 0.05 ? undefined : randomValue(rnd, depth - 1);
  }
  return obj;
}

/** JSON with every object's keys sorted: equal for equal content. */
const sortedJson = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

/** Every YAML file of the example bundles (environments/<name>/__golden__). */
function goldenFiles(): string[] {
  const root = new URL('../../../environments/', import.meta.url).pathname;
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.yaml')) files.push(join(dir, e.name));
    }
  };
  for (const env of readdirSync(root, { withFileTypes: true })) {
    if (env.isDirectory()) {
      try {
        walk(join(root, env.name, '__golden__'));
      } catch {
        // an environment without goldens
      }
    }
  }
  return files;
}

describe('toYaml', () => {
  it('writes exactly the bytes of the yaml package on every object of the example bundles', () => {
    const files = goldenFiles();
    expect(files.length).toBeGreaterThan(50);
    let objects = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const doc of parseAllDocuments(text)) {
        const object = doc.toJS() as unknown;
        objects++;
        expect(toYaml(object), file).toBe(reference(object));
      }
    }
    expect(objects).toBeGreaterThan(50);
  });

  it('writes exactly the bytes of the yaml package on 10,000 random objects built from tricky strings', () => {
    const rnd = random(20261126);
    let differences = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = randomValue(rnd, 4);
      const wrapped = i % 3 === 0 ? value : { apiVersion: 'v1', kind: 'X', metadata: { name: 'n', labels: value }, spec: value, data: [value] };
      const ours = toYaml(wrapped);
      const theirs = reference(wrapped);
      if (ours !== theirs) {
        // allowed only where the reference does not read back as the value, and ours does
        differences++;
        expect(parse(theirs), `${JSON.stringify(ours)}\n${JSON.stringify(theirs)}`).not.toEqual(plain(wrapped));
        expect(parse(ours), JSON.stringify(wrapped)).toEqual(plain(wrapped));
      }
    }
    expect(differences).toBeLessThan(200);
  });

  it('quotes whitespace-only strings that the yaml package would write as a block scalar that does not read back', () => {
    for (const s of [' \n', '  \n', ' \t\n', '\n \n', ' \n\n']) {
      expect(parse(reference({ key: s }))).not.toEqual({ key: s });
      expect(toYaml({ key: s })).toMatch(/^key: "/);
      expect(parse(toYaml({ key: s }))).toEqual({ key: s });
    }
    expect(toYaml({ key: '\t \n' })).toBe(reference({ key: '\t \n' }));
  });

  it('quotes or blocks every string so that it reads back as the same string', () => {
    const rnd = random(7);
    for (let i = 0; i < 5_000; i++) {
      const s = randomString(rnd);
      expect(parse(toYaml({ key: s, [s || 'empty']: [s] }))).toEqual({ key: s, [s || 'empty']: [s] });
    }
  });

  it("quotes every string Kubernetes' own YAML reader (sigs.k8s.io/yaml) reads as something else, as a value and as a key", () => {
    // verdicts.json: written by the real reader (go run in __fixtures__/kube-yaml) for 18,000 candidates
    const v = JSON.parse(readFileSync(new URL('./__fixtures__/kube-yaml/verdicts.json', import.meta.url), 'utf8')) as { candidates: string[]; notStringAsValue: string[]; notStringAsKey: string[] };
    expect(v.notStringAsValue).toEqual(expect.arrayContaining(['on', 'no', '1_000', '0b-0', '0o17', '08']));
    const plainValue = v.notStringAsValue.filter((s) => toYaml({ k: s }) === `k: ${s}\n`);
    const plainKey = v.notStringAsKey.filter((s) => toYaml({ [s]: 'v' }) === `${s}: v\n`);
    expect({ plainValue, plainKey }).toEqual({ plainValue: [], plainKey: [] });
    // and what it reads as the string stays plain unless YAML 1.2 or another 1.1 reader would misread it
    const quoted = v.candidates.filter((s) => !v.notStringAsValue.includes(s) && /^[A-Za-z]\w*$/.test(s) && toYaml({ k: s }) !== `k: ${s}\n`);
    expect(quoted.filter((s) => !['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL'].includes(s))).toEqual([]);
  });

  it("quotes the strings Kubernetes' YAML 1.1 reader (go-yaml v2) would read as booleans, numbers or timestamps", () => {
    const samples = ['on', 'Off', 'no', 'NO', 'y', 'N', 'yes', '~', '<<', '1_000', '0o17', '0b101', '-0b11', '0b-0', '0b+1', '0__b-1', '0X1F', '08', '.5', '+5', '1e3', '2001-12-14', '2001-12-14T21:59:43.10-05:00'];
    for (const s of samples) {
      const text = toYaml({ metadata: { name: s, labels: { [s]: s } } });
      expect(text, s).not.toMatch(new RegExp(`name: ${s.replace(/[.+*?^$()[\]{}|\\]/g, '\\$&')}\n`));
      // read as YAML 1.1 (the yaml package's 1.1 schema) and as 1.2: the same strings
      expect(parse(text, { version: '1.1' }), s).toEqual({ metadata: { name: s, labels: { [s]: s } } });
      expect(parse(text), s).toEqual({ metadata: { name: s, labels: { [s]: s } } });
    }
    // what both read as strings stays plain (base 60 is quoted for the 1.1 readers that take it)
    expect(toYaml({ a: 'shop', b: 'x-1', c: '1.0.0', d: '1:30', e: 'nope', f: 'a:1' })).toBe('a: shop\nb: x-1\nc: 1.0.0\nd: "1:30"\ne: nope\nf: a:1\n');
  });

  it('orders apiVersion, kind, metadata (name, namespace, labels, annotations) first, then by code unit', () => {
    const text = toYaml({ spec: { b: 1, a: 2, kind: 'k' }, metadata: { labels: { b: 'x', a: 'y' }, z: 1, name: 'n' }, kind: 'K', apiVersion: 'v1', B: 0, a: 0 });
    expect(text).toBe('apiVersion: v1\nkind: K\nmetadata:\n  name: "n"\n  labels:\n    a: "y"\n    b: x\n  z: 1\nB: 0\na: 0\nspec:\n  a: 2\n  b: 1\n  kind: k\n');
  });

  it('drops undefined members, writes undefined array items as null, refuses functions and symbols', () => {
    expect(toYaml({ a: undefined, b: [undefined, 1] })).toBe('b:\n  - null\n  - 1\n');
    expect(() => toYaml({ spec: { f: () => 1 } })).toThrow(/\$\.spec\.f is a function/);
    expect(() => toYaml({ s: [Symbol('x')] })).toThrow(/\$\.s\[0\] is a symbol/);
  });

  it("keeps each object's own key order with keyOrder 'insertion', writing the bytes of the yaml package unsorted", () => {
    expect(toYaml({ rule: 'r', desc: 'd', tags: ['b', 'a'], skip: undefined, metadata: { z: 1, name: 'n' } }, { keyOrder: 'insertion' })).toBe(
      'rule: r\ndesc: d\ntags:\n  - b\n  - a\nmetadata:\n  z: 1\n  name: "n"\n',
    );
    const rnd = random(31);
    let differences = 0;
    for (let i = 0; i < 5_000; i++) {
      const value = [randomValue(rnd, 4)];
      const ours = toYaml(value, { keyOrder: 'insertion' });
      const theirs = packageYaml(value, false);
      if (ours !== theirs) {
        // the same deliberate difference as in canonical order: where theirs does not read back, ours does
        differences++;
        expect(parse(theirs), `${JSON.stringify(ours)}\n${JSON.stringify(theirs)}`).not.toEqual(plain(value));
        expect(parse(ours), JSON.stringify(value)).toEqual(plain(value));
      }
    }
    expect(differences).toBeLessThan(100);
  });
});

describe('toJson', () => {
  it('writes the content of JSON.stringify in canonical key order (random objects)', () => {
    /** Every object's keys: index keys, then apiVersion, kind, metadata (or name, namespace, labels, annotations under a top-level metadata), then by code unit. */
    const ordered = (v: unknown, first: readonly string[]): boolean => {
      if (Array.isArray(v)) return v.every((x) => ordered(x, ['apiVersion', 'kind', 'metadata']));
      if (v === null || typeof v !== 'object') return true;
      const keys = Object.keys(v).filter((k) => !/^(?:0|[1-9]\d*)$/.test(k));
      const expected = [...first.filter((k) => keys.includes(k)), ...keys.filter((k) => !first.includes(k)).sort()];
      return JSON.stringify(keys) === JSON.stringify(expected) && Object.entries(v).every(([k, x]) => ordered(x, first[0] === 'apiVersion' && k === 'metadata' ? ['name', 'namespace', 'labels', 'annotations'] : []));
    };
    const rnd = random(99);
    for (let i = 0; i < 5_000; i++) {
      const value = randomValue(rnd, 4);
      const wrapped = i % 2 === 0 ? value : { kind: 'K', metadata: { labels: value, name: 'x' }, f: () => 1, list: [value, () => 1] };
      const text = toJson(wrapped);
      expect(text.endsWith('\n')).toBe(true);
      // sharing the input's canonical subtrees writes what the copying `canonical` would
      expect(text).toBe(JSON.stringify(canonical(wrapped), null, 2) + '\n');
      // text is JSON.stringify of canonical(wrapped): that copy has wrapped's content and the order.
      // (Checked on the objects, not by reading text back: Node 24.21's V8 JSON.parse caches
      // one-character keys wrongly, e.g. after a key "\\" a key "\u0000" can read as "\\".)
      const copy = canonical(wrapped);
      expect(sortedJson(copy)).toBe(sortedJson(wrapped));
      expect(ordered(copy, ['apiVersion', 'kind', 'metadata'])).toBe(true);
    }
  });

  it('writes a non-plain object as canonical does (its own keys), not through its toJSON', () => {
    expect(toJson({ when: new Date(0), m: new Map([[1, 2]]) })).toBe(JSON.stringify(canonical({ when: new Date(0), m: new Map([[1, 2]]) }), null, 2) + '\n');
  });

  it('is canonical JSON with a final newline', () => {
    expect(toJson({ b: 1, kind: 'K', a: [{ z: 1, apiVersion: 'v' }] })).toBe('{\n  "kind": "K",\n  "a": [\n    {\n      "apiVersion": "v",\n      "z": 1\n    }\n  ],\n  "b": 1\n}\n');
  });
});

/** JSON text without the whitespace between tokens (JSON.stringify's form without indentation). */
function withoutLayout(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i];
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\n') out += ch;
  }
  return out;
}

describe('toJsonRows', () => {
  it('writes every example manifest as it is: keys in canonical order, one line per list entry', () => {
    const root = new URL('../../../environments/', import.meta.url).pathname;
    const manifests = readdirSync(root).map((e) => join(root, e, '__golden__', 'manifest.json')).filter((f) => { try { readFileSync(f); return true; } catch { return false; } });
    expect(manifests.length).toBeGreaterThan(0);
    for (const f of manifests) {
      const text = readFileSync(f, 'utf8');
      expect(toJsonRows(canonical(JSON.parse(text))), f).toBe(text);
    }
  });

  it('has the content of JSON.stringify, keys in the order the objects have them (random objects)', () => {
    const rnd = random(7);
    for (let i = 0; i < 5_000; i++) {
      const value = randomValue(rnd, 4);
      const wrapped = i % 2 === 0 ? value : { kind: 'K', rows: [value, () => 1, undefined], f: () => 1, u: undefined, value };
      const text = toJsonRows(wrapped);
      expect(text.endsWith('\n')).toBe(true);
      expect(withoutLayout(text)).toBe(JSON.stringify(wrapped));
    }
  });

  it('indents objects by two and writes each list entry as compact JSON on a line of its own', () => {
    expect(toJsonRows({ b: [{ x: 1, y: [1, 2] }, 'two', []], a: { c: [], d: {}, e: null } })).toBe(
      '{\n  "b": [\n    {"x":1,"y":[1,2]},\n    "two",\n    []\n  ],\n  "a": {\n    "c": [],\n    "d": {},\n    "e": null\n  }\n}\n',
    );
  });
});
