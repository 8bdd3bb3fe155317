import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ciliumHelmArgs, ciliumValues, imagesInManifests } from './cilium.ts';
import { apiServerEndpoint, ClusterConfigError, kindConfig, kindConfigYaml, resolveClusterOptions } from './cluster-config.ts';
import { CILIUM_VERSION, HELM, KIND, KIND_NODE_IMAGE } from './pins.ts';

describe('kind cluster config', () => {
  it('has no default CNI and no kube-proxy, the pod and service subnets, one control plane and N workers on the pinned image', () => {
    const config = parse(kindConfigYaml({ name: 'ztp-e2e-dev', workers: 2, podSubnet: '10.200.0.0/16', serviceSubnet: '10.201.0.0/20' }));
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'ztp-e2e-dev',
      networking: { disableDefaultCNI: true, kubeProxyMode: 'none', podSubnet: '10.200.0.0/16', serviceSubnet: '10.201.0.0/20' },
      nodes: [
        { role: 'control-plane', image: KIND_NODE_IMAGE },
        { role: 'worker', image: KIND_NODE_IMAGE },
        { role: 'worker', image: KIND_NODE_IMAGE },
      ],
    });
  });

  it('defaults to one worker, 10.244.0.0/16 and 10.96.0.0/16', () => {
    const c = kindConfig() as { name: string; networking: Record<string, unknown>; nodes: unknown[] };
    expect([c.name, c.networking.podSubnet, c.networking.serviceSubnet, c.nodes.length]).toEqual(['ztp-e2e', '10.244.0.0/16', '10.96.0.0/16', 2]);
    expect(resolveClusterOptions({ workers: 0 }).workers).toBe(0);
  });

  it.each([
    [{ name: 'Bad_Name' }, /cluster name/],
    [{ workers: -1 }, /workers/],
    [{ workers: 1.5 }, /workers/],
    [{ podSubnet: '10.244.0.0' }, /not an IPv4 CIDR/],
    [{ podSubnet: '10.244.1.0/16' }, /host bits/],
    [{ podSubnet: '10.244.0.0/28' }, /prefix between/],
    [{ serviceSubnet: '300.1.0.0/16' }, /above 255/],
    [{ podSubnet: '10.0.0.0/8', serviceSubnet: '10.96.0.0/16' }, /overlap/],
  ])('refuses %j', (options, message) => {
    expect(() => kindConfig(options)).toThrow(ClusterConfigError);
    expect(() => kindConfig(options)).toThrow(message);
  });

  it('names every problem at once', () => {
    expect(() => resolveClusterOptions({ name: 'X', workers: 99 })).toThrow(/cluster name[\s\S]*workers/);
  });

  it('points Cilium at the control-plane container', () => {
    expect(apiServerEndpoint({ name: 'ztp-e2e-dev' })).toEqual({ host: 'ztp-e2e-dev-control-plane', port: 6443 });
  });
});

describe('Cilium installation', () => {
  it('installs the pinned chart with kube-proxy replacement, the API server endpoint and Kubernetes IPAM, and waits', () => {
    const args = ciliumHelmArgs({ kubeconfig: '/tmp/kc', cluster: { name: 'c1' } });
    expect(args.slice(0, 4)).toEqual(['upgrade', '--install', 'cilium', 'cilium']);
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    expect([at('--version'), at('--namespace'), at('--kubeconfig'), at('--repo')]).toEqual([CILIUM_VERSION, 'kube-system', '/tmp/kc', 'https://helm.cilium.io']);
    expect(args).toContain('--wait');
    const sets = args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : []));
    expect(sets).toEqual(expect.arrayContaining(['kubeProxyReplacement=true', 'k8sServiceHost=c1-control-plane', 'k8sServicePort=6443', 'ipam.mode=kubernetes', 'image.useDigest=false']));
    expect(Object.keys(ciliumValues()).length).toBe(sets.length);
  });

  it('finds the images a rendered chart runs, init containers included', () => {
    const yaml = `apiVersion: apps/v1
kind: DaemonSet
spec:
  template:
    spec:
      initContainers: [{ name: init, image: "quay.io/cilium/cilium:v${CILIUM_VERSION}" }]
      containers: [{ name: agent, image: "quay.io/cilium/cilium:v${CILIUM_VERSION}" }]
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: op
          image: quay.io/cilium/operator-generic:v${CILIUM_VERSION}
          env: [{ name: image, value: not-an-image }]
---
apiVersion: v1
kind: ConfigMap
data: { image: "not/a:container" }
`;
    expect(imagesInManifests(yaml)).toEqual([`quay.io/cilium/cilium:v${CILIUM_VERSION}`, `quay.io/cilium/operator-generic:v${CILIUM_VERSION}`]);
  });

  it('pins well-formed versions: kind from the registry, a digest-pinned node image, Helm with a version check', () => {
    expect(KIND.version).toBe('v0.33.0');
    expect(KIND_NODE_IMAGE).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    expect(CILIUM_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(HELM.check.kind === 'command' && HELM.check.pattern.exec('v3.22.0')?.[1]).toBe(HELM.version);
  });
});

describe('the audit fragment of the kind config', () => {
  it('mounts the bundle audit policy into the control plane and passes the audit flags to kube-apiserver', async () => {
    const { parse } = await import('yaml');
    const config = kindConfig({ workers: 1 }, { auditPolicyFile: '/tmp/work/ztp-e2e.audit-policy.yaml' }) as { nodes: Record<string, unknown>[] };
    const [control, worker] = config.nodes as [Record<string, any>, Record<string, any>];
    expect(control.extraMounts).toEqual([{ hostPath: '/tmp/work/ztp-e2e.audit-policy.yaml', containerPath: '/etc/kubernetes/ztp/audit-policy.yaml', readOnly: true }]);
    const patch = parse(control.kubeadmConfigPatches[0]) as { kind: string; apiServer: { extraArgs: { name: string; value: string }[]; extraVolumes: { mountPath: string }[] } };
    expect(patch.kind).toBe('ClusterConfiguration');
    const args = Object.fromEntries(patch.apiServer.extraArgs.map((a) => [a.name, a.value]));
    expect(args['audit-policy-file']).toBe('/etc/kubernetes/ztp/audit-policy.yaml');
    expect(args['audit-log-path']).toBe('/var/log/kubernetes/audit/audit.log');
    expect(patch.apiServer.extraVolumes.map((v) => v.mountPath)).toEqual(['/etc/kubernetes/ztp', '/var/log/kubernetes/audit']);
    expect(worker.extraMounts).toBeUndefined();
    expect(kindConfig({}).nodes).toEqual([{ role: 'control-plane', image: expect.any(String) }, { role: 'worker', image: expect.any(String) }]);
  });
});
