import { describe, expect, it } from 'vitest';
import { pickEnvironments } from './affected.ts';

describe('affected environments', () => {
  const all = ['dev', 'production', 'staging'];
  it('picks the environments whose projects are affected', () => {
    expect(pickEnvironments(['@ztp/env-staging', '@ztp/model'], all)).toEqual(['staging']);
    expect(pickEnvironments(['@ztp/env-production', '@ztp/env-dev'], all)).toEqual(['dev', 'production']);
    expect(pickEnvironments(['@ztp/report'], all)).toEqual([]);
  });
  it('runs every environment when the suite itself changed', () => {
    expect(pickEnvironments(['@ztp/e2e'], all)).toEqual(all);
  });
});
