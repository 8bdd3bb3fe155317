/**
 * The engine adapters by name. Each runs one process over the whole batch and parses the
 * engine's structured output into findings.
 */
import { runApiserver } from './apiserver.ts';
import { runConftest } from './conftest.ts';
import { runGator } from './gator.ts';
import { runKyvernoCli } from './kyverno-cli.ts';
import { runKyvernoJson } from './kyverno-json.ts';
import { runOpa } from './opa.ts';
import type { EngineInput, EngineName, EngineReport } from './types.ts';

type Adapter = (input: EngineInput) => Promise<EngineReport>;

const ADAPTERS: Partial<Record<EngineName, Adapter>> = {
  conftest: runConftest,
  opa: runOpa,
  'kyverno-json': runKyvernoJson,
  gatekeeper: runGator,
  kyverno: (input) => runKyvernoCli('kyverno', input),
  'kyverno-legacy': (input) => runKyvernoCli('kyverno-legacy', input),
  native: (input) => runKyvernoCli('native', input),
  apiserver: runApiserver,
};

/** The adapter of an engine, or undefined when ztp has none yet. */
export function adapterFor(engine: EngineName): Adapter | undefined {
  return ADAPTERS[engine];
}
