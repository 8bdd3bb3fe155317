/**
 * The errors of @ztp/compliance, in a module of their own so the CLI can map them to exit
 * codes without loading the Kubernetes client.
 */

/** The cluster cannot be read: no such context, unreachable, credentials refused. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

/** A bundle cannot be read (no manifest, a listed file missing, an object without a name). */
export class BundleReadError extends Error {
  override readonly name = 'BundleReadError';
}
