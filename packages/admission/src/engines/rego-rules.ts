/** The rules a Rego form checks, read back from the emitted conftest files. Pure. */
import type { AdmissionOutput } from '../contract.ts';
import { CONFTEST_DIR } from '../emit/conftest.ts';

/** Every `<module>/<rule>` that has a `deny` in the conftest form. */
export function regoRules(output: AdmissionOutput): string[] {
  const rules = new Set<string>();
  for (const f of output.files) {
    if (!f.path.startsWith(`${CONFTEST_DIR}/`)) continue;
    for (const m of f.content.matchAll(/^\tmsg := "([a-z0-9-]+\/[a-z0-9-]+): /gm)) rules.add(m[1]!);
  }
  return [...rules].sort();
}
