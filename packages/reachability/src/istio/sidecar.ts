/**
 * Whether a pod runs in the Istio mesh, from what its manifests say (sidecar mode):
 * an `istio-proxy` container (already injected), or the injection webhook's rules:
 * namespace `istio-injection=disabled` never injects; pod label `sidecar.istio.io/inject` (else
 * the annotation of that name) `false` / `true` decides next; else namespace `istio-injection=enabled` or an
 * `istio.io/rev` namespace label injects; host-network pods are never injected. Ambient mode
 * is reported separately.
 */
import type { Pod } from '../model.ts';
import type { Labels } from '../selectors.ts';

/** How a pod takes part in the mesh. */
export type MeshMode = 'sidecar' | 'ambient' | 'none';

/** The pod's mesh mode. */
export function meshMode(pod: Pod, namespaceLabels: Labels): MeshMode {
  if (pod.containers.includes('istio-proxy')) return 'sidecar';
  if (pod.hostNetwork) return 'none'; // the injector skips host-network pods
  const nsInjection = namespaceLabels['istio-injection'];
  const podLabel = pod.labels['sidecar.istio.io/inject'];
  // The injector reads the label, else the (older) annotation; but only the label brings a pod
  // of a namespace without injection to the webhook, so the annotation can only opt out.
  const podInject = podLabel ?? pod.annotations?.['sidecar.istio.io/inject'];
  if (nsInjection !== 'disabled') {
    if (podLabel === 'true') return 'sidecar';
    if (podInject !== 'false' && (nsInjection === 'enabled' || namespaceLabels['istio.io/rev'] !== undefined)) return 'sidecar';
  }
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

/** Whether a sidecar pod's inbound capture takes a TCP port to Envoy (where mTLS and authorization apply). */
export type InboundCapture = { readonly captured: true } | { readonly captured: false; readonly reason: string } | { readonly captured: 'unknown'; readonly reason: string };

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
 * listener) directly: neither mTLS nor authorization applies there. What the annotations do not
 * say (a port list naming services, a `proxy.istio.io/config` setting the interception mode or the
 * status port) is `unknown`. The mesh-wide defaults are assumed to be Istio's own.
 */
export function inboundCapture(pod: Pod, port: number): InboundCapture {
  const a = pod.annotations ?? {};
  const config = a[PROXY_CONFIG];
  if (config !== undefined && /interception_?[mM]ode|status_?[pP]ort/.test(config)) {
    return { captured: 'unknown', reason: `annotation ${PROXY_CONFIG} may set the sidecar's interception mode or status port, which this analysis does not read` };
  }
  const mode = a[INTERCEPTION];
  if (mode === 'NONE') return { captured: false, reason: `annotation ${INTERCEPTION}: NONE (the sidecar captures no traffic)` };
  if (mode !== undefined && mode !== 'REDIRECT' && mode !== 'TPROXY') return { captured: 'unknown', reason: `annotation ${INTERCEPTION}: "${mode}" is not an interception mode this analysis knows` };
  const include = a[INCLUDE] ?? '*';
  if (include.trim() === '*') {
    if (SIDECAR_UNCAPTURED_PORTS.includes(port)) return { captured: false, reason: `port ${port} is the sidecar's own ${port === 15090 ? 'Prometheus' : 'health'} listener` };
    const status = (a[STATUS_PORT] ?? String(DEFAULT_STATUS_PORT)).trim();
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
