import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { callSite } from './source.ts';
import { workload } from './workload.ts';

const HERE = fileURLToPath(import.meta.url);

describe('callSite', () => {
  it('names the file and line of its caller', () => {
    const at = callSite(); // line 10
    expect(at).toEqual({ file: HERE, line: 10 });
  });

  it("names the line that called a builder, not the builder's own file", () => {
    const w = workload({ namespace: 'shop', name: 'api' }); // line 15
    expect(w.at).toEqual({ file: HERE, line: 15 });
  });

});
