import type { IR, IRAllow, IRWorkload } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';
import { httpMatches } from './http.ts';

/**
 * The `from` of a rule: the caller's verified identity, or its IP range for external callers,
 * without the cluster's own ranges inside it (`notIpBlocks`, under every CNI when `clusterCidrs`
 * is declared): a pod caller's source IP, its pod IP, lies there, and `ipBlocks` alone would
 * admit it, with or without mTLS.
 */
function source(a: IRAllow, verified: boolean): Record<string, unknown>[] | undefined {
  if (a.source.kind === 'cidr') {
    const except = a.source.meshExcept;
    return [{ source: { ipBlocks: [a.source.cidr], ...(except.length > 0 ? { notIpBlocks: [...except] } : {}) } }];
  }
  // Without mTLS on a port the caller's identity cannot be verified and principals would deny
  // every caller; there, network policy alone decides who reaches the port.
  if (!verified) return undefined;
  return a.source.kind === 'workload' ? [{ source: { principals: [a.source.workload.principal] } }] : [{ source: { namespaces: [a.source.namespace] } }];
}

function operations(a: IRAllow, ports: readonly string[]): Record<string, unknown>[] {
  if (a.l7 !== 'istio' || a.http === undefined) return [{ operation: { ports: [...ports] } }];
  return a.http.flatMap(httpMatches).map((m) => ({
    operation: {
      ports: [...ports],
      ...(m.method === undefined ? {} : { methods: [m.method] }),
      ...(m.path === undefined ? {} : { paths: [m.path] }),
    },
  }));
}

/** One rule for the ports with mTLS (identity verified) and one for those without, as needed. */
function rules(a: IRAllow): Record<string, unknown>[] {
  const tcp = a.ports.filter((p) => p.protocol === 'TCP');
  const groups = [
    { verified: true, ports: tcp.filter((p) => a.mtls.get(p.name) !== 'DISABLE') },
    { verified: false, ports: tcp.filter((p) => a.mtls.get(p.name) === 'DISABLE') },
  ];
  return groups
    .filter((g) => g.ports.length > 0)
    .map((g) => {
      const from = source(a, g.verified);
      return { ...(from === undefined ? {} : { from }), to: operations(a, g.ports.map((p) => String(p.port))) };
    });
}

function meta(env: string, name: string, namespace: string) {
  return { name, namespace, labels: ztpLabels(env) };
}

/**
 * Istio: PeerAuthentication per namespace, per workload where a port overrides the mode, and
 * mesh-wide when the mode is STRICT (never loosening the mesh's own default); a namespace-wide allow-nothing AuthorizationPolicy, so a workload without declared callers
 * accepts none; and one ALLOW policy per server workload naming exactly its declared callers by
 * SPIFFE principal (external callers by IP range, less the cluster's own ranges), with HTTP
 * methods and paths where the flow declares them.
 */
export function emitIstio(ir: IR): Emitted[] {
  if (!ir.layers.has('mesh') || ir.env.mesh.mode === 'none') return [];
  const env = ir.env.name;
  const mode = ir.env.mesh.mtls;
  const out: Emitted[] = [];
  const peerAuth = (name: string, namespace: string, spec: Record<string, unknown>, sources: string[]) =>
    emitted('mesh', { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta(env, name, namespace), spec }, sources);
  const authz = (name: string, namespace: string, spec: Record<string, unknown>, sources: string[]) =>
    emitted('mesh', { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta(env, name, namespace), spec }, sources);

  // Mesh-wide only when it tightens: a PERMISSIVE or DISABLE default would replace whatever the
  // mesh has (a platform team's mesh-wide STRICT) for every namespace ztp does not manage.
  if (mode === 'STRICT') out.push(peerAuth('default', ir.env.mesh.istiodNamespace, { mtls: { mode } }, [ir.envOrigin]));
  for (const ns of ir.namespaces) {
    out.push(peerAuth('default', ns.name, { mtls: { mode } }, [ir.envOrigin]));
    out.push(authz('ztp-allow-nothing', ns.name, {}, [ir.envOrigin]));
  }
  for (const w of ir.workloads) {
    const overrides = w.ports.filter((p) => p.mtls !== undefined && p.mtls !== mode);
    if (overrides.length > 0) {
      const portLevelMtls = Object.fromEntries(overrides.map((p) => [String(p.port), { mode: p.mtls }]));
      out.push(peerAuth(`ztp-${w.name}`, w.namespace, { selector: { matchLabels: { ...w.labels } }, mtls: { mode }, portLevelMtls }, [w.origin]));
    }
    const inbound = (ir.allowsTo.get(w) ?? []).filter((a) => a.ports.some((p) => p.protocol === 'TCP'));
    if (inbound.length > 0) out.push(authz(`ztp-${w.name}`, w.namespace, allowSpec(w, inbound), inbound.map((a) => a.origin)));
  }
  return out;
}

function allowSpec(w: IRWorkload, inbound: readonly IRAllow[]): Record<string, unknown> {
  return { selector: { matchLabels: { ...w.labels } }, action: 'ALLOW', rules: inbound.flatMap(rules) };
}
