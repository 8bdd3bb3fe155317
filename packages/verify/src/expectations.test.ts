import { describe, expect, it } from 'vitest';
import { fqdnCovers } from './expectations.ts';

describe('fqdnCovers', () => {
  it('reads a leading *. as exactly one DNS label, as Cilium matchPattern does', () => {
    expect(fqdnCovers('*.cdn.example.com', 'a.cdn.example.com')).toBe(true);
    expect(fqdnCovers('*.cdn.example.com', 'a.b.cdn.example.com')).toBe(false);
    expect(fqdnCovers('*.cdn.example.com', 'cdn.example.com')).toBe(false);
    expect(fqdnCovers('*.cdn.example.com', '.cdn.example.com')).toBe(false);
    expect(fqdnCovers('*.cdn.example.com', 'evilcdn.example.com')).toBe(false);
  });

  it('matches other names exactly', () => {
    expect(fqdnCovers('api.example.com', 'api.example.com')).toBe(true);
    expect(fqdnCovers('api.example.com', 'x.api.example.com')).toBe(false);
  });
});
