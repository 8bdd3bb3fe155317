import { allow, deny, meta, pod, validationRule, violationWithMessage, withWorkloads, workload } from '@ztp/admission/rule';
import type { AdmissionModule } from '@ztp/admission/rule';

/** The id of the module meshIntegrity returns. */
export const MESH_INTEGRITY_ID = 'mesh-integrity';

/**
 * Pod annotations that change which traffic the Istio sidecar captures. A port or range left out
 * of its capture bypasses mTLS and the AuthorizationPolicies: on an excluded inbound port only the
 * NetworkPolicy stands, and the HTTP rules Istio enforces there do nothing.
 */
export const CAPTURE_ANNOTATIONS: readonly string[] = [
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeOutboundPorts',
  'traffic.sidecar.istio.io/includeOutboundPorts',
  'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  'traffic.sidecar.istio.io/includeOutboundIPRanges',
  // the injector leaves the status port (15020 unless this says otherwise) out of the inbound capture
  'status.sidecar.istio.io/port',
  // traffic arriving on these interfaces returns before the capture (istio-iptables -c, -k; istio-cni)
  'traffic.sidecar.istio.io/excludeInterfaces',
  'traffic.sidecar.istio.io/kubevirtInterfaces',
  'istio.io/reroute-virtual-interfaces',
];

/**
 * Capture annotations the injector writes onto every pod under istio-cni (where the CNI plugin,
 * not an istio-init container, reads them), with the values it writes from the upstream defaults of
 * `values.global.proxy` (`injection-template.yaml`): every inbound port, every outbound address, and
 * the status port left out (`excludeInboundPort(15020, "")`). These values capture exactly what a
 * pod without the annotations has captured (istio-init and the CNI plugin both leave 15020, 15021
 * and 15090 out anyway), so they are accepted in either mode; any other value is refused. A mesh
 * whose proxy values change the capture for every pod is outside what ztp proves (its engine
 * assumes the upstream capture), so other values cannot be declared acceptable.
 */
export const INJECTED_CAPTURE_DEFAULTS: Readonly<Record<string, string>> = {
  'traffic.sidecar.istio.io/includeInboundPorts': '*',
  'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
  'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
};

/**
 * Pod annotations that change the sidecar itself, and with it what it captures or enforces: a
 * per-pod ProxyConfig (its interception mode, status port, and `proxyMetadata`, which becomes
 * istio-iptables' environment: `DRY_RUN`, `ISTIO_EXCLUDE_INTERFACES`, `INBOUND_TUNNEL_PORT`...;
 * no pattern over its text can be sound: keys may be escaped), injection templates without the
 * capture (`gateway`, `grpc-agent`), another proxy image or Envoy bootstrap, and the mark the
 * injector leaves on a pod that overrides its injected containers (an `istio-init` of the pod's own).
 */
export const SIDECAR_ANNOTATIONS: readonly { readonly key: string; readonly why: string }[] = [
  { key: 'proxy.istio.io/config', why: 'a per-pod ProxyConfig can switch the capture off (interceptionMode, statusPort, proxyMetadata); set proxy options mesh-wide instead' },
  { key: 'inject.istio.io/templates', why: 'other injection templates (gateway, grpc-agent) add no capture' },
  { key: 'proxy.istio.io/overrides', why: 'the pod overrides an injected container (its own istio-init or istio-proxy), which decides the capture' },
  { key: 'sidecar.istio.io/proxyImage', why: 'another proxy image need not enforce mTLS or authorization' },
  { key: 'sidecar.istio.io/bootstrapOverride', why: "an Envoy bootstrap of the pod's own can bypass the sidecar's listeners" },
];

/** The sidecar's interception mode: `NONE` captures nothing (the injector adds no iptables rules). */
const INTERCEPTION_MODE = 'sidecar.istio.io/interceptionMode';
const PROXY_CONFIG = 'proxy.istio.io/config';

const INJECT = 'sidecar.istio.io/inject';
const DATAPLANE = 'istio.io/dataplane-mode';

