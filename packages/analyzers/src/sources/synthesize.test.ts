import { describe, expect, it } from 'vitest';
import { caseFromCluster } from '../case.ts';
import { workloadId } from '../cluster.ts';
import { ztpConnectivity } from '../ztp.ts';
import { bundleCase, compileExampleBundles } from './bundles.ts';
import { bundleCluster, OUTSIDER_NAMESPACE } from './synthesize.ts';

const manifest = {
  environment: 'e',
  namespaces: ['shop'],
  objects: [
    { file: 'identity/namespace-shop.yaml' },
    { file: 'network/np.yaml' },
    { file: 'network/cnp.yaml' },
  ],
  workloads: [
    { namespace: 'shop', name: 'web', labels: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    { namespace: 'shop', name: 'db', labels: { 'app.kubernetes.io/name': 'db' }, ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
  ],
};
const files = new Map([
  ['manifest.json', JSON.stringify(manifest)],
  ['identity/namespace-shop.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n'],
  [
    'network/np.yaml',
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: web}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress}}}]
      ports: [{port: 8080}]
  egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`,
  ],
  ['network/cnp.yaml', 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x, namespace: shop}\nspec: {endpointSelector: {}}\n'],
]);

describe('bundle synthesis', () => {
  const cluster = bundleCluster(files);

  it('adds a Deployment per workload, the peers the policies name, a rogue pod and an outsider; keeps NetworkPolicies only', () => {
    expect(cluster.workloads.map(workloadId)).toEqual([
      'shop/web[Deployment]',
      'shop/db[Deployment]',
      'ingress/peer-1[Deployment]',
      'kube-system/peer-2[Deployment]',
      'shop/ztp-rogue[Deployment]',
      `${OUTSIDER_NAMESPACE}/outsider[Deployment]`,
    ]);
    expect(cluster.workloads[3]!.pods[0]).toEqual({ name: 'peer-2', labels: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
    expect(cluster.namespaces.map((n) => n.name)).toEqual(['ingress', 'kube-system', 'shop', OUTSIDER_NAMESPACE]);
    expect(cluster.namespaces.find((n) => n.name === 'shop')!.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(cluster.policies.map((p) => p['kind'])).toEqual(['NetworkPolicy']);
  });

  it('gives a cluster on which the bundle\'s rules are exercised', () => {
    const z = ztpConnectivity(caseFromCluster('synth', cluster).resources).toString();
    expect(z).toContain('ingress/peer-1[Deployment] => shop/web[Deployment] : TCP 8080');
    expect(z).toContain('shop/web[Deployment] => kube-system/peer-2[Deployment] : TCP 53,UDP 53');
    expect(z).not.toContain('shop/ztp-rogue[Deployment] => shop/web[Deployment]');
    expect(z).not.toContain(`${OUTSIDER_NAMESPACE}/outsider[Deployment] => shop/web[Deployment]`);
  });

  it('compiles every example bundle in memory into a case with workloads and NetworkPolicies', async () => {
    const bundles = await compileExampleBundles();
    expect(bundles.length).toBeGreaterThan(0);
    for (const b of bundles) {
      const c = bundleCase(b);
      expect(c.resources.networkPolicies.length, b.environment).toBeGreaterThan(0);
      expect(c.resources.workloads.length, b.environment).toBeGreaterThan(c.cluster.workloads.filter((w) => w.name.startsWith('peer-')).length);
      expect(c.resources.warnings, b.environment).toEqual([]);
    }
  });
});
