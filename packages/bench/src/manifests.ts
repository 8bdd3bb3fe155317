/**
 * The generated environment as plain manifests, for the analyzers: compiled by @ztp/compiler,
 * then the analyzers' bundle synthesis adds a Deployment per workload (and the peers the
 * policies name outside the bundle); only NetworkPolicies of the bundle are kept.
 */
import { compileEnvironment } from '@ztp/compiler';
import { bundleCluster, caseFromCluster } from '@ztp/analyzers';
import type { CrossCheckCase } from '@ztp/analyzers';
import { generateEnvironment } from './generate.ts';
import type { GenerateOptions } from './generate.ts';

export function generateManifests(options: GenerateOptions, root: string): CrossCheckCase {
  const bundle = compileEnvironment(generateEnvironment(options), root);
  return caseFromCluster(`bench/${options.name ?? 'bench'}`, bundleCluster(bundle.files));
}
