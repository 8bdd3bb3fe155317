import type { CellResult } from '../probe-runner.ts';

const EXPECTED_WORDS = { connected: 'allowed (connects)', dropped: 'denied (dropped, times out)', 'http-403': 'request refused by an L7 rule (HTTP 403)' } as const;

/** The facts of one failing cell: what was expected and why, what was seen, the policies that apply. */
export interface FailureFacts {
  readonly cell: string;
  readonly expected: string;
  readonly observed: string;
  readonly policies: readonly string[];
}

/** The facts of a failure, worded for people. */
export function failureFacts(r: CellResult, policies: readonly string[] = []): FailureFacts {
  const why = r.cell.declaredBy.length > 0 ? `declared by ${r.cell.declaredBy.join(', ')}` : 'no declared flow admits it (default deny)';
  const seen = r.seen.length > 1 ? `; seen in turn: ${r.seen.join(' → ')}` : '';
  return {
    cell: r.cell.id,
    expected: `${EXPECTED_WORDS[r.cell.expected]}: ${why}`,
    observed: `${r.observed.outcome}: ${r.observed.detail} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'} over ${(r.ms / 1000).toFixed(1)}s${seen})`,
    policies,
  };
}

/** A failure as indented plain text. */
export function renderFailure(f: FailureFacts): string {
  return [`✗ ${f.cell}`, `    expected: ${f.expected}`, `    observed: ${f.observed}`, ...(f.policies.length ? [`    policies that apply:`, ...f.policies.map((p) => `      - ${p}`)] : [])].join('\n');
}