/** A pod opting out of the mesh: no sidecar, or out of ambient. */
export const noMeshOptOutRule = validationRule({
  id: 'no-mesh-opt-out',
  title: 'No pod opts out of the mesh',
  message: 'mesh opt-out: pods in a meshed namespace must not opt out of the mesh',
  target: { kind: 'pods' },
  violations: [
    violationWithMessage(`label ${INJECT} must be absent or "true": anything else leaves the pod without a sidecar, outside mTLS and authorization`, meta.field('labels').hasKey(INJECT), meta.key('labels', INJECT).isNot('true')),
    violationWithMessage(`annotation ${INJECT} must be absent or "true": anything else leaves the pod without a sidecar, outside mTLS and authorization`, meta.field('annotations').hasKey(INJECT), meta.key('annotations', INJECT).isNot('true')),
    violationWithMessage(`label ${DATAPLANE} must be absent or "ambient": anything else takes the pod out of the ambient mesh`, meta.field('labels').hasKey(DATAPLANE), meta.key('labels', DATAPLANE).isNot('ambient')),
  ],
  examples: withWorkloads([
    allow('plain', pod('plain')),
    allow('inject-true', pod('inject-true', {}, { labels: { [INJECT]: 'true' }, annotations: { [INJECT]: 'true' } })),
    allow('ambient', pod('ambient', {}, { labels: { [DATAPLANE]: 'ambient' } })),
    deny('label-false', pod('label-false', {}, { labels: { [INJECT]: 'false' } }), { message: `label ${INJECT} must be absent or "true"` }),
    deny('annotation-no', pod('annotation-no', {}, { annotations: { [INJECT]: 'no' } }), { message: `annotation ${INJECT} must be absent or "true"` }),
    deny('ambient-none', pod('ambient-none', {}, { labels: { [DATAPLANE]: 'none' } }), { message: `label ${DATAPLANE} must be absent or "ambient"` }),
    deny('deployment-label-false', workload('Deployment', pod('deployment-label-false', {}, { labels: { [INJECT]: 'false' } })), { message: `label ${INJECT} must be absent or "true"` }),
  ]),
});

/** The annotations of a pod the injector has injected under istio-cni, upstream defaults (for the examples). */
const ISTIO_CNI_INJECTED: Readonly<Record<string, string>> = {
  'istio.io/rev': 'default',
  'kubectl.kubernetes.io/default-container': 'app',
  'sidecar.istio.io/status': '{"initContainers":["istio-validation"],"containers":["istio-proxy"],"volumes":["istio-envoy"],"revision":"default"}',
  [INTERCEPTION_MODE]: 'REDIRECT',
  ...INJECTED_CAPTURE_DEFAULTS,
};

