/**
 * @ztp/report: the markdown review report of a policy change, for a pull-request comment. Pure:
 * bundles in, markdown out. Git, files and GitHub are the callers' business (`ztp report`, the
 * pull-request workflow).
 */
export { renderReport, buildReport, reportLength, GITHUB_COMMENT_LIMIT, type ReportOptions, type RenderedReport } from './report.ts';
export { REPORT_MARKER } from './marker.ts';
export { buildReportModel, type ReportModel, type EnvironmentReport, type Counts, type Proof, type ModelOptions } from './model.ts';
export { renderModel, type Labels } from './render.ts';
export { LADDER, FULL, describeCuts, type Detail } from './detail.ts';
export { unifiedDiff, type FileDiff } from './unified-diff.ts';
export { fileChanges, moduleChanges, type FileChange, type ModuleChange, type ChangeStatus } from './changes.ts';
export type { NamedBundle } from '@ztp/verify';
