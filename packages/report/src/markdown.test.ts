import { describe, expect, it } from 'vitest';
import { code, details, escapeHtml, fence, table } from './markdown.ts';

describe('markdown helpers', () => {
  it('code spans survive backticks in the text', () => {
    expect(code('a')).toBe('`a`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x`')).toBe('`` `x` ``');
  });

  it('fences are longer than any run of backticks inside them', () => {
    expect(fence('diff', ['+ ```yaml', '+ x'])).toEqual(['````diff', '+ ```yaml', '+ x', '````']);
    expect(fence('', ['plain'])[0]).toBe('```');
  });

  it('table cells escape pipes, also inside code spans', () => {
    expect(table(['a', 'b'], [['`x|y`', 'z']])).toEqual(['| a | b |', '| --- | --- |', '| `x\\|y` | z |']);
  });

  it('details keep blank lines around their markdown and escape the summary by the caller', () => {
    expect(details(escapeHtml('<b>&'), ['body'])).toEqual(['<details>', '<summary>&lt;b&gt;&amp;</summary>', '', 'body', '', '</details>']);
  });
});
