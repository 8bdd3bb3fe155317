import { describe, expect, it } from 'vitest';
import type { BundleSpec } from './bundle.ts';
import { heldKeys, judgeEnvironment, kindKey, type JudgeInput, type LiveKind } from './judge.ts';
import type { KubeResource, LiveObject } from './kube.ts';

const res = (apiVersion: string, kind: string, plural: string, namespaced: boolean): KubeResource => ({ apiVersion, group: apiVersion.includes('/') ? apiVersion.split('/')[0]! : '', kind, plural, namespaced });
const NP = res('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true);
const VAP = res('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false);
const SA = res('v1', 'ServiceAccount', 'serviceaccounts', true);
const live = (r: KubeResource, name: string, namespace?: string, labels?: Record<string, string>, spec: unknown = {}): LiveObject => ({
  apiVersion: r.apiVersion,
  kind: r.kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
  spec,
});
const deny = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };

const spec: BundleSpec = {
  environment: 'prod',
  namespaces: ['app'],
  objects: [
    { file: 'network/deny.yaml', layer: 'network', syncWave: 10, object: { apiVersion: NP.apiVersion, kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'app' }, spec: deny } },
    { file: 'identity/sa.yaml', layer: 'identity', syncWave: 0, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'app' } } },
    { file: 'mesh/pa.yaml', layer: 'mesh', syncWave: 10, object: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'app' }, spec: { mtls: { mode: 'STRICT' } } } },
  ],
};

function input(over: Partial<JudgeInput> & { nps?: LiveObject[]; vaps?: LiveObject[]; sas?: LiveObject[] }): JudgeInput {
  const nps: LiveKind = { resource: NP, objects: over.nps ?? [live(NP, 'deny', 'app', undefined, deny)] };
  const sas: LiveKind = { resource: SA, objects: over.sas ?? [live(SA, 'web', 'app'), live(SA, 'default', 'app')] };
  const vaps: LiveKind = { resource: VAP, objects: over.vaps ?? [] };
  return {
    spec,
    bundleKinds: new Map([
      [kindKey(NP.apiVersion, 'NetworkPolicy'), nps],
      [kindKey('v1', 'ServiceAccount'), sas],
      [kindKey('security.istio.io/v1', 'PeerAuthentication'), undefined],
    ]),
    policyKinds: [nps, vaps],
    namespaces: new Set(['app']),
    networkPolicies: nps.objects,
    forms: new Map(),
    held: heldKeys([spec]),
    pods: { evaluated: 0, violations: [] },
    engine: 'opa',
    ...over,
  };
}

const named = (i: JudgeInput) => judgeEnvironment(i).drift.map((d) => `${d.kind} ${d.objectKind} ${d.namespace ?? ''}/${d.name}: ${d.summary}`);

