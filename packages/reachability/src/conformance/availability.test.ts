import { describe, expect, it } from 'vitest';
import { availability } from './availability.ts';

describe('conformance data availability', () => {
  it('skips with a reason when the folder is missing outside CI', () => {
    const a = availability('netpol-np-guard', { ZTP_CONFORMANCE_DIR: '/nonexistent/conformance' });
    expect(a.run).toBe(false);
    expect(a.mustFail).toBe(false);
    expect(a.reason).toContain('/nonexistent/conformance/netpol-np-guard not found');
    expect(a.reason).toContain('ZTP_CONFORMANCE_DIR');
  });

  it('fails under CI when the folder is missing', () => {
    expect(availability('netpol-np-guard', { ZTP_CONFORMANCE_DIR: '/nonexistent/conformance', CI: 'true' }).mustFail).toBe(true);
    expect(availability('netpol-np-guard', { ZTP_CONFORMANCE_DIR: '/nonexistent/conformance', CI: 'false' }).mustFail).toBe(false);
  });

  it('falls back to ../shared/conformance from the repository root', () => {
    const a = availability('x', {});
    expect(a.dir.endsWith('/shared/conformance/x')).toBe(true);
  });
});
