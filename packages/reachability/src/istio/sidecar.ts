/**
 * Whether a pod runs in the Istio mesh, from what its manifests say (sidecar mode): an
 * `istio-proxy` container (already injected), or the injection webhooks' rules: host-network pods
 * and the injector's ignored namespaces (kube-system, kube-public) are never injected, nor is any
 * pod of a namespace whose `istio-injection` label is anything but `enabled`; a pod label
 * `sidecar.istio.io/inject: "true"` injects; else namespace `istio-injection=enabled` or an
 * `istio.io/rev` namespace label injects unless the pod opts out (that label, else the annotation
 * of that name, `false`). Ambient mode is reported separately. Then what the sidecar captures, in
 * each direction (`inboundCapture`, `outboundCapture`).
 */
import { parse as parseYaml } from 'yaml';
import type { Pod } from '../model.ts';
import type { Labels } from '../selectors.ts';

/** How a pod takes part in the mesh. */
export type MeshMode = 'sidecar' | 'ambient' | 'none';

/** The pod's mesh mode. */
export function meshMode(pod: Pod, namespaceLabels: Labels): MeshMode {
  if (pod.containers.includes('istio-proxy')) return 'sidecar';
  if (pod.hostNetwork) return 'none'; // the injector skips host-network pods
  // the injector never injects in these (its ignored namespaces)
  if (['kube-system', 'kube-public'].includes(namespaceLabels['kubernetes.io/metadata.name'] ?? '')) return 'none';
  const nsInjection = namespaceLabels['istio-injection'];
  // Only `enabled` selects the namespace webhook; every other webhook needs the label absent, so
  // any other value (`disabled`, `true`...) means no injection at all.
  if (nsInjection !== undefined && nsInjection !== 'enabled') {
    return namespaceLabels['istio.io/dataplane-mode'] === 'ambient' && pod.labels['istio.io/dataplane-mode'] !== 'none' ? 'ambient' : 'none';
  }
  const podLabel = pod.labels['sidecar.istio.io/inject'];
  // The injector reads the label, else the (older) annotation; but only the label brings a pod
  // of a namespace without injection to the webhook, so the annotation can only opt out.
  const podInject = podLabel ?? pod.annotations?.['sidecar.istio.io/inject'];
  if (podLabel === 'true') return 'sidecar';
  if (podInject !== 'false' && (nsInjection === 'enabled' || namespaceLabels['istio.io/rev'] !== undefined)) return 'sidecar';
  if (namespaceLabels['istio.io/dataplane-mode'] === 'ambient' && pod.labels['istio.io/dataplane-mode'] !== 'none') return 'ambient';
  return 'none';
}

/**
 * Ports the sidecar injector always leaves out of the inbound capture (its `-d` to istio-iptables):
 * Envoy's Prometheus listener (15090) and health listener (15021). The status port joins them.
 */
export const SIDECAR_UNCAPTURED_PORTS: readonly number[] = [15090, 15021];

/** pilot-agent's status port, also left out of the capture, unless `status.sidecar.istio.io/port` names another (`0`: none). */
export const DEFAULT_STATUS_PORT = 15020;

/** The HBONE tunnel port: istio-iptables returns it before the capture in REDIRECT mode. */
const TUNNEL_PORT = 15008;

/** The TCP ports a sidecar pod without capture annotations leaves uncaptured (see `inboundCapture`). */
export const DEFAULT_UNCAPTURED_PORTS: readonly number[] = [TUNNEL_PORT, DEFAULT_STATUS_PORT, ...SIDECAR_UNCAPTURED_PORTS].sort((a, b) => a - b);

/** Whether a sidecar pod's inbound capture takes a TCP port to Envoy (where mTLS and authorization apply). */
export type InboundCapture = { readonly captured: true } | { readonly captured: false; readonly reason: string } | { readonly captured: 'unknown'; readonly reason: string };

/**
 * Annotations whose effect on the capture this analysis does not model: the sidecar's capture is
 * then unknown. Interfaces that return before the capture, other injection templates, a pod's own
 * versions of the injected containers, another proxy or Envoy bootstrap.
 */
const UNMODELLED = ['traffic.sidecar.istio.io/excludeInterfaces', 'traffic.sidecar.istio.io/kubevirtInterfaces', 'istio.io/reroute-virtual-interfaces', 'proxy.istio.io/overrides', 'sidecar.istio.io/proxyImage', 'sidecar.istio.io/bootstrapOverride'];
/** Outbound capture annotations: with any of them, whether a source's sidecar originates mTLS is unknown here. */
const OUTBOUND = ['traffic.sidecar.istio.io/excludeOutboundPorts', 'traffic.sidecar.istio.io/includeOutboundPorts', 'traffic.sidecar.istio.io/excludeOutboundIPRanges', 'traffic.sidecar.istio.io/includeOutboundIPRanges'];
/** The upstream defaults of the outbound capture annotations (those absent: empty): with them a pod captures as without. */
const OUTBOUND_DEFAULTS: Readonly<Record<string, string>> = { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '*' };
/** ProxyConfig fields that change the capture (with their protobuf names), and `proxyMetadata`, which becomes istio-iptables' environment. */
const CAPTURE_FIELDS = new Set(['interceptionMode', 'interception_mode', 'statusPort', 'status_port', 'proxyMetadata', 'proxy_metadata']);

