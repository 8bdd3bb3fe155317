import { describe, expect, it } from 'vitest';
import { KINDS, objects, PODS } from '../rule/build.ts';
import { EPHEMERAL_CONTAINERS_RULE, resourceRules } from './match.ts';

describe('resourceRules', () => {
  it('matches the pods/ephemeralcontainers subresource (UPDATE) for every rule on pods', () => {
    const rules = resourceRules(PODS);
    expect(rules).toContainEqual(EPHEMERAL_CONTAINERS_RULE);
    expect(rules).toContainEqual({ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] });
    expect(rules.filter((r) => (r['resources'] as string[]).some((x) => x.includes('/')))).toEqual([EPHEMERAL_CONTAINERS_RULE]);
  });

  it('matches it for a rule on Pod objects, and not for rules on other kinds', () => {
    expect(resourceRules(objects(KINDS.Pod))).toContainEqual(EPHEMERAL_CONTAINERS_RULE);
    expect(resourceRules(objects(KINDS.Namespace))).not.toContainEqual(EPHEMERAL_CONTAINERS_RULE);
    expect(resourceRules(objects(KINDS.Deployment))).not.toContainEqual(EPHEMERAL_CONTAINERS_RULE);
  });
});
