import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callSite } from './source.ts';
import { workload } from './workload.ts';

const HERE = fileURLToPath(import.meta.url);

/** The 1-based line of this file that holds `marker` (and is not this lookup). */
function lineOf(marker: string): number {
  const lines = readFileSync(HERE, 'utf8').split('\n');
  const found = lines.flatMap((text, i) => (text.includes(`// ${marker}`) ? [i + 1] : []));
  expect(found, marker).toHaveLength(1);
  return found[0]!;
}

describe('callSite', () => {
  it('names the file and line of its caller', () => {
    const at = callSite(); // the direct call
    expect(at).toEqual({ file: HERE, line: lineOf('the direct call') });
  });

  it("names the line that called a builder, not the builder's own file", () => {
    const w = workload({ namespace: 'shop', name: 'api' }); // the builder call
    expect(w.at).toEqual({ file: HERE, line: lineOf('the builder call') });
  });
});
