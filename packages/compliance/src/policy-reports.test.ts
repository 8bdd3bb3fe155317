import { describe, expect, it } from 'vitest';
import { summarizePolicyReports, type PolicyReportLike } from './policy-reports.ts';

describe("Kyverno's PolicyReports", () => {
  const perResource: PolicyReportLike = {
    metadata: { name: 'r1', namespace: 'app' },
    scope: { kind: 'Pod', name: 'web', namespace: 'app' },
    summary: { pass: 2, fail: 1 },
    results: [
      { policy: 'p', rule: 'a', result: 'pass' },
      { policy: 'p', rule: 'b', result: 'pass' },
      { policy: 'q', rule: 'c', result: 'fail', message: 'bad' },
    ],
  };
  const legacy: PolicyReportLike = {
    metadata: { name: 'polr-ns-app', namespace: 'app' },
    results: [
      { policy: 'r', rule: 'd', result: 'error', message: 'boom', resources: [{ kind: 'Deployment', name: 'api', namespace: 'app' }] },
      { policy: 'r', rule: 'e', result: 'warn' },
      { policy: 'r', rule: 'f', result: 'skip' },
    ],
  };
  const elsewhere: PolicyReportLike = { metadata: { name: 'x', namespace: 'other' }, summary: { fail: 9 } };

  it('totals the reports of the managed namespaces (their summary, or their results) and names failing results', () => {
    const { summary, drift } = summarizePolicyReports('wgpolicyk8s.io/v1alpha2 PolicyReport', [perResource, legacy, elsewhere], ['app']);
    expect(summary).toEqual({ api: 'wgpolicyk8s.io/v1alpha2 PolicyReport', reports: 2, pass: 2, fail: 1, warn: 1, error: 1, skip: 1 });
    expect(drift.map((d) => [d.objectKind, d.namespace, d.name, d.summary, d.details])).toEqual([
      ['Pod', 'app', 'web', 'fail in PolicyReport app/r1: q/c', ['bad']],
      ['Deployment', 'app', 'api', 'error in PolicyReport app/polr-ns-app: r/d', ['boom']],
    ]);
  });
});
