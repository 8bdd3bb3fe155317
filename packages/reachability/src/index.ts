/**
 * @ztp/reachability: a connectivity engine with exact upstream Kubernetes NetworkPolicy
 * semantics. Load manifests, ask for the verdict of one connection, or list every allowed
 * connection in netpol-analyzer's formats.
 */
export { buildResources, buildResourcesFromDocuments, ManifestError } from './resources.ts';
export type { BuildOptions, ExtraKindReader, ManifestDocument } from './resources.ts';
export { loadManifests, listManifestFiles, parseManifestText, readManifestDocuments } from './loader.ts';
export { NAMESPACE_NAME_LABEL } from './model.ts';
export type {
  ContainerPort,
  IgnoredObject,
  Namespace,
  NetworkPolicy,
  Origin,
  Pod,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Resources,
  Workload,
} from './model.ts';
export { ConnSet, PROTOCOLS, MIN_PORT, MAX_PORT, isProtocol } from './ports.ts';
export type { Protocol, PortRange } from './ports.ts';
export { matchesSelector, isEmptySelector } from './selectors.ts';
export type { LabelSelector, LabelSelectorRequirement, Labels } from './selectors.ts';
export { IpSet, disjointRanges, parseIp, parseCidr, formatIp, formatIpRange } from './ip.ts';
export type { IpAddress, IpFamily, IpRange } from './ip.ts';
export { verdict, checkConnection } from './verdict.ts';
export type { Decision, DecisionRef, DirectionVerdict, PathVerdict, Verdict, VerdictOptions, VerdictQuery } from './verdict.ts';
export { PeerError } from './peers.ts';
export type { PeerSpec } from './peers.ts';
export { connlist, externalName } from './connlist.ts';
export type { ConnlistEntry, ConnlistOptions, ConnlistPeer } from './connlist.ts';
export { formatConnlist } from './format.ts';
export type { ConnlistFormat } from './format.ts';
export type { FamilyChoice } from './externals.ts';
export type { Direction, HostNetworkMode } from './engine.ts';
export { judge } from './judge.ts';
export { mtlsInForce } from './mtls-in-force.ts';
export type { MtlsInForce } from './mtls-in-force.ts';
export type { DestinationSpec, JudgeOptions, Judgement, Outcome, PathJudgement, RequestQuery, Stage } from './judge.ts';
export type { ObjectRef } from './cilium/evaluate.ts';
export type { HttpRequest } from './cilium/http.ts';
export type { CiliumPolicy, CiliumSpec, CiliumRule } from './cilium/model.ts';
export type { AuthorizationPolicy, PeerAuthentication, MtlsMode } from './istio/model.ts';
export { DEFAULT_STATUS_PORT, DEFAULT_UNCAPTURED_PORTS, inboundCapture, meshMode, outboundCapture, SIDECAR_UNCAPTURED_PORTS } from './istio/sidecar.ts';
export type { InboundCapture, MeshMode } from './istio/sidecar.ts';
export { e2eManifests, e2ePodIp, expectedTable, parseProbe, substituteIps } from './conformance/upstream-e2e.ts';
export type { E2eCase, E2eStep, E2eSuite, Expectation } from './conformance/upstream-e2e.ts';
export { availability } from './conformance/availability.ts';
export type { Availability } from './conformance/availability.ts';
