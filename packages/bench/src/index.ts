/** @ztp/bench: synthetic environments and the benchmarks behind `npm run bench`. */
export { generateEnvironment, random, shapeOf } from './generate.ts';
export type { GenerateOptions } from './generate.ts';
export { generateManifests } from './manifests.ts';
export { growthExponent, median, parseTimeVerbose } from './stats.ts';
export { defaultRuns, predictSeconds, readResult, runBench, SIZE_TASKS } from './run.ts';
export type { BenchOptions, BenchResult, Row, SizeTask } from './run.ts';
export { chartSeries, report, targetLines } from './report.ts';
export { asciiChart, svgChart } from './chart.ts';
export type { Series } from './chart.ts';
export { nxAffected } from './nx.ts';
export type { NxFigures } from './nx.ts';
export { ADMISSION_EXCLUDED, measureAdmission } from './admission.ts';
export type { AdmissionEngineFigures, AdmissionFigures, AdmissionOptions } from './admission.ts';
export type { Measurement, Task } from './measure.ts';
