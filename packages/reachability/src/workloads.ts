/**
 * Workloads from Pod and controller manifests (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob), named the way netpol-analyzer names them:
 * a controller is `ns/name[Kind]`; a pod with a controlling owner reference (other than a Node)
 * belongs to `ns/<owner name>[<owner kind>]` (`[Pod]` when the owner has no kind); a bare pod
 * is `ns/<pod name>[Pod]`.
 */
import { parseIp } from './ip.ts';
import type { ContainerPort, Origin, Pod } from './model.ts';
import type { ReadResult } from './networkpolicy.ts';
import { isProtocol } from './ports.ts';
import type { Protocol } from './ports.ts';

/** Kinds whose pod template is at `spec.template` (CronJob: `spec.jobTemplate.spec.template`). */
export const CONTROLLER_KINDS: readonly string[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
];

/** A workload contribution read from one object, before pods of one owner are merged. */
export interface WorkloadPart {
  /** Non-fatal problems (unusable container ports are left out of named-port lookups). */
  readonly warnings: readonly string[];
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly pod: Pod;
  readonly origin?: Origin;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readLabels(raw: unknown, at: string, errors: string[], what: 'label' | 'annotation' = 'label'): Record<string, string> {
  const labels: Record<string, string> = {};
  if (raw === undefined || raw === null) return labels;
  if (!isObject(raw)) {
    errors.push(`${at}: ${what}s must be a map`);
    return labels;
  }
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') labels[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') {
      errors.push(`${at}: ${what} "${k}" must be a string (quote ${String(v)})`);
    } else errors.push(`${at}: ${what} "${k}" must be a string`);
  }
  return labels;
}

/**
 * Container ports of the pod's containers. An entry the API server would reject (no
 * containerPort, bad protocol) is left out with a warning: ports only serve named-port lookups.
 */
function readContainerPorts(podSpec: Record<string, unknown>, at: string, errors: string[]): ContainerPort[] {
  const ports: ContainerPort[] = [];
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  for (const [ci, c] of containers.entries()) {
    if (!isObject(c) || c.ports === undefined || c.ports === null) continue;
    if (!Array.isArray(c.ports)) {
      errors.push(`${at}.containers[${ci}].ports: must be a list`);
      continue;
    }
    for (const [pi, p] of c.ports.entries()) {
      const where = `${at}.containers[${ci}].ports[${pi}]`;
      if (!isObject(p)) {
        errors.push(`${where}: must be an object`);
        continue;
      }
      const port = p.containerPort;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        errors.push(`${where}.containerPort: ${JSON.stringify(port)} is not a port number`);
        continue;
      }
      let protocol: Protocol = 'TCP';
      if (p.protocol !== undefined && p.protocol !== null && p.protocol !== '') {
        if (!isProtocol(p.protocol)) {
          errors.push(`${where}.protocol: "${String(p.protocol)}" is not TCP, UDP or SCTP`);
          continue;
        }
        protocol = p.protocol;
      }
      ports.push({ port, protocol, ...(typeof p.name === 'string' && p.name !== '' ? { name: p.name } : {}) });
    }
  }
  return ports;
}

function readPodIps(status: unknown, at: string, errors: string[]): string[] {
  if (!isObject(status)) return [];
  const ips = new Set<string>();
  if (Array.isArray(status.podIPs)) {
    for (const entry of status.podIPs) {
      if (isObject(entry) && typeof entry.ip === 'string') ips.add(entry.ip);
    }
  }
  if (typeof status.podIP === 'string' && status.podIP !== '') ips.add(status.podIP);
  const valid: string[] = [];
  for (const ip of ips) {
    if (parseIp(ip) === undefined) errors.push(`${at}: status pod IP "${ip}" is not an IP address`);
    else valid.push(ip);
  }
  return valid;
}

function templateOf(kind: string, spec: Record<string, unknown>): unknown {
  if (kind === 'CronJob') {
    const jobTemplate = spec.jobTemplate;
    if (!isObject(jobTemplate) || !isObject(jobTemplate.spec)) return undefined;
    return jobTemplate.spec.template;
  }
  return spec.template;
}

/**
 * Reads a Pod or a controller object into a workload part. Returns errors when required
 * fields are missing or malformed (a controller without a pod template, non-string labels,
 * bad ports).
 */
export function readWorkload(obj: Record<string, unknown>, origin?: Origin): ReadResult<WorkloadPart> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const kind = String(obj.kind);
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const where = `${kind} ${namespace}/${name || '<unnamed>'}`;
  if (name === '') errors.push(`${where}: metadata.name is required`);
  const spec = isObject(obj.spec) ? obj.spec : {};

  if (kind === 'Pod') {
    const labels = readLabels(metadata.labels, `${where}: metadata.labels`, errors);
    const annotations = readLabels(metadata.annotations, `${where}: metadata.annotations`, errors, 'annotation');
    const ports = readContainerPorts(spec, `${where}: spec`, warnings);
    const ips = readPodIps(obj.status, where, errors);
    let ownerKind = 'Pod';
    let ownerName = name;
    const refs = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
    const controller = refs.find((r: unknown) => isObject(r) && r.controller === true);
    if (isObject(controller) && controller.kind !== 'Node' && typeof controller.name === 'string' && controller.name !== '') {
      ownerName = controller.name;
      ownerKind = typeof controller.kind === 'string' && controller.kind !== '' ? controller.kind : 'Pod';
    }
    const serviceAccount = serviceAccountOf(spec);
    if (errors.length > 0) return { ok: false, errors };
    return {
      ok: true,
      value: {
        warnings,
        kind: ownerKind,
        name: ownerName,
        namespace,
        pod: { name, labels, ports, ips, serviceAccount, containers: containerNames(spec), hostNetwork: spec.hostNetwork === true, annotations },
        ...(origin ? { origin } : {}),
      },
    };
  }

  const template = templateOf(kind, spec);
  if (!isObject(template)) {
    errors.push(`${where}: the pod template is missing`);
    return { ok: false, errors };
  }
  const templateMeta = isObject(template.metadata) ? template.metadata : {};
  const templateSpec = isObject(template.spec) ? template.spec : {};
  const labels = readLabels(templateMeta.labels, `${where}: pod template labels`, errors);
  const annotations = readLabels(templateMeta.annotations, `${where}: pod template annotations`, errors, 'annotation');
  const ports = readContainerPorts(templateSpec, `${where}: pod template spec`, warnings);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      warnings,
      kind,
      name,
      namespace,
      pod: { name, labels, ports, ips: [], serviceAccount: serviceAccountOf(templateSpec), containers: containerNames(templateSpec), hostNetwork: templateSpec.hostNetwork === true, annotations },
      ...(origin ? { origin } : {}),
    },
  };
}

function containerNames(podSpec: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const field of ['initContainers', 'containers']) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) if (isObject(c) && typeof c.name === 'string') names.push(c.name);
  }
  return names;
}

function serviceAccountOf(podSpec: Record<string, unknown>): string {
  if (typeof podSpec.serviceAccountName === 'string' && podSpec.serviceAccountName !== '') return podSpec.serviceAccountName;
  if (typeof podSpec.serviceAccount === 'string' && podSpec.serviceAccount !== '') return podSpec.serviceAccount;
  return 'default';
}

/** `namespace/name[Kind]`, netpol-analyzer's workload string. */
export function workloadId(namespace: string, name: string, kind: string): string {
  return `${namespace}/${name}[${kind}]`;
}
