import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildResourcesFromDocuments, connlist, formatConnlist, isProtocol, judge, readManifestDocuments, verdict, ManifestError, PeerError, type ConnlistEntry, type Resources } from '@ztp/reachability';
import { readBundle, synthesize } from '@ztp/verify';
import { readBundleDir } from '../bundles.ts';
import type { Command } from '../command.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';

export const ANALYZE_HELP = `Usage: ztp analyze <path...> [-o txt|json|md] [--explain]
       ztp analyze <path...> --src PEER --dst PEER --port N [--protocol TCP|UDP|SCTP] [--method M --path P]
                         [--dataplane kubernetes|cilium]

Reads any manifests (files or folders: YAML or JSON, multi-document, List kinds): namespaces,
workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
CronJob), NetworkPolicies, CiliumNetworkPolicies and Istio policies. A ztp bundle folder (with
manifest.json) is read through its kustomization, with one pod per declared workload added, an
undeclared pod in each managed namespace, the cluster DNS, and probes for other namespaces.

Without --src/--dst it lists every allowed connection under Kubernetes NetworkPolicy semantics, in
netpol-analyzer's connlist form: 'src => dst : conns', workloads as ns/name[Kind], external peers as
IP ranges, conns as 'All Connections' or 'TCP 80,UDP 53'. --explain adds, under each line, the
policies and rules that allow it.

With --src and --dst (ns/name[Kind], ns/name, or an IP) it judges one connection, and one HTTP
request with --method/--path, through every layer: NetworkPolicy or Cilium, Cilium L7, Istio mTLS
and Istio authorization, and says which objects decided each, or why nothing allows it.
`;

function explainEntry(r: Resources, e: ConnlistEntry): string[] {
  if (e.src.type !== 'workload' || e.dst.type !== 'workload') return ['    (external peer: allowed by rules with ipBlock peers, or because the workload is not isolated)'];
  const [protocol, ranges] = Object.entries(e.conns.byProtocol).find(([, rs]) => rs.length > 0) ?? [];
  const port = ranges?.[0]?.[0] ?? 1;
  if (protocol === undefined || !isProtocol(protocol)) return [];
  const v = verdict(r, { src: e.src.name, dst: e.dst.name, protocol, port });
  const side = (name: string, d: typeof v.ingress) =>
    `    ${name}: ${typeof d.decidedBy === 'string' ? d.decidedBy : d.decidedBy.map((x) => `NetworkPolicy ${x.namespace}/${x.name}${x.rule !== undefined ? ` ${name}[${x.rule}]` : ''}`).join(', ')}`;
  return [side('egress', v.egress), side('ingress', v.ingress)];
}

export async function runAnalyze(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      output: { type: 'string', short: 'o', default: 'txt' },
      explain: { type: 'boolean', default: false },
      src: { type: 'string' },
      dst: { type: 'string' },
      port: { type: 'string' },
      protocol: { type: 'string', default: 'TCP' },
      method: { type: 'string' },
      path: { type: 'string' },
      dataplane: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('name at least one file or folder of manifests');
  const format = values.output;
  if (format !== 'txt' && format !== 'json' && format !== 'md') throw new UsageError(`-o must be txt, json or md, not '${format}'`);
  if (values.dataplane !== undefined && values.dataplane !== 'kubernetes' && values.dataplane !== 'cilium') throw new UsageError(`--dataplane must be kubernetes or cilium`);
  let dataplane = values.dataplane as 'kubernetes' | 'cilium' | undefined;
  // a ztp bundle's mesh: its trust domain, and istiod's namespace as the root (as the compiler has it)
  let mesh: { trustDomain?: string; istioRootNamespace?: string } = {};
  let r: Resources;
  try {
    const paths = positionals.map((p) => resolve(io.cwd, p));
    const plain = paths.filter((p) => !existsSync(join(p, 'manifest.json')));
    const docs = plain.length > 0 ? [...readManifestDocuments(plain)] : [];
    const objects: Record<string, unknown>[] = [];
    for (const p of paths.filter((x) => existsSync(join(x, 'manifest.json')))) {
      const { manifest, objects: bundleObjects } = readBundle(readBundleDir(p));
      objects.push(...bundleObjects, ...synthesize(manifest, { policies: bundleObjects }).objects);
      dataplane ??= manifest.cni;
      mesh = { trustDomain: manifest.trustDomain, ...('istiod' in manifest.mesh ? { istioRootNamespace: manifest.mesh.istiod.namespace } : {}) };
    }
    r = buildResourcesFromDocuments([...docs, ...objects.map((object) => ({ object }))], {});
  } catch (e) {
    if (e instanceof ManifestError) throw new UsageError(`the manifests cannot be analyzed:\n${e.message}`);
    throw e;
  }
  if (values.src !== undefined || values.dst !== undefined) {
    if (values.src === undefined || values.dst === undefined || values.port === undefined) throw new UsageError('--src, --dst and --port go together');
    const port = Number(values.port);
    const protocol = values.protocol.toUpperCase();
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port ${values.port} is not a port number`);
    if (!isProtocol(protocol)) throw new UsageError(`--protocol must be TCP, UDP or SCTP`);
    if ((values.method === undefined) !== (values.path === undefined)) throw new UsageError('--method and --path go together');
    let j;
    try {
      j = judge(r, { src: values.src, dst: values.dst, protocol, port, ...(values.method && values.path ? { http: { method: values.method, path: values.path } } : {}) }, { ...mesh, ...(dataplane ? { dataplane } : {}) });
    } catch (e) {
      if (e instanceof PeerError) throw new UsageError(e.message);
      throw e;
    }
    if (format === 'json') io.out(JSON.stringify(j, null, 2));
    else {
      io.out(`${j.src} => ${j.dst} : ${protocol} ${port}${values.method ? ` ${values.method} ${values.path}` : ''}: ${j.outcome}`);
      for (const s of j.stages) io.out(`  ${s.layer}: ${s.result}: ${s.reason}${s.decidedBy.length ? ` [${s.decidedBy.map((d) => `${d.kind} ${d.namespace ? d.namespace + '/' : ''}${d.name}${'rule' in d && d.rule ? ` ${d.rule}` : ''}`).join(', ')}]` : ''}`);
    }
    return EXIT.ok;
  }
  const entries = connlist(r);
  if (!values.explain || format !== 'txt') {
    io.out(formatConnlist(entries, format));
    return EXIT.ok;
  }
  const lines = formatConnlist(entries, 'txt').split('\n').filter((l) => l !== '');
  lines.forEach((line, i) => {
    io.out(line);
    const e = entries[i];
    if (e) for (const x of explainEntry(r, e)) io.out(x);
  });
  return EXIT.ok;
}

export const analyzeCommand: Command = { name: 'analyze', summary: 'list or judge the connections any manifests allow (-o txt|json|md, --explain)', help: ANALYZE_HELP, run: runAnalyze };
