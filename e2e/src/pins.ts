import { getTool, goInstall, type ToolSpec } from '@ztp/tools';

/**
 * Everything the suite pins, in one place. Bump a version here (and nowhere else); the tests
 * check the pins are well-formed and that the cluster config and Helm arguments use them.
 */

/** kind, from ztp's tool registry (`node scripts/src/install-tools.ts kind`). */
export const KIND: ToolSpec = getTool('kind');

/** The default node image of kind v0.33.0 (its `pkg/apis/config/defaults/image.go`), by digest. */
export const KIND_NODE_IMAGE = 'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5';

/** Cilium: the release whose CRDs `../shared/crds/cilium` holds, so the static checks and the cluster agree. */
export const CILIUM_VERSION = '1.19.4';

/** The Helm repository of the Cilium chart. */
export const CILIUM_CHART_REPO = 'https://helm.cilium.io';

/**
 * Helm, built from the Go module proxy like ztp's other engines (not in ztp's tool registry yet;
 * `node e2e/src/cli.ts install-tools` builds it into the same cache).
 */
export const HELM: ToolSpec = {
  name: 'helm',
  version: 'v3.22.0',
  binary: 'helm',
  description: 'Helm: installs the Cilium chart into the kind cluster',
  check: { kind: 'command', args: ['version', '--template', '{{.Version}}'], pattern: /^(v\d+\.\d+\.\d+\S*)/m },
  recipe: goInstall('helm.sh/helm/v3/cmd/helm', { ldflags: (ctx) => [`-X helm.sh/helm/v3/internal/version.version=${ctx.moduleVersion}`] }),
};

/** The probe agent's image: built locally from `src/agent/Dockerfile`, loaded into the nodes with `kind load docker-image`. */
export const PROBE_IMAGE_REPOSITORY = 'ztp-e2e-probe';

/** The base image of the probe agent (Node 24, as the repository's `.nvmrc`). */
export const PROBE_BASE_IMAGE = 'node:24-alpine';
