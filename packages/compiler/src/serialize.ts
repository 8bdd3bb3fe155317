import { hash } from 'node:crypto';

const FIRST: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'metadata'],
  metadata: ['name', 'namespace', 'labels', 'annotations'],
};

/** An array index (`0` to 2^32 - 2 without leading zeros): JavaScript lists such keys first, in numeric order. */
function isIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}

/**
 * Key order of an object at `parentKey`: the `FIRST` keys in their order, then the others by code
 * unit; array-index keys ("0", "1"...) before all of them in numeric order, as in every JavaScript
 * object (`canonical` returns one, and YAML was written from it).
 */
function orderedKeys(obj: Record<string, unknown>, parentKey: string): string[] {
  return keyOrder(obj, parentKey, Object.keys(obj));
}

/** `orderedKeys`, given the object's own keys `all`: returns `all` itself when they are in order already. */
function keyOrder(obj: Record<string, unknown>, parentKey: string, all: string[]): string[] {
  const first = FIRST[parentKey];
  // the common case: nothing to do when the keys are defined, none is an index and they are
  // already in order (the `first` keys present in their order, then the others by code unit)
  let plain = true;
  let f = 0;
  let previous: string | undefined;
  for (let i = 0; plain && i < all.length; i++) {
    const k = all[i]!;
    plain = obj[k] !== undefined && !isIndex(k);
    if (!plain) break;
    if (first !== undefined && f <= first.length) {
      const at = first.indexOf(k);
      if (at >= f) {
        f = at + 1;
        continue;
      }
      if (at !== -1) plain = false;
      // the first key that is not a `first` key: none of those may follow
      for (let j = f; plain && j < first.length; j++) plain = obj[first[j]!] === undefined;
      f = first.length + 1;
    } else if (first !== undefined && first.includes(k)) plain = false;
    plain &&= previous === undefined || previous < k;
    previous = k;
  }
  if (plain) return all;
  // index keys first (Object.keys lists them first, in numeric order), then the `first` keys in
  // their order, then the others sorted by code unit (insertion sort for the few keys most objects
  // have, the library sort for many)
  const keys: string[] = [];
  let i = 0;
  for (; i < all.length && isIndex(all[i]!); i++) if (obj[all[i]!] !== undefined) keys.push(all[i]!);
  if (first !== undefined) for (const k of first) if (obj[k] !== undefined) keys.push(k);
  const sortedFrom = keys.length;
  const many = all.length - i > 16;
  for (; i < all.length; i++) {
    const k = all[i]!;
    if (obj[k] === undefined || (first !== undefined && first.includes(k))) continue;
    let j = keys.length;
    keys.push(k);
    if (many) continue;
    while (j > sortedFrom && keys[j - 1]! > k) {
      keys[j] = keys[j - 1]!;
      j--;
    }
    keys[j] = k;
  }
  return many ? [...keys.slice(0, sortedFrom), ...keys.slice(sortedFrom).sort()] : keys;
}

/** The parent key under which the children of an object at `parentKey` are ordered. */
function childKey(parentKey: string, key: string): string {
  return parentKey === '' && key === 'metadata' ? 'metadata' : '\0';
}

/**
 * The object with its keys in one canonical order: `apiVersion`, `kind`, `metadata` (name,
 * namespace, labels, annotations) first, everything else alphabetical. Arrays keep their order,
 * which carries meaning (and their objects are ordered like top-level objects). Undefined values
 * are dropped.
 */
export function canonical(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of orderedKeys(obj, parentKey)) out[k] = canonical(obj[k], childKey(parentKey, k));
  return out;
}

// --- Canonical YAML -------------------------------------------------------------------------
//
// A direct writer for JSON-like data (objects, arrays, strings, numbers, booleans, null) that
// produces exactly the bytes of the `yaml` package (2.x) `stringify(canonical(value), { lineWidth:
// 0, minContentWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false })`: block
// collections indented by two (sequences too), no line folding, plain scalars where YAML 1.2 core
// would read them back as the same string, otherwise the `yaml` package's choice of double
// quotes, single quotes or a literal block scalar. It skips the package's Document model, which
// was half of the compile time. Two deliberate differences: whitespace-only strings that the
// package would write in a form that does not read back (see `block`) are quoted, and so are the
// strings Kubernetes' YAML 1.1 reader would take for booleans or numbers (`on`, `no`, `1_000`,
// `0o17`, `0b-1`: see `yaml11NonString`), which YAML 1.2 reads as strings.
// serialize.test.ts compares both on every example bundle and on random objects built to hit
// every branch below (the package told to quote those strings too).

