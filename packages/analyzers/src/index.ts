/**
 * @ztp/analyzers: cross-checks of @ztp/reachability with real NetworkPolicy analyzers
 * (np-guard's netpol-analyzer and cyclonus). Adapters run the analyzers and read their answers
 * into one model of allowances; the comparison reports every disagreement and fails on any that
 * the documented known differences (KNOWN_DIFFERENCES, DIFFERENCES.md) do not account for.
 */
export { Connectivity, externalPeer, peerName, workloadPeer } from './connectivity.ts';
export type { Allowance, Peer, PeerPair } from './connectivity.ts';
export { compareConnectivity, formatDisagreements } from './compare.ts';
export type { Disagreement } from './compare.ts';
export { connectionItems, parseConnections, subtractConnections } from './connections.ts';
export { formatIpv4, formatRange4, parseCidr4, parseIpv4, parseRange4 } from './ipv4.ts';
export type { Ipv4Range } from './ipv4.ts';
export { clusterObjects, namespaceLabels, workloadId } from './cluster.ts';
export type { ClusterSpec, NamespaceSpec, PodSpec, PortSpec, WorkloadSpec } from './cluster.ts';
export { caseFromCluster, caseFromDirectory, clusterFromResources } from './case.ts';
export type { CrossCheckCase } from './case.ts';
export { DEFAULT_READING, ztpConnectivity } from './ztp.ts';
export type { ZtpReading } from './ztp.ts';
export { netpolAnalyzerAnswer, parseConnlistJson, parseConnlistTxt, INGRESS_CONTROLLER } from './netpol-analyzer/parse.ts';
export type { ConnlistLine, NetpolAnalyzerAnswer } from './netpol-analyzer/parse.ts';
export { NetpolAnalyzerError, runNetpolAnalyzer, runNetpolAnalyzerOnObjects } from './netpol-analyzer/run.ts';
export type { NetpolAnalyzerOptions, NetpolAnalyzerRun } from './netpol-analyzer/run.ts';
export { CyclonusError, cyclonusConnectivity, runCyclonusQueries } from './cyclonus/run.ts';
export type { CyclonusOptions, CyclonusRun } from './cyclonus/run.ts';
export { assembleAnswers, planQueries, TrafficTable, UNKNOWN_POD_IP } from './cyclonus/queries.ts';
export type { QueryPlan, Traffic } from './cyclonus/queries.ts';
export { parseQueryTraffic } from './cyclonus/parse.ts';
export { cyclonusPolicyList } from './cyclonus/policies.ts';
export { encodeAbsentLabels, ABSENT_LABEL_VALUE } from './cyclonus/absent-labels.ts';
export { addressPieces, portPieces } from './partition.ts';
export { ANALYZERS, KNOWN_DIFFERENCES, differencesOf } from './differences.ts';
export type { AnalyzerName, Handling, KnownDifference, KnownDifferenceId } from './differences.ts';
export { judgeAnswer } from './judge.ts';
export type { AnalyzerAnswer, CaseVerdict } from './judge.ts';
export { batchesByNamespace, crossCheckCyclonus, crossCheckNetpolAnalyzer, problemsOf, summarize } from './crosscheck.ts';
export type { CrossCheckOptions, CrossCheckRun } from './crosscheck.ts';
export { bundleCase, compileExampleBundles, readBundleFolder } from './sources/bundles.ts';
export type { BundleFiles } from './sources/bundles.ts';
export { bundleCluster } from './sources/synthesize.ts';
export { npGuardCases } from './sources/np-guard.ts';
export { conformanceData } from './sources/location.ts';