/** unreadableCapture per pod: it is asked for every connection judged (it may parse YAML). */
const unreadable = new WeakMap<Pod, string | undefined>();

/** Why the sidecar's capture cannot be read from the pod, whatever the port; undefined when it can. */
function unreadableCapture(pod: Pod): string | undefined {
  if (!unreadable.has(pod)) unreadable.set(pod, readCapture(pod));
  return unreadable.get(pod);
}

function readCapture(pod: Pod): string | undefined {
  const a = pod.annotations ?? {};
  const config = a[PROXY_CONFIG];
  if (config !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseYaml(config);
    } catch {
      return `annotation ${PROXY_CONFIG} does not parse`;
    }
    if (parsed !== null && typeof parsed !== 'object') return `annotation ${PROXY_CONFIG} is not a ProxyConfig`;
    const set = Object.keys(parsed ?? {}).filter((k) => CAPTURE_FIELDS.has(k));
    if (set.length > 0) return `annotation ${PROXY_CONFIG} sets ${set.join(', ')}, which may change the sidecar's capture`;
  }
  const template = a['inject.istio.io/templates'];
  if (template !== undefined && template.trim() !== 'sidecar') return `annotation inject.istio.io/templates: "${template}" (templates other than sidecar may add no capture)`;
  const other = UNMODELLED.find((k) => a[k] !== undefined);
  if (other !== undefined) return `annotation ${other}, whose effect on the capture this analysis does not model`;
  // a pod that already carries a sidecar brings its own capture setup (istio-init, or the CNI's istio-validation)
  if (pod.containers.includes('istio-proxy') && !pod.containers.includes('istio-init') && !pod.containers.includes('istio-validation')) {
    return 'the pod has an istio-proxy container but no istio-init or istio-validation init container';
  }
  return undefined;
}

/**
 * An injected pod whose capture the istio-cni plugin sets up: an `istio-proxy` and the CNI's
 * `istio-validation` init container, no `istio-init` (the plugin leaves pods with one alone).
 */
function cniSidecar(pod: Pod): boolean {
  return pod.containers.includes('istio-proxy') && pod.containers.includes('istio-validation') && !pod.containers.includes('istio-init');
}

/** The strings Go's `strconv.ParseBool` reads as false (the istio-cni plugin reads the inject label and annotation so). */
const GO_FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/**
 * Why the istio-cni plugin sets up no capture at all for a pod it would otherwise redirect
 * (cni/pkg/plugin/plugin.go): no `sidecar.istio.io/status` annotation, or an inject label (else
 * annotation) that parses as false. Undefined when it does, or when the pod is not a CNI sidecar.
 */
function cniSkip(pod: Pod): string | undefined {
  if (!cniSidecar(pod)) return undefined;
  const a = pod.annotations ?? {};
  if (a['sidecar.istio.io/status'] === undefined) return 'the pod has no sidecar.istio.io/status annotation, without which the istio-cni plugin sets up no capture';
  const label = pod.labels['sidecar.istio.io/inject'];
  const inject = label ?? a['sidecar.istio.io/inject'];
  if (inject !== undefined && GO_FALSE.has(inject)) return `${label !== undefined ? 'label' : 'annotation'} sidecar.istio.io/inject: "${inject}", which the istio-cni plugin reads as false: it sets up no capture`;
  return undefined;
}

/** What decides the capture for every port and both directions (settings it cannot read, interception mode `NONE`, a pod istio-cni skips); undefined when the ports decide. */
function wholeCapture(pod: Pod): Exclude<InboundCapture, { captured: true }> | undefined {
  const why = unreadableCapture(pod);
  if (why !== undefined) return { captured: 'unknown', reason: why };
  const skipped = cniSkip(pod);
  if (skipped !== undefined) return { captured: false, reason: skipped };
  const mode = pod.annotations?.[INTERCEPTION];
  if (mode === 'NONE') return { captured: false, reason: `annotation ${INTERCEPTION}: NONE (the sidecar captures no traffic)` };
  if (mode !== undefined && mode !== 'REDIRECT' && mode !== 'TPROXY') return { captured: 'unknown', reason: `annotation ${INTERCEPTION}: "${mode}" is not an interception mode this analysis knows` };
  return undefined;
}

/**
 * Whether a sidecar pod's own outbound traffic goes through its sidecar (which then originates
 * mTLS): not with interception mode `NONE`; unknown with the outbound capture annotations (they
 * depend on the destination) or what `inboundCapture` cannot read either.
 */
