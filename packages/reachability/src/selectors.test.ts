import { describe, expect, it } from 'vitest';
import { matchesSelector, readSelector } from './selectors.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'frontend' };

  it('matches matchLabels and every operator like LabelSelectorAsSelector', () => {
    expect(matchesSelector({}, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'db' } }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(false);
    // NotIn matches when the key is absent
    expect(matchesSelector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  it('ANDs matchLabels with matchExpressions', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['backend'] }] };
    expect(matchesSelector(sel, labels)).toBe(false);
  });

  it('does not match inherited properties', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {})).toBe(false);
  });

  it('reports what the API server rejects', () => {
    expect(readSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, 's').errors).toHaveLength(1);
    expect(readSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 's').errors).toHaveLength(1);
    expect(readSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, 's').errors).toHaveLength(1);
    expect(readSelector({ matchLabels: { a: 1 } }, 's').errors).toHaveLength(1);
    expect(readSelector({ matchLabels: {} }, 's')).toEqual({ selector: {}, errors: [] });
  });
});