/** Strings plain in any position: a letter, then letters, digits and `_./-` (not null or a boolean). */
const SIMPLE = /^[A-Za-z][\w./-]*$/;
const RESERVED = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', ...yaml11Words()]);
/** Control characters and lone surrogates: double quotes. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** Not allowed in a plain scalar (indicators, `: `, ` #`, leading or trailing space...). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Read back as something else than a string by the YAML 1.2 core schema. */
const CORE_TAGS: readonly RegExp[] = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/**
 * Plain scalars Kubernetes reads as something other than a string. The apiserver, kubectl and
 * Argo CD read YAML with sigs.k8s.io/yaml, that is go-yaml v2 (YAML 1.1). Its `resolve` takes the
 * words of `yaml11Words` as booleans, nulls and special floats, and a scalar that starts with a
 * digit, a sign or a dot, underscores dropped, as an integer (strconv.ParseInt(s, 0, 64): 0x, 0o,
 * 0b, leading-zero octal; then, after `0b`, a base-2 number with a sign: `0b-1`) or a float (its
 * yamlStyleFloat). A name like `on` or `no`, or a value like `1_000`, must be quoted; a quoted
 * string is a string in every version (over-quoting costs a pair of quotes). Timestamps (which it
 * leaves strings when decoding into interface{}) and base 60 (which it does not read) are quoted
 * for the other YAML 1.1 readers, which take them for dates and numbers.
 */
const YAML11_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$|^0b[-+][01]+$/;
const YAML11_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const YAML11_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
/** YAML 1.1's base 60 (`1:30`): go-yaml v2 reads it as a string, other 1.1 readers (the yaml package's) as a number. */
const YAML11_BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** go-yaml v2's `resolveMap`: the booleans, nulls, special floats and merge key of YAML 1.1 it reads plain. */
function yaml11Words(): string[] {
  const cases = (w: string) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()];
  return [
    ...['y', 'yes', 'on', 'n', 'no', 'off'].flatMap(cases),
    '',
    '~',
    ...['.nan', '.NaN', '.NAN'],
    ...['', '+', '-'].flatMap((sign) => ['.inf', '.Inf', '.INF'].map((w) => sign + w)),
    '<<',
  ];
}

/** Whether go-yaml v2 reads the plain scalar `value` as something other than a string (see YAML11_INT). */
function yaml11NonString(value: string): boolean {
  if (RESERVED.has(value)) return true;
  const c = value.charCodeAt(0);
  // digits, '+', '-' and '.' are where its resolver looks for numbers and timestamps
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  if (YAML11_TIMESTAMP.test(value) || YAML11_BASE60.test(value)) return true;
  const plain = value.replaceAll('_', '');
  return YAML11_INT.test(plain) || YAML11_FLOAT.test(plain);
}

const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
const STEP = '  ';
/** Double-quoted strings at least this long (as JSON) are broken at their newlines. */
const MIN_MULTILINE = 40;

/** A scalar in the `yaml` package's escapes (its `doubleQuotedString`). */
function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  const ind = indent || (DOCUMENT_MARKER.test(value) ? STEP : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch === '\\') {
      const next = json[i + 1];
      if (next === 'u') {
        str += json.slice(start, i);
        const code = json.substr(i + 2, 4);
        switch (code) {
          case '0000': str += '\\0'; break;
          case '0007': str += '\\a'; break;
          case '000b': str += '\\v'; break;
          case '001b': str += '\\e'; break;
          case '0085': str += '\\N'; break;
          case '00a0': str += '\\_'; break;
          case '2028': str += '\\L'; break;
          case '2029': str += '\\P'; break;
          default: str += code.startsWith('00') ? `\\x${code.slice(2)}` : json.substr(i, 6);
        }
        i += 5;
        start = i + 1;
      } else if (next === 'n') {
        if (implicitKey || json[i + 2] === '"' || json.length < MIN_MULTILINE) {
          i += 1;
        } else {
          str += json.slice(start, i) + '\n\n';
          while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
            str += '\n';
            i += 2;
          }
          str += ind;
          if (json[i + 2] === ' ') str += '\\';
          i += 1;
          start = i + 1;
        }
      } else {
        i += 1;
      }
    }
  }
  return start ? str + json.slice(start) : json;
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, indent, implicitKey);
  const ind = indent || (DOCUMENT_MARKER.test(value) ? STEP : '');
  return `'${value.replace(/'/g, "''").replace(/\n+/g, `$&\n${ind}`)}'`;
}

