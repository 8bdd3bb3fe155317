import { stringify } from 'yaml';
import { kindAuditPatch } from '@ztp/compiler';
import { KIND_NODE_IMAGE } from './pins.ts';

/** The kind cluster the suite creates. */
export interface ClusterOptions {
  /** kind cluster name (also the prefix of its node containers); default `ztp-e2e`. */
  readonly name?: string;
  /** Worker nodes besides the one control plane; default 1. */
  readonly workers?: number;
  /** Pod CIDR (Cilium's IPAM reads it from the nodes' podCIDRs); default `10.244.0.0/16`. */
  readonly podSubnet?: string;
  /** Service CIDR; default `10.96.0.0/16`. */
  readonly serviceSubnet?: string;
  /** Node image; default the pinned image of kind v0.33.0. */
  readonly nodeImage?: string;
}

/** A cluster config that is not valid, with every problem. */
export class ClusterConfigError extends Error {
  override name = 'ClusterConfigError';
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function cidrProblem(label: string, cidr: string, minPrefix: number, maxPrefix: number): string | undefined {
  const m = CIDR4.exec(cidr);
  if (m === null) return `${label} ${cidr} is not an IPv4 CIDR like 10.244.0.0/16`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return `${label} ${cidr} has an octet above 255`;
  if (prefix < minPrefix || prefix > maxPrefix) return `${label} ${cidr} must have a prefix between /${minPrefix} and /${maxPrefix}`;
  const value = octets.reduce((a, o) => a * 256 + o, 0);
  if (value % 2 ** (32 - prefix) !== 0) return `${label} ${cidr} has host bits set`;
  return undefined;
}

function overlaps(a: string, b: string): boolean {
  const range = (c: string) => {
    const m = CIDR4.exec(c)!;
    const start = m.slice(1, 5).map(Number).reduce((x, o) => x * 256 + o, 0);
    return [start, start + 2 ** (32 - Number(m[5])) - 1] as const;
  };
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

/** The options with defaults filled in, validated; throws ClusterConfigError naming every problem. */
export function resolveClusterOptions(o: ClusterOptions = {}): Required<ClusterOptions> {
  const r = { name: o.name ?? 'ztp-e2e', workers: o.workers ?? 1, podSubnet: o.podSubnet ?? '10.244.0.0/16', serviceSubnet: o.serviceSubnet ?? '10.96.0.0/16', nodeImage: o.nodeImage ?? KIND_NODE_IMAGE };
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(r.name) || r.name.length > 40) problems.push(`cluster name ${JSON.stringify(r.name)} must be lower-case letters, digits and '-', at most 40 characters`);
  if (!Number.isInteger(r.workers) || r.workers < 0 || r.workers > 8) problems.push(`workers must be a whole number from 0 to 8, not ${r.workers}`);
  const pod = cidrProblem('pod subnet', r.podSubnet, 8, 22);
  const svc = cidrProblem('service subnet', r.serviceSubnet, 12, 24);
  problems.push(...[pod, svc].filter((p): p is string => p !== undefined));
  if (pod === undefined && svc === undefined && overlaps(r.podSubnet, r.serviceSubnet)) problems.push(`pod subnet ${r.podSubnet} and service subnet ${r.serviceSubnet} overlap`);
  if (r.nodeImage.trim() === '') problems.push('node image must not be empty');
  if (problems.length > 0) throw new ClusterConfigError(problems.join('\n'));
  return r;
}

/** What the bundle adds to the cluster config. */
export interface BundleClusterSettings {
  /** The bundle's audit policy, as a file on this machine: the control plane runs with it (kindAuditPatch). @default no audit log */
  readonly auditPolicyFile?: string;
}

/**
 * The kind cluster config: no default CNI (Cilium is installed instead), no kube-proxy (Cilium
 * replaces it), the given pod and service subnets, one control plane and `workers` workers, all on
 * the pinned node image; with `auditPolicyFile`, the control plane's apiserver audits with it.
 */
export function kindConfig(o: ClusterOptions = {}, bundle: BundleClusterSettings = {}): Record<string, unknown> {
  const r = resolveClusterOptions(o);
  const audit = bundle.auditPolicyFile === undefined ? {} : kindAuditPatch(bundle.auditPolicyFile);
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: r.name,
    networking: { disableDefaultCNI: true, kubeProxyMode: 'none', podSubnet: r.podSubnet, serviceSubnet: r.serviceSubnet },
    nodes: [{ role: 'control-plane', image: r.nodeImage, ...audit }, ...Array.from({ length: r.workers }, () => ({ role: 'worker', image: r.nodeImage }))],
  };
}

/** `kindConfig` as the YAML file `kind create cluster --config` reads. */
export function kindConfigYaml(o: ClusterOptions = {}, bundle: BundleClusterSettings = {}): string {
  return stringify(kindConfig(o, bundle));
}

/** The address Cilium reaches the API server at without kube-proxy: the control-plane container on kind's Docker network. */
export function apiServerEndpoint(o: ClusterOptions = {}): { host: string; port: number } {
  return { host: `${resolveClusterOptions(o).name}-control-plane`, port: 6443 };
}
