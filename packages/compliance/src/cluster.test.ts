/**
 * The proof against a real control plane (etcd + kube-apiserver as local processes): the
 * production example's bundle applied for real, then each kind of drift made by hand and
 * detected by name, and gone again once the bundle is re-applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneUnavailable, ensureNode, eventually, installCrds, setPodRunning, startLocalCluster, type KubeObject, type LocalCluster } from '@ztp/local-cluster';
import type { Environment } from '@ztp/model';
import { requireTools } from '@ztp/tools';
import type { BundleSpec } from './bundle.ts';
import { ComplianceChecker } from './check.ts';
import { ClusterClient } from './kube.ts';
import type { ComplianceReport, Drift } from './report.ts';
import { applyBundle, compliantPod, crdsFor, exampleEnvironment, POLICY_REPORT_CRD, privilegedPod } from './testing.ts';

// The control plane, and opa: the engine running pods are evaluated with.
const reason = (await controlPlaneUnavailable()) ?? (await requireTools(['opa']));
if (reason !== undefined) console.log(`compliance against the local cluster: ${reason}`);

/** `kind Kind ns/name`, one per drift, for assertions that name the objects. */
const named = (r: ComplianceReport): string[] => r.environments.flatMap((e) => e.drift.map((d) => `${d.kind} ${d.objectKind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}`));
const only = (r: ComplianceReport): Drift[] => r.environments[0]!.drift as Drift[];