/** A pod changing what its sidecar captures. */
export const noCaptureBypassRule = validationRule({
  id: 'no-capture-bypass',
  title: "No pod takes ports or addresses out of its sidecar's capture",
  message: "capture bypass: pods must not change which traffic their sidecar captures",
  target: { kind: 'pods' },
  violations: [
    ...CAPTURE_ANNOTATIONS.map((a) => {
      const injected = INJECTED_CAPTURE_DEFAULTS[a];
      return injected === undefined
        ? violationWithMessage(`annotation ${a} takes traffic past the sidecar's mTLS and authorization`, meta.field('annotations').hasKey(a))
        : violationWithMessage(
            `annotation ${a} must be absent or "${injected}" (what the injector writes under istio-cni): any other value takes traffic past the sidecar's mTLS and authorization`,
            meta.field('annotations').hasKey(a),
            meta.key('annotations', a).isNot(injected),
          );
    }),
    violationWithMessage(
      `annotation ${INTERCEPTION_MODE} must be absent, REDIRECT or TPROXY: NONE captures no traffic, so none passes the sidecar's mTLS and authorization`,
      meta.field('annotations').hasKey(INTERCEPTION_MODE),
      meta.key('annotations', INTERCEPTION_MODE).notOneOf(['REDIRECT', 'TPROXY']),
    ),
    ...SIDECAR_ANNOTATIONS.map((a) => violationWithMessage(`annotation ${a.key}: ${a.why}`, meta.field('annotations').hasKey(a.key))),
  ],
  examples: withWorkloads([
    allow('plain', pod('plain', {}, { annotations: { 'prometheus.io/scrape': 'true' } })),
    deny('exclude-inbound', pod('exclude-inbound', {}, { annotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '8080' } }), { message: 'annotation traffic.sidecar.istio.io/excludeInboundPorts' }),
    deny('exclude-outbound-ports', pod('exclude-outbound-ports', {}, { annotations: { 'traffic.sidecar.istio.io/excludeOutboundPorts': '5432' } }), { message: 'annotation traffic.sidecar.istio.io/excludeOutboundPorts' }),
    deny('include-outbound-ports', pod('include-outbound-ports', {}, { annotations: { 'traffic.sidecar.istio.io/includeOutboundPorts': '443' } }), { message: 'annotation traffic.sidecar.istio.io/includeOutboundPorts' }),
    deny('include-outbound-ranges', pod('include-outbound-ranges', {}, { annotations: { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.0.0.0/8' } }), {
      message: 'annotation traffic.sidecar.istio.io/includeOutboundIPRanges',
      note: 'traffic to addresses outside the listed ranges leaves without the sidecar',
    }),
    deny('include-inbound-empty', pod('include-inbound-empty', {}, { annotations: { 'traffic.sidecar.istio.io/includeInboundPorts': '' } }), { message: 'annotation traffic.sidecar.istio.io/includeInboundPorts' }),
    allow('istio-cni-injected', pod('istio-cni-injected', {}, { annotations: ISTIO_CNI_INJECTED }), 'the annotations the injector writes onto every pod under istio-cni, with the upstream proxy values'),
    deny('istio-cni-exclude-inbound', pod('istio-cni-exclude-inbound', {}, { annotations: { ...ISTIO_CNI_INJECTED, 'traffic.sidecar.istio.io/excludeInboundPorts': '8080,15020' } }), {
      message: 'annotation traffic.sidecar.istio.io/excludeInboundPorts must be absent or "15020"',
      note: 'what the injector writes under istio-cni for a pod that asks to leave 8080 out',
    }),
    deny('istio-cni-include-inbound', pod('istio-cni-include-inbound', {}, { annotations: { ...ISTIO_CNI_INJECTED, 'traffic.sidecar.istio.io/includeInboundPorts': '9090' } }), {
      message: 'annotation traffic.sidecar.istio.io/includeInboundPorts must be absent or "*"',
    }),
    deny('istio-cni-include-outbound-ranges', pod('istio-cni-include-outbound-ranges', {}, { annotations: { ...ISTIO_CNI_INJECTED, 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.96.0.0/12' } }), {
      message: 'annotation traffic.sidecar.istio.io/includeOutboundIPRanges must be absent or "*"',
    }),
    allow('interception-tproxy', pod('interception-tproxy', {}, { annotations: { [INTERCEPTION_MODE]: 'TPROXY' } })),
    deny('proxy-config-hold', pod('proxy-config-hold', {}, { annotations: { [PROXY_CONFIG]: '{"holdApplicationUntilProxyStarts": true}' } }), {
      message: `annotation ${PROXY_CONFIG}: a per-pod ProxyConfig can switch the capture off`,
      note: 'even a harmless option: the text cannot be read soundly by every engine (escaped keys, proxyMetadata)',
    }),
    deny('exclude-interfaces', pod('exclude-interfaces', {}, { annotations: { 'traffic.sidecar.istio.io/excludeInterfaces': 'eth0' } }), { message: 'annotation traffic.sidecar.istio.io/excludeInterfaces' }),
    deny('kubevirt-interfaces', pod('kubevirt-interfaces', {}, { annotations: { 'traffic.sidecar.istio.io/kubevirtInterfaces': 'eth0' } }), { message: 'annotation traffic.sidecar.istio.io/kubevirtInterfaces' }),
    deny('reroute-virtual-interfaces', pod('reroute-virtual-interfaces', {}, { annotations: { 'istio.io/reroute-virtual-interfaces': 'eth0' } }), { message: 'annotation istio.io/reroute-virtual-interfaces' }),
    deny('gateway-template', pod('gateway-template', {}, { annotations: { 'inject.istio.io/templates': 'gateway' } }), { message: 'annotation inject.istio.io/templates: other injection templates' }),
    deny('overridden-init', pod('overridden-init', { initContainers: [{ name: 'istio-init', image: 'registry.k8s.io/pause', command: ['true'] }], containers: [{ name: 'c', image: 'registry.k8s.io/pause' }] }, { annotations: { 'proxy.istio.io/overrides': '{"initContainers":[{"name":"istio-init"}]}' } }), {
      message: 'annotation proxy.istio.io/overrides',
      note: 'the injector writes this annotation when a pod brings its own version of an injected container',
    }),
    deny('proxy-image', pod('proxy-image', {}, { annotations: { 'sidecar.istio.io/proxyImage': 'example.com/proxy:1' } }), { message: 'annotation sidecar.istio.io/proxyImage' }),
    deny('bootstrap-override', pod('bootstrap-override', {}, { annotations: { 'sidecar.istio.io/bootstrapOverride': 'my-bootstrap' } }), { message: 'annotation sidecar.istio.io/bootstrapOverride' }),
    deny('interception-none', pod('interception-none', {}, { annotations: { [INTERCEPTION_MODE]: 'NONE' } }), { message: `annotation ${INTERCEPTION_MODE} must be absent, REDIRECT or TPROXY` }),
    deny('status-port', pod('status-port', {}, { annotations: { 'status.sidecar.istio.io/port': '8080' } }), { message: 'annotation status.sidecar.istio.io/port' }),
    deny('proxy-config-escaped', workload('Deployment', pod('proxy-config-escaped', {}, { annotations: { [PROXY_CONFIG]: '{"\\u0069nterceptionMode": "NONE"}' } })), { message: `annotation ${PROXY_CONFIG}` }),
    deny('exclude-outbound-ranges', workload('StatefulSet', pod('exclude-outbound-ranges', {}, { annotations: { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.0.0.0/8' } })), { message: 'annotation traffic.sidecar.istio.io/excludeOutboundIPRanges' }),
  ]),
});

/**
 * The mesh stays whole: no pod opts out of its sidecar (or of ambient), and none changes what its
 * sidecar captures. Without these rules anyone who may create a pod in a managed namespace could
 * step outside mTLS and the AuthorizationPolicies that the bundle proves.
 */
export function meshIntegrity(): AdmissionModule {
  return {
    id: MESH_INTEGRITY_ID,
    description: 'Pods stay in the mesh: no opt-out of the sidecar or of ambient, no traffic taken past the sidecar',
    rules: [noMeshOptOutRule, noCaptureBypassRule],
  };
}
