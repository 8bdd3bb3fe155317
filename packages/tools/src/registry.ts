import { UnknownToolError } from './errors.ts';
import { goBuildFromModuleSource, goBuildInToolModule, goInstall } from './recipes.ts';
import type { ToolSpec } from './types.ts';

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
    recipe: goInstall('github.com/open-policy-agent/conftest'),
  },
  {
    name: 'kyverno-json',
    version: 'v0.0.3',
    binary: 'kyverno-json',
    description: 'kyverno-json: Kyverno policies over any JSON payload',
    check: { kind: 'command', args: ['version'], pattern: /Version: (\S+)/ },
    recipe: goInstall('github.com/kyverno/kyverno-json'),
  },
  {
    name: 'gator',
    version: 'v3.23.1',
    binary: 'gator',
    description: 'Gatekeeper gator CLI: verifies constraint templates and constraints offline',
    check: { kind: 'command', args: ['--version'], pattern: /(v\d+\.\d+\.\d+\S*)/ },
    recipe: goInstall('github.com/open-policy-agent/gatekeeper/v3/cmd/gator'),
  },
  {
    name: 'cyclonus',
    version: 'v0.5.6',
    binary: 'cyclonus',
    description: 'Cyclonus: network policy explainer and connectivity truth tables',
    check: { kind: 'stamp', probe: { args: ['--help'], pattern: /cyclonus/i } },
    recipe: goInstall('github.com/mattfenwick/cyclonus/cmd/cyclonus'),
  },
  {
    name: 'netpolicy',
    version: 'v1.4.4',
    binary: 'netpolicy',
    description: 'netpol-analyzer: connectivity analysis of Kubernetes NetworkPolicies',
    check: { kind: 'stamp', probe: { args: ['--help'], pattern: /netpolicy/ } },
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
