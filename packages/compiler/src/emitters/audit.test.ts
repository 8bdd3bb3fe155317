import { describe, expect, it } from 'vitest';
import { auditPolicy } from './audit.ts';

interface Rule {
  level: string;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: { group: string; resources?: string[] }[];
  nonResourceURLs?: string[];
}

/**
 * The audit policy's first-match rule selection, as the apiserver documents it, for the request
 * shapes below. (Issue 10's proof runs the real apiserver with this file.)
 */
function levelOf(rules: Rule[], req: { user?: string; groups?: string[]; verb: string; group?: string; resource?: string; path?: string }): string {
  for (const r of rules) {
    if (r.users && !r.users.includes(req.user ?? '')) continue;
    if (r.userGroups && !r.userGroups.some((g) => req.groups?.includes(g))) continue;
    if (r.verbs && !r.verbs.includes(req.verb)) continue;
    if (r.nonResourceURLs) {
      if (req.path === undefined || !r.nonResourceURLs.some((u) => (u.endsWith('*') ? req.path!.startsWith(u.slice(0, -1)) : req.path === u))) continue;
    } else if (r.resources) {
      if (req.resource === undefined || !r.resources.some((g) => g.group === req.group && (g.resources === undefined || g.resources.includes(req.resource!)))) continue;
    }
    return r.level;
  }
  return 'None';
}

describe('auditPolicy', () => {
  const policy = auditPolicy() as { omitStages: string[]; rules: Rule[] };
  it('omits RequestReceived', () => {
    expect(policy.omitStages).toEqual(['RequestReceived']);
  });
  it('never logs a secret value: Secrets, tokens and TokenReviews at Metadata, whatever the verb', () => {
    for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete']) {
      expect(levelOf(policy.rules, { verb, group: '', resource: 'secrets' })).toBe('Metadata');
      expect(levelOf(policy.rules, { verb, group: '', resource: 'configmaps' })).toBe('Metadata');
      expect(levelOf(policy.rules, { verb, group: '', resource: 'serviceaccounts/token' })).toBe('Metadata');
      expect(levelOf(policy.rules, { verb, group: 'authentication.k8s.io', resource: 'tokenreviews' })).toBe('Metadata');
    }
  });
  it('logs exec, attach and port-forward at Metadata', () => {
    for (const resource of ['pods/exec', 'pods/attach', 'pods/portforward']) expect(levelOf(policy.rules, { verb: 'create', group: '', resource })).toBe('Metadata');
  });
  it('logs changes to policy objects and RBAC in full', () => {
    expect(levelOf(policy.rules, { verb: 'patch', group: 'networking.k8s.io', resource: 'networkpolicies' })).toBe('RequestResponse');
    expect(levelOf(policy.rules, { verb: 'delete', group: 'security.istio.io', resource: 'authorizationpolicies' })).toBe('RequestResponse');
    expect(levelOf(policy.rules, { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles' })).toBe('RequestResponse');
    expect(levelOf(policy.rules, { verb: 'create', group: 'constraints.gatekeeper.sh', resource: 'k8srequiredlabels' })).toBe('RequestResponse');
    expect(levelOf(policy.rules, { verb: 'get', group: 'networking.k8s.io', resource: 'networkpolicies' })).toBe('Metadata');
    // namespace labels turn sidecar injection and Pod Security Admission on and off
    expect(levelOf(policy.rules, { verb: 'patch', group: '', resource: 'namespaces' })).toBe('RequestResponse');
    expect(levelOf(policy.rules, { verb: 'create', group: 'admissionregistration.k8s.io', resource: 'mutatingadmissionpolicies' })).toBe('RequestResponse');
  });
  it('drops health checks and high-volume read-only noise', () => {
    expect(levelOf(policy.rules, { verb: 'get', path: '/healthz' })).toBe('None');
    expect(levelOf(policy.rules, { verb: 'get', path: '/readyz?verbose' })).toBe('None');
    expect(levelOf(policy.rules, { verb: 'watch', user: 'system:kube-proxy', group: '', resource: 'endpoints' })).toBe('None');
    expect(levelOf(policy.rules, { verb: 'get', group: 'coordination.k8s.io', resource: 'leases' })).toBe('None');
    expect(levelOf(policy.rules, { verb: 'update', group: 'coordination.k8s.io', resource: 'leases' })).toBe('Metadata');
  });
});

describe("an environment's own audit rules", () => {
  const extended = auditPolicy([
    { level: 'RequestResponse', resources: [{ group: 'apps', resources: ['deployments'] }] },
    { level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }] },
    { level: 'None', resources: [{ group: '', resources: ['secrets'] }] },
    { level: 'RequestResponse', resources: [{ group: '', resources: ['pods/exec'] }] },
    { level: 'None', verbs: ['create'], resources: [{ group: 'networking.k8s.io', resources: ['networkpolicies'] }] },
  ]) as { rules: Rule[] };
  it('decide what ztp leaves to its catch-all', () => {
    expect(levelOf(extended.rules, { verb: 'update', group: 'apps', resource: 'deployments' })).toBe('RequestResponse');
    expect(levelOf((auditPolicy() as { rules: Rule[] }).rules, { verb: 'update', group: 'apps', resource: 'deployments' })).toBe('Metadata');
  });
  it('cannot weaken what ztp guarantees: secrets, configmaps and exec stay at Metadata, policy changes at RequestResponse', () => {
    // ConfigMaps may hold credentials: never in the log, whatever the environment asks (as upstream's reference policy)
    expect(levelOf(extended.rules, { verb: 'update', group: '', resource: 'configmaps' })).toBe('Metadata');
    expect(levelOf(extended.rules, { verb: 'get', group: '', resource: 'configmaps' })).toBe('Metadata');
    expect(levelOf(extended.rules, { verb: 'get', group: '', resource: 'secrets' })).toBe('Metadata');
    expect(levelOf(extended.rules, { verb: 'create', group: '', resource: 'pods/exec' })).toBe('Metadata');
    expect(levelOf(extended.rules, { verb: 'create', group: 'networking.k8s.io', resource: 'networkpolicies' })).toBe('RequestResponse');
    expect(extended.rules.at(-1)).toEqual({ level: 'Metadata' });
  });
});
