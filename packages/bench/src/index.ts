/** @ztp/bench: synthetic environments and the benchmarks behind `npm run bench`. */
export { generateEnvironment, random, shapeOf } from './generate.ts';
export type { GenerateOptions } from './generate.ts';
export { generateManifests } from './manifests.ts';
export { growthExponent, median, parseTimeVerbose } from './stats.ts';
export { asciiChart, defaultRuns, nxAffected, report, runBench } from './run.ts';
export type { BenchOptions, NxFigures, Row } from './run.ts';
export type { Measurement, Task } from './measure.ts';
