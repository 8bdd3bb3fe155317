import { originOf, type IR } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';
import { toYaml } from '../serialize.ts';
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
  const expected = expectedPortsByNamespace(ir);
  for (const ns of ir.namespaces) {
    const ports = expected.get(ns.name);
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
  // each document a one-item list, keys in the order written above (`rule` first, as Falco's own files)
  return docs.map((d) => toYaml([d], { keyOrder: 'insertion' })).join('\n');
}

/**
 * Ports each namespace's processes are expected to connect to: the declared runtime ports, plus
 * what the environment itself allows them (DNS, declared flows and egress, istiod for sidecars),
 * plus, with sidecars, the namespace's own workloads' ports: since Istio 1.10 the sidecar hands
 * each inbound connection to the application by connecting to the pod's own IP at the port
 * (inbound passthrough), a connect Falco sees in the server's namespace.
 * One pass over the allows and egress; `get(namespace)` of the result answers for any namespace.
 */
export function expectedPortsByNamespace(ir: IR): { get(namespace: string): number[] } {
  const sets = new Map<string, Set<number>>();
  const add = (namespace: string | undefined, ports: Iterable<number>) => {
    if (namespace === undefined) return;
    let set = sets.get(namespace);
    if (set === undefined) sets.set(namespace, (set = new Set()));
    for (const p of ports) set.add(p);
  };
  for (const r of ir.env.runtime) add(r.namespace, r.outboundPorts);
  for (const a of ir.allows) add(a.source.kind === 'workload' ? a.source.workload.namespace : a.source.kind === 'namespace' ? a.source.namespace : undefined, a.ports.map((p) => p.port));
  for (const e of ir.egress) add(e.from.kind === 'workload' ? e.from.workload.namespace : e.from.namespace, e.ports.map((p) => p.port));
  const sidecars = ir.layers.has('mesh') && ir.env.mesh.mode === 'istio-sidecar';
  if (sidecars) for (const w of ir.workloads) add(w.namespace, w.ports.filter((p) => p.protocol === 'TCP').map((p) => p.port));
  const always = [ir.env.dns.port, ...(sidecars ? [ISTIOD_XDS_PORT] : [])];
  return { get: (namespace) => [...new Set([...always, ...(sets.get(namespace) ?? [])])].sort((a, b) => a - b) };
}

/**
 * Falco rules as a ConfigMap in the runtime layer. The Falco chart's `customRules` value builds a
 * ConfigMap of its own and mounts only that one: Falco reads this one only when its chart mounts
 * it and lists the folder in `rules_files` (see docs/runtime.md).
 */
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
