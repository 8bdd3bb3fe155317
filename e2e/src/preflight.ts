/** One thing the kind suite needs before it creates anything. */
export interface Requirement {
  readonly name: string;
  readonly ok: boolean;
  /** What was found, or what is wrong. */
  readonly detail: string;
  /** How to get it, when missing. */
  readonly fix?: string;
}

/** The requirements that are not met. */
export function missing(requirements: readonly Requirement[]): Requirement[] {
  return requirements.filter((r) => !r.ok);
}

/** The reason a run cannot happen, in one sentence, or undefined when everything is there. */
export function notRunReason(requirements: readonly Requirement[]): string | undefined {
  const m = missing(requirements);
  if (m.length === 0) return undefined;
  const names = m.map((r) => r.name);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${list} ${m.length === 1 ? 'is' : 'are'} missing`;
}

/** The preflight as lines for the terminal: every requirement, `ok` or `MISSING` with the fix. */
export function renderPreflight(requirements: readonly Requirement[]): string {
  return requirements.map((r) => `  ${r.ok ? 'ok     ' : 'MISSING'} ${r.name}: ${r.detail}${!r.ok && r.fix ? `\n          fix: ${r.fix}` : ''}`).join('\n');
}

/**
 * What a run that could not happen exits with: 0 normally (the reason was printed and no report
 * claims a pass), 3 when `E2E_REQUIRED=1` makes a missing requirement a failure.
 */
export function notRunExitCode(env: Readonly<Record<string, string | undefined>>): number {
  return env['E2E_REQUIRED'] === '1' || env['E2E_REQUIRED'] === 'true' ? 3 : 0;
}
