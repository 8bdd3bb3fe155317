import { describe, expect, it } from 'vitest';
import { prepareEnvironment } from './prepare.ts';
import { AGENT_IN_IMAGE, PROBE_ANNOTATION, probeWorkloads } from './probe-workloads.ts';
import { exampleBundles } from './test-bundles.ts';

const envs = await exampleBundles();
type Pod = { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> }; spec: { serviceAccountName: string; automountServiceAccountToken: boolean; securityContext: Record<string, unknown>; containers: { image: string; command: string[]; ports: { name: string; containerPort: number; protocol: string }[]; securityContext: Record<string, unknown>; readinessProbe: { exec: { command: string[] } } }[] } };

describe('probe workloads', () => {
  for (const { bundle, manifest } of envs) {
    it(`${bundle.environment}: one restricted pod per source, standing in for each declared workload with its namespace, labels, service account and named ports`, () => {
      const { plan, sync } = prepareEnvironment(bundle, []);
      const w = probeWorkloads(manifest, plan, 'ztp-e2e-probe:test', sync.objects.map((o) => o.object));
      const pods = w.objects.filter((o) => o.kind === 'Pod') as unknown as Pod[];
      expect(pods.map((p) => p.metadata.annotations[PROBE_ANNOTATION])).toEqual(plan.sources.map((s) => s.id));
      expect(w.pods.map((p) => p.id)).toEqual(plan.sources.map((s) => s.id));
      for (const wl of manifest.workloads) {
        const pod = pods.find((p) => p.metadata.annotations[PROBE_ANNOTATION] === wl.id)!;
        expect([pod.metadata.namespace, pod.metadata.name, pod.metadata.labels, pod.spec.serviceAccountName]).toEqual([wl.namespace, wl.name, wl.labels, wl.serviceAccount]);
        const c = pod.spec.containers[0]!;
        expect(c.ports).toEqual(wl.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })));
        const target = plan.targets.find((t) => t.id === wl.id)!;
        const tcp = c.command[c.command.indexOf('--tcp') + 1]!.split(',').map(Number);
        expect(tcp.sort()).toEqual(target.ports.filter((p) => p.protocol === 'TCP').map((p) => p.port).sort());
        expect(c.command.slice(0, 3)).toEqual([...AGENT_IN_IMAGE, 'serve']);
        expect(c.readinessProbe.exec.command).toEqual([...AGENT_IN_IMAGE, 'check', '--tcp', tcp.join(',')]);
      }
      for (const p of pods) {
        expect(p.spec.automountServiceAccountToken).toBe(false);
        expect(p.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(p.spec.containers[0]!.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(p.spec.containers[0]!.image).toBe('ztp-e2e-probe:test');
      }
      // Service accounts: the bundle's for declared workloads; the suite's own for the synthetic
      // callers (the impostors' copies of the workloads' accounts, in the outsider's namespace)
      const accounts = w.objects.filter((o) => o.kind === 'ServiceAccount').map((o) => `${(o.metadata as { namespace: string }).namespace}/${(o.metadata as { name: string }).name}`);
      for (const wl of manifest.workloads) {
        expect(accounts).not.toContain(`${wl.namespace}/${wl.serviceAccount}`);
        expect(accounts).toContain(`ztp-verify-outsider/${wl.serviceAccount}`);
      }
      expect(accounts).toContain(`${manifest.namespaces[0]}/ztp-rogue`);
      expect(w.objects.filter((o) => o.kind === 'Namespace').map((o) => (o.metadata as { name: string }).name)).toContain('ztp-verify-outsider');
    });
  }

  it('opens ports below 1024 with the unprivileged-port sysctl, not a capability, and echoes UDP', () => {
    const { bundle, manifest } = envs[0]!;
    const w0 = manifest.workloads[0]!;
    const low = { ...manifest, workloads: [{ ...w0, ports: [{ name: 'dns', port: 53, protocol: 'UDP' as const, appProtocol: 'dns' }, { name: 'web', port: 80, protocol: 'TCP' as const, appProtocol: 'http' }] }, ...manifest.workloads.slice(1)] };
    const { plan } = prepareEnvironment(bundle, []);
    const planLow = { ...plan, targets: plan.targets.map((t) => (t.id === w0.id ? { ...t, ports: [...t.ports.filter((p) => !p.declared)] } : t)) };
    const pod = probeWorkloads(low, planLow, 'img').objects.find((o) => o.kind === 'Pod' && (o.metadata as { name: string }).name === w0.name) as unknown as Pod;
    expect(pod.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    const cmd = pod.spec.containers[0]!.command;
    expect(cmd[cmd.indexOf('--udp') + 1]).toBe('53');
    expect(cmd[cmd.indexOf('--tcp') + 1]?.split(',')[0]).toBe('80');
  });
});
