/**
 * @ztp/compliance: continuous compliance. The live cluster compared with the published bundle
 * (objects missing, changed or added by hand; namespaces without a default deny in force;
 * running pods that break the admission rules; Kyverno's PolicyReports), once or watching.
 */
export { bundleSpec, describeRef, objectKey } from './bundle.ts';
export { BundleReadError, ClusterError } from './errors.ts';
export type { BundleFiles, BundleSpec, ManagedObject } from './bundle.ts';
export { differences, formatDifference } from './compare.ts';
export type { CompareMode, Difference } from './compare.ts';
export { defaultDenyGaps, isDefaultDeny, openingPolicies } from './default-deny.ts';
export type { DefaultDenyGap, NetworkPolicyLike } from './default-deny.ts';
export { ClusterClient, collectionPath } from './kube.ts';
export type { KubeReply, KubeResource, LiveObject } from './kube.ts';
export { CONSTRAINTS_GROUP, ENVIRONMENT_LABEL, isPolicyKind, POLICY_KINDS } from './kinds.ts';
export { DRY_RUN_PREFIX, ServerForms } from './forms.ts';
export { heldKeys, judgeEnvironment, kindKey } from './judge.ts';
export type { ComparableForm, JudgeInput, LiveKind, PodResult, PodViolation } from './judge.ts';
export { DEFAULT_POD_ENGINE, isRunning, PodJudge } from './pods.ts';
export { REPORT_KINDS, summarizePolicyReports } from './policy-reports.ts';
export type { PolicyReportLike } from './policy-reports.ts';
export { objectsOf, planReads, readSnapshot } from './read.ts';
export type { ReadPlan, ReadTarget, Snapshot } from './read.ts';
export { ComplianceChecker } from './check.ts';
export type { CheckerOptions, EnvironmentToCheck } from './check.ts';
export { DRIFT_KINDS, driftObject, hasDrift, isIncomplete, sortDrift } from './report.ts';
export type { ComplianceReport, Drift, DriftKind, EnvironmentCompliance, Note, PolicyReportSummary } from './report.ts';
export { driftCounts, renderText } from './render-text.ts';
export { renderMarkdown } from './render-markdown.ts';
export { complianceCases } from './junit.ts';
export type { ComplianceCase } from './junit.ts';
export { renderMetrics } from './metrics.ts';
export type { MetricsState } from './metrics.ts';
export { DEFAULT_METRICS_ADDRESS, parseAddress, serveMetrics } from './metrics-server.ts';
export type { MetricsServer } from './metrics-server.ts';
export { watchCompliance } from './watch.ts';
export type { ComplianceWatch, WatchOptions } from './watch.ts';
