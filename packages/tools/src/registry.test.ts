import { describe, expect, it } from 'vitest';
import { UnknownToolError } from './errors.ts';
import { stagingModules } from './recipes.ts';
import { getTool, toolNames, TOOLS } from './registry.ts';
import { sameVersion } from './version.ts';

/**
 * What each real binary printed for its version command when built by its recipe on this
 * machine type (see install-tools). Keeps the patterns honest without needing the engines.
 */
const REAL_VERSION_OUTPUT: Readonly<Record<string, string>> = {
  opa: [
    'Version: 1.22.3',
    'Build Commit: ',
    'Build Timestamp: ',
    'Build Hostname: ',
    'Go Version: go1.26.8',
    'Platform: linux/amd64',
    'Rego Version: v1',
    'WebAssembly: unavailable',
  ].join('\n'),
  conftest: 'Conftest: 0.71.1\nOPA: 1.21.1\n',
  'kyverno-json': 'Version: v0.0.3\nTime: ---\nGit commit ID: ---\n',
  gator: 'gator version v3.23.1 (Feature State: beta), opa/v1.17.1, frameworks/v0.0.0-20260616163050-e1eaa1bf6d62\n',
  // stderr first (logrus), then stdout.
  cyclonus: [
    'time="2026-11-26T17:30:56Z" level=info msg="log level set to \'info\'"',
    'Cyclonus version: ',
    '{',
    '  "BuildTime": "development",',
    '  "GitSHA": "development",',
    '  "Version": "0.5.6"',
    '}',
  ].join('\n'),
  kyverno: 'Version: v1.19.1\nTime: ---\nGit commit ID: ---\n',
  kind: 'kind v0.33.0 go1.26.8 linux/amd64\n',
  etcd: 'etcd Version: 3.6.16\nGit SHA: Not provided (use ./build instead of go build)\nGo Version: go1.26.8\nGo OS/Arch: linux/amd64\n',
  'kube-apiserver': 'Kubernetes v1.35.4\n',
  crane: 'v0.22.1\n',
  cosign: ['GitVersion:    v2.6.5', 'GitCommit:     unknown', 'GitTreeState:  unknown', 'BuildDate:     unknown', 'GoVersion:     go1.26.8', 'Compiler:      gc', 'Platform:      linux/amd64'].join('\n'),
  actionlint: 'v1.7.12\ninstalled by building from source\nbuilt with go1.26.8 compiler for linux/amd64\n',
  vault: 'Vault v1.21.0 (818ca8b3575ea937ca48b640baf35e1b2ede1833), built 2025-10-22T02:33:18Z\n',
};

/** What these binaries print when built without the recipes' -X flags (read from their source): must not pass. */
const UNSTAMPED_VERSION_OUTPUT: Readonly<Record<string, string>> = {
  conftest: 'Conftest: dev\nOPA: 1.21.1\n',
  gator: 'gator version devel (unknown) (Feature State: beta), opa/v1.17.1, frameworks/v0.0.0-20260616163050-e1eaa1bf6d62\n',
  cyclonus: 'Cyclonus version: \n{\n  "BuildTime": "development",\n  "GitSHA": "development",\n  "Version": "development"\n}\n',
  kyverno: 'Version: (devel)\nTime: ---\nGit commit ID: ---\n',
};

describe('tool registry', () => {
  it('has the pinned engines, each once', () => {
    expect(toolNames()).toEqual([
      'opa', 'conftest', 'kyverno-json', 'gator', 'cyclonus', 'netpolicy', 'kyverno', 'kind',
      'etcd', 'kube-apiserver', 'kube-network-policies', 'registry', 'crane', 'cosign', 'actionlint', 'vault',
    ]);
    expect(new Set(toolNames()).size).toBe(TOOLS.length);
  });

  it.each(TOOLS.map((tool) => [tool.name, tool] as const))('%s is complete', (_name, tool) => {
    expect(tool.name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(tool.version).toMatch(/^v?\d+\.\d+\.\d+$/);
    expect(tool.binary).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(tool.description.length).toBeGreaterThan(10);
    expect(tool.recipe.summary).toMatch(/^go /);
    expect(typeof tool.recipe.build).toBe('function');
    if (tool.check.kind === 'command') {
      expect(tool.check.args.length).toBeGreaterThan(0);
      // The first group must capture the version.
      const groups = (new RegExp(`(?:${tool.check.pattern.source})|`).exec('')?.length ?? 1) - 1;
      expect(groups).toBeGreaterThanOrEqual(1);
    } else {
      expect(tool.check.probe.args.length).toBeGreaterThan(0);
    }
  });

  it.each(Object.entries(REAL_VERSION_OUTPUT))('the version pattern of %s reads its real output', (name, output) => {
    const tool = getTool(name);
    if (tool.check.kind !== 'command') throw new Error(`${name} has no version command`);
    const version = tool.check.pattern.exec(output)?.[1];
    expect(version).toBeDefined();
    expect(sameVersion(version ?? '', tool.version)).toBe(true);
  });

  it.each(Object.entries(UNSTAMPED_VERSION_OUTPUT))('the version of %s built without -X does not pass', (name, output) => {
    const tool = getTool(name);
    if (tool.check.kind !== 'command') throw new Error(`${name} has no version command`);
    const version = tool.check.pattern.exec(output)?.[1];
    expect(sameVersion(version ?? '', tool.version)).toBe(false);
  });

  it('has a recorded version output for every tool with a version command', () => {
    const withCommand = TOOLS.filter((tool) => tool.check.kind === 'command').map((tool) => tool.name);
    expect(Object.keys(REAL_VERSION_OUTPUT).sort()).toEqual(withCommand.sort());
  });

  it('rejects unknown names with the list of known ones', () => {
    expect(() => getTool('nope')).toThrow(UnknownToolError);
    expect(() => getTool('nope')).toThrow('unknown tool "nope"; the pinned tools are: opa, conftest,');
  });
});

describe('stagingModules', () => {
  it('finds every ./staging replace of a go.mod, in the block and the one-line form, and nothing else', () => {
    const goMod = [
      'module k8s.io/kubernetes',
      'require (',
      '\tk8s.io/api v0.0.0',
      ')',
      'replace (',
      '\tk8s.io/api => ./staging/src/k8s.io/api',
      '\tk8s.io/apiserver v0.0.0 => ./staging/src/k8s.io/apiserver',
      '\tgithub.com/other/mod => github.com/fork/mod v1.2.3',
      ')',
      'replace k8s.io/kubectl => ./staging/src/k8s.io/kubectl',
    ].join('\n');
    expect(stagingModules(goMod)).toEqual(['k8s.io/api', 'k8s.io/apiserver', 'k8s.io/kubectl']);
  });
});
