import { stringify } from 'yaml';
import { originOf, type IR } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';
import { ISTIOD_XDS_PORT } from './network-policy.ts';

/** Namespace Falco runs in and reads its custom rules ConfigMaps from. */
export const FALCO_NAMESPACE = 'falco';

/** The Falco rules file for an environment: one list, macro and rule per managed namespace. */
export function falcoRules(ir: IR): string {
  const docs: Record<string, unknown>[] = [
    {
      macro: 'ztp_outbound',
      condition:
        '(((evt.type = connect and evt.dir=<) or (evt.type in (sendto,sendmsg) and evt.dir=< and fd.l4proto != tcp and fd.connected=false and fd.name_changed=true)) and (fd.typechar = 4 or fd.typechar = 6) and (fd.ip != "0.0.0.0" and fd.net != "127.0.0.0/8") and (evt.rawres >= 0 or evt.res = EINPROGRESS))',
    },
  ];
  for (const ns of ir.namespaces) {
    const ports = expectedPorts(ir, ns.name);
    const id = ns.name.replace(/-/g, '_');
    const declared = ir.env.runtime.find((r) => r.namespace === ns.name);
    docs.push({ list: `ztp_${id}_expected_outbound_ports`, items: ports });
    docs.push({
      rule: `ztp unexpected outbound port in ${ns.name}`,
      desc: `A process in namespace ${ns.name} connected to a port that environment ${ir.env.name} does not expect (expected: ${ports.join(', ')}).`,
      condition: `ztp_outbound and k8s.ns.name = "${ns.name}" and not fd.sport in (ztp_${id}_expected_outbound_ports)`,
      output: `Unexpected outbound connection (env=${ir.env.name} ns=%k8s.ns.name pod=%k8s.pod.name container=%container.name proc=%proc.name connection=%fd.name port=%fd.sport)`,
      priority: declared?.priority ?? 'WARNING',
      tags: ['network', 'ztp', 'mitre_exfiltration'],
    });
  }
  return docs.map((d) => stringify([d], { lineWidth: 0 })).join('\n');
}

/**
 * Ports a namespace's processes are expected to connect to: the declared runtime ports, plus
 * what the environment itself allows them (DNS, declared flows and egress, istiod for sidecars).
 */
export function expectedPorts(ir: IR, namespace: string): number[] {
  const ports = new Set<number>([ir.env.dns.port]);
  for (const r of ir.env.runtime) if (r.namespace === namespace) r.outboundPorts.forEach((p) => ports.add(p));
  for (const a of ir.allows) {
    const from = a.source.kind === 'workload' ? a.source.workload.namespace : a.source.kind === 'namespace' ? a.source.namespace : undefined;
    if (from === namespace) a.ports.forEach((p) => ports.add(p.port));
  }
  for (const e of ir.egress) {
    const from = e.from.kind === 'workload' ? e.from.workload.namespace : e.from.namespace;
    if (from === namespace) e.ports.forEach((p) => ports.add(p.port));
  }
  if (ir.layers.has('mesh') && ir.env.mesh.mode === 'istio-sidecar') ports.add(ISTIOD_XDS_PORT);
  return [...ports].sort((a, b) => a - b);
}

/** Falco rules as a ConfigMap the Falco chart mounts (`customRules`), in the runtime layer. */
export function emitFalco(ir: IR): Emitted[] {
  if (!ir.layers.has('runtime')) return [];
  return [
    emitted(
      'runtime',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `ztp-${ir.env.name}-falco-rules`, namespace: FALCO_NAMESPACE, labels: ztpLabels(ir.env.name) },
        data: { [`ztp-${ir.env.name}-rules.yaml`]: falcoRules(ir) },
      },
      [ir.envOrigin, ...ir.env.runtime.map((r) => originOf(r.at, ir.root))],
    ),
  ];
}
