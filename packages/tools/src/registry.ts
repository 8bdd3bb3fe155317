import { UnknownToolError } from './errors.ts';
import { goBuildFromModuleSource, goBuildInToolModule, goBuildKubernetesComponent, goInstall } from './recipes.ts';
import type { ToolSpec } from './types.ts';
import { normalizeVersion } from './version.ts';

/*
 * The pinned external engines. To add one: pin its version, name its binary, say how its
 * version is read (a command and a regex whose first group is the version, or `stamp` when it
 * has none), and give a recipe from recipes.ts. Versions are spelled the way the tool reports
 * them; recipes turn them into Go module versions (`v` + version).
 */
export const TOOLS: readonly ToolSpec[] = [
  {
    name: 'opa',
    version: '1.22.3',
    binary: 'opa',
    description: 'Open Policy Agent: evaluates and tests Rego policies',
    check: { kind: 'command', args: ['version'], pattern: /^Version: (\S+)$/m },
    recipe: goInstall('github.com/open-policy-agent/opa'),
  },
  {
    name: 'conftest',
    version: '0.71.1',
    binary: 'conftest',
    description: 'Conftest: runs Rego policies against configuration files',
    check: { kind: 'command', args: ['--version'], pattern: /^Conftest: (\S+)$/m },
    // Without -X the binary reports "dev"; this is what conftest's own release build sets.
    recipe: goInstall('github.com/open-policy-agent/conftest', {
      ldflags: (ctx) => [`-X github.com/open-policy-agent/conftest/internal/version.Version=${ctx.tool.version}`],
    }),
  },
  {
    name: 'kyverno-json',
    version: 'v0.0.3',
    binary: 'kyverno-json',
    description: 'kyverno-json: Kyverno policies over any JSON payload',
    check: { kind: 'command', args: ['version'], pattern: /^Version: (\S+)$/m },
    // Reports the module version that `go install` records in the binary's build info.
    recipe: goInstall('github.com/kyverno/kyverno-json'),
  },
  {
    name: 'gator',
    version: 'v3.23.1',
    binary: 'gator',
    description: 'Gatekeeper gator CLI: verifies constraint templates and constraints offline',
    check: { kind: 'command', args: ['--version'], pattern: /^gator version (\S+) /m },
    // Without -X it reports "devel (unknown)"; this is what gatekeeper's Makefile sets.
    recipe: goInstall('github.com/open-policy-agent/gatekeeper/v3/cmd/gator', {
      ldflags: (ctx) => [`-X github.com/open-policy-agent/gatekeeper/v3/pkg/version.Version=${ctx.moduleVersion}`],
    }),
  },
  {
    name: 'cyclonus',
    version: 'v0.5.6',
    binary: 'cyclonus',
    description: 'Cyclonus: network policy explainer and connectivity truth tables',
    // `cyclonus version` prints JSON; its Version is "development" unless set with -X, as
    // cyclonus's own release build does (with the version without its v).
    check: { kind: 'command', args: ['version'], pattern: /"Version":\s*"([^"]+)"/ },
    recipe: goInstall('github.com/mattfenwick/cyclonus/cmd/cyclonus', {
      ldflags: (ctx) => [`-X github.com/mattfenwick/cyclonus/pkg/cli.version=${normalizeVersion(ctx.tool.version)}`],
    }),
  },
  {
    name: 'netpolicy',
    version: 'v1.4.4',
    binary: 'netpolicy',
    description: 'netpol-analyzer: connectivity analysis of Kubernetes NetworkPolicies',
    // netpolicy has no version command or flag at all: only our stamped build counts.
    check: { kind: 'stamp', probe: { args: ['--help'], pattern: /Determine allowed connection based on Kubernetes NetworkPolicy/ } },
    recipe: goBuildFromModuleSource('github.com/np-guard/netpol-analyzer', './cmd/netpolicy'),
  },
  {
    name: 'kyverno',
    version: 'v1.19.1',
    binary: 'kyverno',
    description: 'Kyverno CLI: applies and tests Kyverno policies offline',
    check: { kind: 'command', args: ['version'], pattern: /^Version: (\S+)$/m },
    recipe: goBuildInToolModule('github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno', {
      replace: {
        'k8s.io/pod-security-admission': 'github.com/kyverno/pod-security-admission@v0.0.0-20251031094455-46f20778634f',
      },
      // Built inside a throwaway module the binary would report "(devel)"; kyverno's Makefile sets this.
      ldflags: (ctx) => [`-X github.com/kyverno/kyverno/pkg/version.BuildVersion=${ctx.moduleVersion}`],
    }),
  },
  {
    name: 'kind',
    version: 'v0.33.0',
    binary: 'kind',
    description: 'kind: Kubernetes clusters in containers',
    check: { kind: 'command', args: ['version'], pattern: /^kind (v\S+)/m },
    recipe: goInstall('sigs.k8s.io/kind'),
  },
  {
    name: 'etcd',
    version: '3.6.16',
    binary: 'etcd',
    description: 'etcd: the key-value store behind the local kube-apiserver (Debian\'s 3.4 is too old for it)',
    check: { kind: 'command', args: ['--version'], pattern: /^etcd Version: (\S+)$/m },
    recipe: goBuildInToolModule('go.etcd.io/etcd/server/v3'),
  },
  {
    name: 'kube-apiserver',
    version: 'v1.35.4',
    binary: 'kube-apiserver',
    description: 'kube-apiserver: the real Kubernetes control plane for local admission, validation and prove runs',
    check: { kind: 'command', args: ['--version'], pattern: /^Kubernetes (v\S+)$/m },
    // What kubernetes' hack/lib/version.sh sets; without it /version says v0.0.0-master and the
    // apiserver's compatibility version (and with it every feature gate default) is wrong.
    recipe: goBuildKubernetesComponent('k8s.io/kubernetes/cmd/kube-apiserver', {
      ldflags: (ctx) => {
        const [major, minor] = ctx.moduleVersion.replace(/^v/, '').split('.');
        return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
          `-X ${pkg}.gitVersion=${ctx.moduleVersion}`,
          `-X ${pkg}.gitMajor=${major}`,
          `-X ${pkg}.gitMinor=${minor}`,
          `-X ${pkg}.gitTreeState=clean`,
          `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
        ]);
      },
    }),
  },
  {
    name: 'kube-network-policies',
    version: 'v0.8.0',
    binary: 'kube-network-policies',
    description: 'kube-network-policies: the SIG Network reference NetworkPolicy dataplane (NFQUEUE), for real-packet proofs',
    // It has no version flag; only our stamped build counts.
    check: { kind: 'stamp', probe: { args: ['--help'], pattern: /nfqueue-id/ } },
    recipe: goBuildFromModuleSource('sigs.k8s.io/kube-network-policies', './cmd'),
  },
  {
    name: 'registry',
    version: 'v0.22.1',
    binary: 'registry',
    description: 'go-containerregistry registry: an in-memory OCI registry on loopback, for the signed-image proof',
    // It has no version flag; only our stamped build counts.
    check: { kind: 'stamp', probe: { args: ['-help'], pattern: /port to run registry on/ } },
    recipe: goInstall('github.com/google/go-containerregistry/cmd/registry'),
  },
  {
    name: 'crane',
    version: 'v0.22.1',
    binary: 'crane',
    description: 'crane: pushes small test images to a registry (go-containerregistry)',
    // Prints the module version `go install` records in the binary's build info.
    check: { kind: 'command', args: ['version'], pattern: /^(v\d\S*)$/m },
    recipe: goInstall('github.com/google/go-containerregistry/cmd/crane'),
  },
  {
    name: 'cosign',
    version: 'v2.6.5',
    binary: 'cosign',
    description: 'cosign v2: signs test images in the classic signature format Kyverno 1.19 verifies',
    // release-utils reports the module version from the build info when no -X is set.
    check: { kind: 'command', args: ['version'], pattern: /^GitVersion:\s+(\S+)$/m },
    recipe: goInstall('github.com/sigstore/cosign/v2/cmd/cosign'),
  },
  {
    name: 'actionlint',
    version: 'v1.7.12',
    binary: 'actionlint',
    description: 'actionlint: checks the GitHub workflows that test, report and publish',
    // Reports the module version that `go install` records in the binary's build info.
    check: { kind: 'command', args: ['-version'], pattern: /^(v\d\S*)$/m },
    recipe: goInstall('github.com/rhysd/actionlint/cmd/actionlint'),
  },
  {
    name: 'vault',
    version: 'v1.21.0',
    binary: 'vault',
    description: 'HashiCorp Vault (BUSL-1.1): a dev server for the dynamic-secrets proof only, never shipped',
    check: { kind: 'command', args: ['version'], pattern: /^Vault (v\S+)/m },
    // Vault's go.mod replaces two modules with forks; `go install` ignores replaces, so build in a
    // throwaway module that copies them (its local ./api and ./sdk replaces fall back to the
    // published api v1.22.0 and sdk v0.20.0 it requires). v1.21.4 does not build from published
    // modules. The version comes from Vault's embedded VERSION file; these are what its release
    // build sets (the v1.21.0 tag's commit and time). An empty BuildDate would also make Vault's
    // PluginEnv (the environment it reports to plugins) fail to parse it.
    recipe: goBuildInToolModule('github.com/hashicorp/vault', {
      replace: {
        'github.com/99designs/keyring': 'github.com/Jeffail/keyring@v1.2.3',
        'github.com/ma314smith/signedxml@v1.1.1': 'github.com/moov-io/signedxml@v1.1.1',
      },
      ldflags: (ctx) => {
        if (ctx.moduleVersion !== 'v1.21.0') throw new Error(`vault ${ctx.moduleVersion}: set its release commit and date in the registry`);
        return ['-X github.com/hashicorp/vault/version.GitCommit=818ca8b3575ea937ca48b640baf35e1b2ede1833', '-X github.com/hashicorp/vault/version.BuildDate=2025-10-22T02:33:18Z'];
      },
    }),
  },
];

/** The names of all pinned tools, in registry order. */
export function toolNames(): string[] {
  return TOOLS.map((tool) => tool.name);
}

/** The registry entry for `name`; throws UnknownToolError for any other name. */
export function getTool(name: string): ToolSpec {
  const tool = TOOLS.find((t) => t.name === name);
  if (tool === undefined) throw new UnknownToolError(name, toolNames());
  return tool;
}
