/** @ztp/verify: proves a compiled bundle allows exactly its declared connectivity. */
export { verifyBundle, type Check, type VerifyOptions, type VerifyReport } from './verify.ts';
export { formatReport } from './format.ts';
export { readBundle, shippedAdmission, BundleReadError, type BundleFiles, type BundleManifest, type ManifestFlow, type ManifestEgress, type ManifestWorkload } from './bundle-manifest.ts';
export { synthesize, OUTSIDER_NAMESPACE, type PodPeer } from './synthesize.ts';
export { flowsToPort, intendedAllowed, matchingFlows, probeRequests, sampleAddress, type Caller, type Layer, type ProbeRequest } from './expectations.ts';
export { diffBundles, formatDiff, type EnvironmentDiff, type NamedBundle } from './diff.ts';
export { checkIntegrity, type BundleBytes } from './integrity.ts';