describe.skipIf(reason !== undefined)('ztp compliance against a real apiserver, production example', () => {
  let cluster: LocalCluster;
  let environment: Environment;
  let spec: BundleSpec;
  let client: ClusterClient;
  const checker = () => new ComplianceChecker({ client, environments: [{ spec, modules: environment.admission }] });
  const object = (file: string): KubeObject => {
    const m = spec.objects.find((o) => o.file === file);
    if (m === undefined) throw new Error(`no ${file} in the bundle`);
    return m.object as KubeObject;
  };
  const reapply = async (files: readonly string[]) => {
    for (const f of files) await cluster.rest.applyOrThrow(object(f));
  };
  const mergePatch = async (o: KubeObject, patch: unknown) =>
    cluster.rest.call(`patch ${o.kind} ${o.metadata.name}`, 'PATCH', await cluster.rest.objectPath(o), { body: patch, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });

  beforeAll(async () => {
    ({ environment, spec } = await exampleEnvironment('production'));
    cluster = await startLocalCluster();
    await installCrds(cluster, crdsFor(spec));
    await applyBundle(cluster.rest, spec);
    await ensureNode(cluster.rest, 'node-a');
    // A running pod that passes every rule: admitted by the apiserver's ValidatingAdmissionPolicies, and not drift.
    await eventually('the compliant pod to be admitted', 30_000, async () => (await cluster.rest.create(compliantPod('production', 'frontend-1'))).status < 300);
    await setPodRunning(cluster.rest, 'production', 'frontend-1', '10.244.0.10', 'node-a');
    client = ClusterClient.fromKubeconfig({ context: 'ztp-local', kubeconfig: cluster.kubeconfigPath });
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('right after applying the bundle there is no drift: every object compared exactly, the running pod evaluated', async () => {
    const report = await checker().check();
    const env = report.environments[0]!;
    expect(named(report)).toEqual([]);
    expect(env.objects).toBe(spec.objects.length);
    expect(env.objects).toBeGreaterThan(100);
    expect(env.pods).toBe(1);
    expect(env.notes).toEqual([]); // no object fell back to a subset comparison, no check missing
    expect(env.policyReports).toBeUndefined(); // no Kyverno, no PolicyReport API
    expect(report.context).toBe('ztp-local');
    expect(report.server).toBe(cluster.server);
  });

  it('names a deleted NetworkPolicy, and nothing else', async () => {
    const np = object('network/networkpolicy-production-ztp-database-ingress.yaml');
    await cluster.rest.delete(np);
    try {
      const report = await checker().check();
      expect(named(report)).toEqual(['missing NetworkPolicy production/ztp-database-ingress']);
      expect(only(report)[0]!.file).toBe('network/networkpolicy-production-ztp-database-ingress.yaml');
    } finally {
      await reapply(['network/networkpolicy-production-ztp-database-ingress.yaml']);
    }
    expect(named(await checker().check())).toEqual([]);
  });

  it('names an edited allowed port, with the field and both values', async () => {
    const np = object('network/networkpolicy-production-ztp-database-ingress.yaml');
    const ingress = structuredClone((np['spec'] as { ingress: { ports: { port: number }[] }[] }).ingress);
    ingress[0]!.ports[0]!.port = 5433;
    await mergePatch(np, { spec: { ingress } });
    try {
      const report = await checker().check();
      expect(named(report)).toEqual(['changed NetworkPolicy production/ztp-database-ingress']);
      expect(only(report)[0]!.details).toEqual(['spec.ingress[0].ports[0].port: 5432 -> 5433']);
    } finally {
      await mergePatch(np, { spec: { ingress: (np['spec'] as { ingress: unknown }).ingress } });
    }
    expect(named(await checker().check())).toEqual([]);
  });

  it('names a rule added by hand to the default deny, though the bundle does not set the field', async () => {
    const deny = object('network/networkpolicy-production-ztp-default-deny.yaml');
    await mergePatch(deny, { spec: { ingress: [{}] } });
    try {
      const report = await checker().check();
      expect(named(report)).toEqual(['changed NetworkPolicy production/ztp-default-deny', 'default-deny Namespace production']);
      expect(only(report)[0]!.details).toEqual(['spec.ingress: (absent) -> [{}]']);
    } finally {
      await mergePatch(deny, { spec: { ingress: null } });
    }
    expect(named(await checker().check())).toEqual([]);
  });

  it('names an allow-all policy added by hand, and the default deny it overrides', async () => {
    const allowAll: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-all', namespace: 'production' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
    };
    expect((await cluster.rest.create(allowAll)).status).toBe(201);
    try {
      const report = await checker().check();
      expect(named(report)).toEqual(['added NetworkPolicy production/allow-all', 'default-deny Namespace production', 'default-deny Namespace production']);
      const [added, egress, ingress] = only(report);
      expect(added!.details).toContain('allows all ingress for every pod of production');
      expect(ingress!.summary).toMatch(/ingress is open to everything for every pod by NetworkPolicy allow-all, so default deny ztp-default-deny is not in force/);
      expect(egress!.summary).toMatch(/egress is open to everything/);
    } finally {
      await cluster.rest.delete(allowAll);
    }
    expect(named(await checker().check())).toEqual([]);
  });

  it('names a privileged pod that got in while admission was not running, after admission is back', async () => {
    const pod = privilegedPod('production', 'debug-shell');
    // With the bundle's ValidatingAdmissionPolicies bound, the apiserver itself refuses it.
    let refused = await cluster.rest.create(pod, { dryRun: true });
    await eventually('the bound policies to refuse a privileged pod', 30_000, async () => (refused = await cluster.rest.create(pod, { dryRun: true })).status >= 400);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/ValidatingAdmissionPolicy '[a-z-]+' with binding '[a-z-]+' denied request/);
    // Admission off: the bindings gone (no Kyverno runs here either), the pod gets in and runs.
    const bindings = spec.objects.filter((o) => o.object.kind === 'ValidatingAdmissionPolicyBinding');
    expect(bindings.length).toBeGreaterThan(10);
    for (const b of bindings) await cluster.rest.delete(b.object as KubeObject);
    try {
      const whileOff = await checker().check();
      expect(named(whileOff)).toEqual(bindings.map((b) => `missing ValidatingAdmissionPolicyBinding ${b.object.metadata.name}`).sort());
      await eventually('the privileged pod to be admitted without the bindings', 30_000, async () => (await cluster.rest.create(pod)).status < 300);
      await setPodRunning(cluster.rest, 'production', 'debug-shell', '10.244.0.11', 'node-a');
    } finally {
      await reapply(bindings.map((b) => b.file));
    }
    try {
      // Admission is back, and admission only judges new requests: the pod still runs. Compliance sees it.
      const report = await checker().check();
      expect(named(report)).toEqual(['pod Pod production/debug-shell']);
      const drift = only(report)[0]!;
      expect(drift.details).toEqual(expect.arrayContaining([expect.stringMatching(/^zero-trust-brief\/no-privileged: /), expect.stringMatching(/^pod-security-restricted\/privileged: /)]));
      expect(report.environments[0]!.pods).toBe(2);
    } finally {
      // No kubelet here to finish a graceful deletion: delete at once.
      await cluster.rest.call('delete Pod debug-shell', 'DELETE', await cluster.rest.objectPath(pod), { query: { gracePeriodSeconds: '0' } });
    }
    expect(named(await checker().check())).toEqual([]);
  });

  it('names a PeerAuthentication switched to PERMISSIVE', async () => {
    const pa = object('mesh/peerauthentication-production-default.yaml');
    await mergePatch(pa, { spec: { mtls: { mode: 'PERMISSIVE' } } });
    try {
      const report = await checker().check();
      expect(named(report)).toEqual(['changed PeerAuthentication production/default']);
      expect(only(report)[0]!.details).toEqual(['spec.mtls.mode: "STRICT" -> "PERMISSIVE"']);
    } finally {
      await reapply(['mesh/peerauthentication-production-default.yaml']);
    }
    expect(named(await checker().check())).toEqual([]);
  });

  it('names an AuthorizationPolicy added by hand in a managed namespace, a kind the bundle uses', async () => {
    const allowAll: KubeObject = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-everything', namespace: 'ai-inference' }, spec: { rules: [{}] } };
    await cluster.rest.applyOrThrow(allowAll);
    try {
      expect(named(await checker().check())).toEqual(['added AuthorizationPolicy ai-inference/allow-everything']);
    } finally {
      await cluster.rest.delete(allowAll);
    }
  });

  it('summarizes PolicyReports where the API is served, and names failing results', async () => {
    await installCrds(cluster, [POLICY_REPORT_CRD]);
    const report: KubeObject = {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { name: 'pod-frontend-1', namespace: 'production' },
      scope: { apiVersion: 'v1', kind: 'Pod', name: 'frontend-1', namespace: 'production' },
      summary: { pass: 3, fail: 1, warn: 0, error: 0, skip: 0 },
      results: [
        { policy: 'zero-trust-brief-no-privileged', rule: 'no-privileged', result: 'pass', source: 'KyvernoValidatingPolicy' },
        { policy: 'image-digests-digest-required', rule: 'digest-required', result: 'pass', source: 'KyvernoValidatingPolicy' },
        { policy: 'required-labels-required-labels', rule: 'required-labels', result: 'pass', source: 'KyvernoValidatingPolicy' },
        { policy: 'signed-images-signed-release', rule: 'signed-release', result: 'fail', message: 'image signature verification failed', source: 'KyvernoImageValidatingPolicy' },
      ],
    };
    await cluster.rest.applyOrThrow(report);
    try {
      const r = await checker().check();
      expect(r.environments[0]!.policyReports).toEqual({ api: 'wgpolicyk8s.io/v1alpha2 PolicyReport', reports: 1, pass: 3, fail: 1, warn: 0, error: 0, skip: 0 });
      expect(named(r)).toEqual(['policy-report Pod production/frontend-1']);
      expect(only(r)[0]!.summary).toMatch(/signed-images-signed-release\/signed-release/);
    } finally {
      await cluster.rest.delete(report);
    }
    const clean = await checker().check();
    expect(named(clean)).toEqual([]);
    expect(clean.environments[0]!.policyReports).toEqual({ api: 'wgpolicyk8s.io/v1alpha2 PolicyReport', reports: 0, pass: 0, fail: 0, warn: 0, error: 0, skip: 0 });
  });
});