describe('judging one environment', () => {
  it('reports an object whose kind the cluster does not serve as missing, saying so', () => {
    expect(named(input({}))).toEqual(['missing PeerAuthentication app/default: not on the cluster: it serves no PeerAuthentication in security.istio.io/v1 (is its CRD installed?)']);
  });

  it('says when objects were compared on their own fields only, and why', () => {
    const env = judgeEnvironment(input({}));
    expect(env.notes).toEqual([expect.objectContaining({ level: 'info', text: expect.stringMatching(/^2 objects were compared on the bundle's own fields only .* no server form was computed \(NetworkPolicy app\/deny, ServiceAccount app\/web\)$/) })]);
  });

  it('flags policy objects in managed namespaces and anything labelled for the environment, not the rest', () => {
    const drift = named(
      input({
        nps: [live(NP, 'deny', 'app', undefined, deny), live(NP, 'extra', 'app'), live(NP, 'theirs', 'elsewhere')],
        sas: [live(SA, 'web', 'app'), live(SA, 'default', 'app'), live(SA, 'old', 'app', { 'ztp.dev/environment': 'prod' })],
        vaps: [live(VAP, 'platform-policy'), live(VAP, 'leftover', undefined, { 'ztp.dev/environment': 'prod' }), live(VAP, 'other-env', undefined, { 'ztp.dev/environment': 'dev' })],
      }),
    ).filter((d) => d.startsWith('added'));
    expect(drift).toEqual([
      'added NetworkPolicy app/extra: not in the bundle (added by hand, or by something other than ztp)',
      'added ServiceAccount app/old: not in the bundle, though labelled for prod (a leftover, or added by hand)',
      'added ValidatingAdmissionPolicy /leftover: not in the bundle, though labelled for prod (a leftover, or added by hand)',
    ]);
  });

  it('flags the policies that reach into managed namespaces from outside (cluster-wide Cilium, admin network policies, Istio in the mesh root, Kyverno exceptions, bindings for their service accounts) and hand-made role bindings', () => {
    const CCNP = res('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', 'ciliumclusterwidenetworkpolicies', false);
    const AP = res('security.istio.io/v1', 'AuthorizationPolicy', 'authorizationpolicies', true);
    const PEX = res('kyverno.io/v2', 'PolicyException', 'policyexceptions', true);
    const ANP = res('policy.networking.k8s.io/v1alpha1', 'AdminNetworkPolicy', 'adminnetworkpolicies', false);
    const EF = res('networking.istio.io/v1alpha3', 'EnvoyFilter', 'envoyfilters', true);
    const RB = res('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true);
    const CRB = res('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false);
    const binding = (r: KubeResource, name: string, namespace: string | undefined, subjects: unknown[]): LiveObject => ({ ...live(r, name, namespace), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects });
    const extra: LiveKind[] = [
      { resource: ANP, objects: [live(ANP, 'allow-all')] },
      { resource: EF, objects: [live(EF, 'no-rbac', 'istio-system'), live(EF, 'theirs', 'elsewhere')] },
      {
        resource: RB,
        objects: [
          live(RB, 'admin', 'app'),
          live(RB, 'theirs', 'elsewhere'),
          // elsewhere, but for a service account of a managed namespace: its workload gets more than its apiAccess
          binding(RB, 'lends', 'elsewhere', [{ kind: 'ServiceAccount', name: 'web', namespace: 'app' }]),
        ],
      },
      {
        resource: CRB,
        objects: [
          binding(CRB, 'web-admin', undefined, [{ kind: 'ServiceAccount', name: 'web', namespace: 'app' }]),
          binding(CRB, 'app-sas', undefined, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:app' }]),
          binding(CRB, 'all-sas', undefined, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' }]),
          // the cluster's own: other namespaces' accounts, and every user's discovery
          binding(CRB, 'system:controller:x', undefined, [{ kind: 'ServiceAccount', name: 'x', namespace: 'kube-system' }]),
          binding(CRB, 'system:discovery', undefined, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }]),
          binding(CRB, 'other-sas', undefined, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:elsewhere' }]),
          {
            ...binding(CRB, 'system:service-account-issuer-discovery', undefined, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' }]),
            metadata: { name: 'system:service-account-issuer-discovery', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
          },
        ],
      },
      { resource: CCNP, objects: [live(CCNP, 'open')] },
      { resource: AP, objects: [live(AP, 'open', 'istio-system'), live(AP, 'theirs', 'elsewhere')] },
      { resource: PEX, objects: [live(PEX, 'skip', 'kyverno')] },
    ];
    const drift = named({ ...input({}), spec: { ...spec, meshRootNamespace: 'istio-system' }, policyKinds: [...input({}).policyKinds, ...extra] }).filter((d) => d.startsWith('added'));
    expect(drift).toEqual([
      'added AdminNetworkPolicy /allow-all: not in the bundle (added by hand, or by something other than ztp)',
      'added AuthorizationPolicy istio-system/open: not in the bundle (added by hand, or by something other than ztp)',
      'added CiliumClusterwideNetworkPolicy /open: not in the bundle (added by hand, or by something other than ztp)',
      'added ClusterRoleBinding /all-sas: not in the bundle (added by hand, or by something other than ztp)',
      'added ClusterRoleBinding /app-sas: not in the bundle (added by hand, or by something other than ztp)',
      'added ClusterRoleBinding /web-admin: not in the bundle (added by hand, or by something other than ztp)',
      'added EnvoyFilter istio-system/no-rbac: not in the bundle (added by hand, or by something other than ztp)',
      'added PolicyException kyverno/skip: not in the bundle (added by hand, or by something other than ztp)',
      'added RoleBinding app/admin: not in the bundle (added by hand, or by something other than ztp)',
      'added RoleBinding elsewhere/lends: not in the bundle (added by hand, or by something other than ztp)',
    ]);
    // without a mesh, istio-system is not the environment's root
    expect(named({ ...input({}), policyKinds: [...input({}).policyKinds, ...extra] }).filter((d) => d.includes('istio-system'))).toEqual([]);
  });

  it('does not flag an object another bundle checked at the same time holds', () => {
    const other = live(NP, 'shared', 'app');
    const held = new Set([...heldKeys([spec]), 'networking.k8s.io|NetworkPolicy|app|shared']);
    expect(named(input({ nps: [live(NP, 'deny', 'app', undefined, deny), other], held })).filter((d) => d.startsWith('added'))).toEqual([]);
  });

  it('reports pods that break rules, and an evaluation that could not run as incomplete', () => {
    const env = judgeEnvironment(input({ pods: { evaluated: 3, violations: [{ namespace: 'app', name: 'p', messages: ['m/r1: no', 'm/r1: again', 'm/r2: no'] }] } }));
    expect(env.drift.find((d) => d.kind === 'pod')?.summary).toBe('running, but breaks 2 admission rules of prod: m/r1, m/r2');
    expect(env.pods).toBe(3);
    const off = judgeEnvironment(input({ pods: { evaluated: 0, violations: [], incomplete: 'opa missing' } }));
    expect(off.notes).toContainEqual({ level: 'incomplete', text: 'running pods were not evaluated: opa missing' });
  });
});