function quoted(value: string, indent: string, implicitKey: boolean): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

/** A literal block scalar (`|`, `|-`, `|+`, with an indentation indicator when it starts with a space). */
function block(input: string, indent: string, forceIndent: boolean): string {
  // The yaml package writes a whitespace-only value with a line starting with a space as `|+`
  // lines that read back without those spaces (" \n" becomes "\n"); quote it instead.
  if (/\n[\t ]+$/.test(input) || (/^[\t\n ]*$/.test(input) && /(?:^|\n) /.test(input))) return quoted(input, indent, false);
  const ind = indent || (forceIndent || DOCUMENT_MARKER.test(input) ? STEP : '');
  if (!input) return '|\n';
  let value = input;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${ind}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${ind}`);
  }
  const header = (startWithSpace ? (ind ? '2' : '1') : '') + chomp;
  return `|${header}\n${ind}${start}${value.replace(/\n+/g, `$&${ind}`)}${end}`;
}

/**
 * A string scalar at `indent` (the indentation of the node's content, the `yaml` package's
 * `ctx.indent`), as a mapping key (`implicitKey`) or a value.
 */
function scalarString(value: string, indent: string, implicitKey: boolean): string {
  if (SIMPLE.test(value) && !RESERVED.has(value)) return value;
  if (CONTROL.test(value)) return doubleQuoted(value, indent, implicitKey);
  const multiline = value.includes('\n');
  if (implicitKey && multiline) return quoted(value, indent, implicitKey);
  if (NOT_PLAIN.test(value)) return implicitKey || !multiline ? quoted(value, indent, implicitKey) : block(value, indent, false);
  if (!implicitKey && multiline) return block(value, indent, false);
  if (DOCUMENT_MARKER.test(value)) {
    if (indent === '') return block(value, indent, true);
    if (implicitKey && indent === STEP) return quoted(value, indent, implicitKey);
  }
  for (const tag of CORE_TAGS) if (tag.test(value)) return quoted(value, indent, implicitKey);
  if (yaml11NonString(value)) return quoted(value, indent, implicitKey);
  return value;
}

function scalarNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}

/** A scalar, or undefined for a collection. */
function scalar(value: unknown, indent: string, implicitKey: boolean, path: string): string | undefined {
  switch (typeof value) {
    case 'string': return scalarString(value, indent, implicitKey);
    case 'number': return scalarNumber(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return String(value);
    case 'undefined': return 'null';
    case 'object': return value === null ? 'null' : undefined;
    default: throw new TypeError(`toYaml: ${path} is a ${typeof value}, which has no YAML form`);
  }
}

/** How the writer orders an object's keys: its keys to write, undefined values left out. */
type KeysOf = (obj: Record<string, unknown>, parentKey: string) => string[];

/** Keys in the order the object has them (JavaScript's: array indices first), undefined values left out. */
const insertionKeys: KeysOf = (obj) => {
  const all = Object.keys(obj);
  for (let i = 0; i < all.length; i++) if (obj[all[i]!] === undefined) return all.filter((k) => obj[k] !== undefined);
  return all;
};

/**
 * Writes a node whose content is at `indent` into `out` (joined once at the end, so the text comes
 * out flat: hashing or writing it copies nothing more). `keys` are an object's keys, ordered as
 * children of `parentKey`; undefined for an array.
 */
function write(out: string[], value: unknown, keys: string[] | undefined, indent: string, parentKey: string, path: string, keysOf: KeysOf): void {
  if (keys === undefined) {
    const items = value as unknown[];
    if (items.length === 0) {
      out.push('[]');
      return;
    }
    const itemIndent = indent + STEP;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const itemPath = `${path}[${i}]`;
      const s = scalar(item, itemIndent, false, itemPath);
      const prefix = i > 0 ? `\n${indent}- ` : '- ';
      if (s !== undefined) {
        out.push(prefix + s);
        continue;
      }
      out.push(prefix);
      write(out, item, Array.isArray(item) ? undefined : keysOf(item as Record<string, unknown>, ''), itemIndent, '', itemPath, keysOf);
    }
    return;
  }
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  const obj = value as Record<string, unknown>;
  const pairIndent = indent + STEP;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = obj[key];
    const k = scalarString(key, pairIndent, true);
    const valuePath = `${path}.${key}`;
    const sv = scalar(v, pairIndent, false, valuePath);
    const explicit = k.length > 1024;
    const head = i > 0 ? `\n${indent}` : '';
    if (sv !== undefined) {
      out.push(explicit ? `${head}? ${k}\n${indent}: ${sv}` : `${head}${k}: ${sv}`);
      continue;
    }
    const ck = childKey(parentKey, key);
    const childKeys = Array.isArray(v) ? undefined : keysOf(v as Record<string, unknown>, ck);
    const empty = childKeys === undefined ? (v as unknown[]).length === 0 : childKeys.length === 0;
    out.push(explicit ? `${head}? ${k}\n${indent}: ` : empty ? `${head}${k}: ` : `${head}${k}:\n${pairIndent}`);
    write(out, v, childKeys, pairIndent, ck, valuePath, keysOf);
  }
}

/** Options of `toYaml`. */
export interface YamlOptions {
  /**
   * `canonical`: keys ordered as by `canonical` (Kubernetes objects). `insertion`: keys in the
   * order the objects have them, for documents whose key order is part of how people read them
   * (Falco rules: `rule` first).
   * @default 'canonical'
   */
  readonly keyOrder?: 'canonical' | 'insertion';
}

/**
 * YAML of one value, keys ordered as `options.keyOrder` says: the same bytes for the same value on
 * every run. JSON-like data only: a function or symbol anywhere is a TypeError.
 */
export function toYaml(value: unknown, options: YamlOptions = {}): string {
  const keysOf = options.keyOrder === 'insertion' ? insertionKeys : orderedKeys;
  const s = scalar(value, '', false, '$');
  if (s !== undefined) return `${s}\n`;
  const out: string[] = [];
  write(out, value, Array.isArray(value) ? undefined : keysOf(value as Record<string, unknown>, ''), '', '', '$', keysOf);
  out.push('\n');
  return out.join('');
}

/**
 * `canonical` without copying what is canonical already: a value whose keys are in canonical
 * order, with no undefined value, is returned as it is (so is every such subtree); the others are
 * copied. For serialising only: the result may share objects with the input.
 */
function canonicalShared(value: unknown, parentKey: string): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const c = canonicalShared(v, '');
      if (c !== v && copy === undefined) copy = value.slice(0, i);
      if (copy !== undefined) copy.push(c);
    }
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const all = Object.keys(obj);
  const keys = keyOrder(obj, parentKey, all);
  const proto = Object.getPrototypeOf(obj) as unknown;
  // keyOrder returns `all` itself when nothing needs reordering or dropping
  let copy: Record<string, unknown> | undefined = (proto === Object.prototype || proto === null) && keys === all ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = obj[k];
    const c = canonicalShared(v, childKey(parentKey, k));
    if (c !== v && copy === undefined) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j]!] = obj[keys[j]!];
    }
    if (copy !== undefined) copy[k] = c;
  }
  return copy ?? obj;
}

/** Canonical JSON (keys ordered as by `canonical`), pretty-printed, ending with a newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(canonicalShared(value, ''), null, 2) + '\n';
}

/**
 * JSON for a large document that programs read and people review in diffs (`manifest.json`):
 * objects indented by two as by `toJson`, but every array element on a line of its own, as compact
 * JSON, so that a changed entry is one changed line that names itself (and writing it costs about
 * half the indented form). Keys are written in the order the objects have them, undefined values
 * left out: the caller builds them in canonical order (bundle.test.ts checks `manifest.json`).
 */
export function toJsonRows(value: unknown): string {
  const out: string[] = [];
  writeRows(out, value, '');
  out.push('\n');
  return out.join('');
}

function writeRows(out: string[], value: unknown, indent: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    const inner = `,\n${indent}  `;
    out.push(`[\n${indent}  `);
    for (let i = 0; i < value.length; i++) out.push(i > 0 ? inner : '', JSON.stringify(value[i]) ?? 'null');
    out.push(`\n${indent}]`);
    return;
  }
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  const obj = value as Record<string, unknown>;
  // the keys JSON.stringify writes (not those of undefined, functions or symbols)
  const keys = Object.keys(obj).filter((k) => {
    const t = typeof obj[k];
    return t !== 'undefined' && t !== 'function' && t !== 'symbol';
  });
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  const inner = `${indent}  `;
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    out.push(i > 0 ? `,\n${inner}` : `\n${inner}`, JSON.stringify(keys[i]), ': ');
    writeRows(out, obj[keys[i]!], inner);
  }
  out.push(`\n${indent}}`);
}

/** sha256 of a text, hex. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