export function outboundCapture(pod: Pod): InboundCapture {
  const a = pod.annotations ?? {};
  const whole = wholeCapture(pod);
  if (whole !== undefined) return whole;
  // the values the injector writes onto every pod under istio-cni capture what no annotation does
  const outbound = OUTBOUND.find((k) => a[k] !== undefined && a[k].trim() !== (OUTBOUND_DEFAULTS[k] ?? ''));
  if (outbound !== undefined) return { captured: 'unknown', reason: `annotation ${outbound}: whether the source's sidecar carries this connection is not modelled` };
  return { captured: true };
}

const INCLUDE = 'traffic.sidecar.istio.io/includeInboundPorts';
const EXCLUDE = 'traffic.sidecar.istio.io/excludeInboundPorts';
const STATUS_PORT = 'status.sidecar.istio.io/port';
const INTERCEPTION = 'sidecar.istio.io/interceptionMode';
const PROXY_CONFIG = 'proxy.istio.io/config';

/** A comma-separated port list as istio-iptables passes each item to `--dport`: numbers and `a:b` ranges; undefined if an item is neither. */
function portList(text: string): { from: number; to: number }[] | undefined {
  const out: { from: number; to: number }[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(item);
    if (m === null) return undefined;
    out.push({ from: Number(m[1]), to: Number(m[2] ?? m[1]) });
  }
  return out;
}

const inList = (list: readonly { from: number; to: number }[], port: number) => list.some((r) => port >= r.from && port <= r.to);

/**
 * Whether the sidecar of `pod` captures inbound TCP `port`, as the injector (its istio-init
 * arguments) and istio-iptables decide: with `sidecar.istio.io/interceptionMode: NONE` nothing is
 * captured; `traffic.sidecar.istio.io/includeInboundPorts` is `*` (the default: every port but
 * 15090, 15021, the status port and `traffic.sidecar.istio.io/excludeInboundPorts`), empty (none)
 * or a list (only those). A port not captured reaches the application (or the sidecar's own
 * listener) directly: neither mTLS nor authorization applies there; nor at the HBONE port 15008,
 * which istio-iptables returns first (REDIRECT mode). What the annotations do not say (a port list
 * naming services, a `proxy.istio.io/config` that sets the capture or `proxyMetadata`, the
 * annotations of `UNMODELLED`, other injection templates, a pod's own istio-proxy without
 * istio-init) is `unknown`. An injected pod with istio-cni's `istio-validation` instead of
 * istio-init is captured as the CNI plugin does: not at all without `sidecar.istio.io/status` or
 * with an inject value Go reads as false, and 15020 always left out. The mesh-wide defaults are
 * assumed (and, under istio-cni, that the istio-proxy container is a sidecar without
 * `DISABLE_ENVOY`: a pod's container arguments and environment are not read).
 */
export function inboundCapture(pod: Pod, port: number): InboundCapture {
  const a = pod.annotations ?? {};
  const whole = wholeCapture(pod);
  if (whole !== undefined) return whole;
  if (port === TUNNEL_PORT && a[INTERCEPTION] !== 'TPROXY') return { captured: false, reason: `port ${TUNNEL_PORT} is the HBONE tunnel port, which istio-iptables returns before the capture` };
  const include = a[INCLUDE] ?? '*';
  if (include.trim() === '*') {
    if (SIDECAR_UNCAPTURED_PORTS.includes(port)) return { captured: false, reason: `port ${port} is the sidecar's own ${port === 15090 ? 'Prometheus' : 'health'} listener` };
    // istio-cni leaves 15020 out whatever the annotation (the injector has folded the status port into the excluded ports)
    const status = cniSidecar(pod) ? String(DEFAULT_STATUS_PORT) : (a[STATUS_PORT] ?? String(DEFAULT_STATUS_PORT)).trim();
    const statusPort = portList(status === '0' ? '' : status);
    const excluded = portList(a[EXCLUDE] ?? '');
    if (statusPort === undefined || excluded === undefined) return { captured: 'unknown', reason: `annotation ${statusPort === undefined ? STATUS_PORT : EXCLUDE} is not a list of port numbers` };
    if (inList(statusPort, port)) return { captured: false, reason: `port ${port} is the sidecar's status port${a[STATUS_PORT] !== undefined ? ` (annotation ${STATUS_PORT})` : ''}` };
    if (inList(excluded, port)) return { captured: false, reason: `annotation ${EXCLUDE} leaves port ${port} out of the sidecar's capture` };
    return { captured: true };
  }
  const included = portList(include);
  if (included === undefined) return { captured: 'unknown', reason: `annotation ${INCLUDE} is not a list of port numbers` };
  if (inList(included, port)) return { captured: true };
  return { captured: false, reason: included.length === 0 ? `annotation ${INCLUDE} is empty (the sidecar captures no inbound traffic)` : `annotation ${INCLUDE} does not list port ${port}` };
}
