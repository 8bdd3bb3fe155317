import { readFileSync } from 'node:fs';
import { requireTools } from '@ztp/tools';
import { formatConnlist, connlist } from '@ztp/reachability';
import { describe, expect, it } from 'vitest';
import { caseFromCluster } from './case.ts';
import type { CrossCheckCase } from './case.ts';
import { compareConnectivity } from './compare.ts';
import { crossCheckCyclonus, crossCheckNetpolAnalyzer } from './crosscheck.ts';
import type { CrossCheckRun } from './crosscheck.ts';
import { DIFFERENCE_EXAMPLES } from './differences-examples.ts';
import { KNOWN_DIFFERENCES } from './differences.ts';
import type { AnalyzerName, KnownDifference } from './differences.ts';
import { netpolAnalyzerAnswer } from './netpol-analyzer/parse.ts';
import { NetpolAnalyzerError, runNetpolAnalyzerOnObjects } from './netpol-analyzer/run.ts';
import { ztpConnectivity } from './ztp.ts';

/** The rows of the table between the markers of DIFFERENCES.md: id and analyzers. */
function documented(): { id: string; analyzers: string[]; handling: string }[] {
  const doc = readFileSync(new URL('../DIFFERENCES.md', import.meta.url), 'utf8');
  const start = doc.indexOf('<!-- differences:start -->');
  const end = doc.indexOf('<!-- differences:end -->');
  if (start < 0 || end < start) throw new Error('DIFFERENCES.md has no differences table');
  return doc
    .slice(start, end)
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return { id: cells[1]!.replaceAll('`', ''), analyzers: cells[2]!.split(',').map((a) => a.trim()), handling: cells[3]! };
    });
}

/** How DIFFERENCES.md names each handling. */
const HANDLING_NAMES: Record<KnownDifference['handling']['kind'], string> = {
  'ztp-reading': 'ztp reading',
  'not-compared': 'not compared',
  'set-aside-lines': 'set aside',
  spelling: 'spelling',
  'analyzer-input': 'analyzer input',
};

function exampleCase(d: KnownDifference): CrossCheckCase {
  return caseFromCluster(`example/${d.id}`, DIFFERENCE_EXAMPLES[d.id as keyof typeof DIFFERENCE_EXAMPLES]);
}

async function crossCheck(analyzer: AnalyzerName, c: CrossCheckCase, list: readonly KnownDifference[]): Promise<CrossCheckRun> {
  return analyzer === 'netpol-analyzer' ? crossCheckNetpolAnalyzer([c], { differences: list }) : crossCheckCyclonus([c], { differences: list });
}

describe('the known differences', () => {
  it('are documented in DIFFERENCES.md, each once, with the same analyzers', () => {
    const rows = documented();
    expect(rows.map((r) => r.id)).toEqual(KNOWN_DIFFERENCES.map((d) => d.id));
    for (const d of KNOWN_DIFFERENCES) {
      const row = rows.find((r) => r.id === d.id)!;
      expect(row.analyzers, d.id).toEqual([...d.analyzers]);
      expect(row.handling.startsWith(HANDLING_NAMES[d.handling.kind]), `${d.id}: handling "${row.handling}"`).toBe(true);
      expect(d.justification.length, d.id).toBeGreaterThan(100);
    }
  });

  it('each have an example with the feature', () => {
    expect(Object.keys(DIFFERENCE_EXAMPLES).sort()).toEqual(KNOWN_DIFFERENCES.map((d) => d.id).sort());
    for (const d of KNOWN_DIFFERENCES) expect(d.applies(exampleCase(d)), d.id).toBe(true);
  });

  it('apply to no example but their own (except the spelling, which is everywhere)', () => {
    for (const d of KNOWN_DIFFERENCES) {
      if (d.handling.kind === 'spelling') continue;
      for (const other of KNOWN_DIFFERENCES.filter((o) => o.id !== d.id)) expect(d.applies(exampleCase(other)), `${d.id} on the example of ${other.id}`).toBe(false);
    }
  });
});

const reason = await requireTools(['netpolicy', 'cyclonus']);
if (reason !== undefined) console.log(`SKIPPED known differences against the real analyzers: ${reason}`);

describe.skipIf(reason !== undefined)('each known difference, on the real analyzers', () => {
  for (const d of KNOWN_DIFFERENCES) {
    for (const analyzer of d.analyzers) {
      it(`${d.id}: ${analyzer} passes the cross-check with it and fails without it`, async () => {
        const c = exampleCase(d);
        const withIt = await crossCheck(analyzer, c, KNOWN_DIFFERENCES);
        expect(withIt.verdicts.flatMap((v) => v.problems)).toEqual([]);
        expect(withIt.verdicts[0]!.applied).toContain(d.id);
        const without = await crossCheck(analyzer, c, KNOWN_DIFFERENCES.filter((x) => x.id !== d.id));
        expect(without.verdicts[0]!.outcome).toBe('disagree');
      });
    }
  }

  it('host-network-pods: the default reading allows less than the analyzers, which agree with as-pods', async () => {
    const c = exampleCase(KNOWN_DIFFERENCES.find((d) => d.id === 'host-network-pods')!);
    const [a, y] = await Promise.all([crossCheckNetpolAnalyzer([c]), crossCheckCyclonus([c])]);
    for (const run of [a, y]) {
      const accounted = run.verdicts[0]!.accounted.find((x) => x.id === 'host-network-pods')!;
      expect(accounted.disagreements.length, run.analyzer).toBeGreaterThan(0);
      expect(accounted.disagreements.every((x) => x.onlyLeft.isEmpty()), run.analyzer).toBe(true);
    }
  });

  it('ipblock-matches-pod-ip: cyclonus matches the pod IP like the engine, netpol-analyzer does not', async () => {
    const c = exampleCase(KNOWN_DIFFERENCES.find((d) => d.id === 'ipblock-matches-pod-ip')!);
    const y = await crossCheckCyclonus([c], { differences: [] });
    expect(y.verdicts[0]!.outcome).toBe('agree');
    expect(ztpConnectivity(c.resources).toString()).toContain('ipb/a[Pod] => ipb/b[Pod] : All Connections');
    const run = await runNetpolAnalyzerOnObjects([c.objects]);
    expect(netpolAnalyzerAnswer(run.lines, ['ipb/a[Pod]', 'ipb/b[Pod]']).connectivity.toString()).not.toContain('ipb/a[Pod] => ipb/b[Pod]');
  });

  it('named-port-to-ip-destination: netpol-analyzer refuses the input with the documented error', async () => {
    const d = KNOWN_DIFFERENCES.find((x) => x.id === 'named-port-to-ip-destination')!;
    const error = await runNetpolAnalyzerOnObjects([exampleCase(d).objects]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetpolAnalyzerError);
    expect(d.handling.kind === 'not-compared' && d.handling.refusal !== undefined && d.handling.refusal.test((error as NetpolAnalyzerError).stderr)).toBe(true);
  });

  it('namespace-name-label-overwritten: netpol-analyzer matches the forged label, allowing more', async () => {
    const c = exampleCase(KNOWN_DIFFERENCES.find((d) => d.id === 'namespace-name-label-overwritten')!);
    const run = await runNetpolAnalyzerOnObjects([c.objects]);
    const theirs = netpolAnalyzerAnswer(run.lines, c.resources.workloads.map((w) => w.id)).connectivity;
    const diff = compareConnectivity(ztpConnectivity(c.resources), theirs);
    expect(diff.map((x) => `${x.src.type === 'workload' ? x.src.id : ''} => ${x.dst.type === 'workload' ? x.dst.id : ''} ${x.onlyRight.toString()}`)).toEqual(['lbl/a[Pod] => other/b[Pod] All Connections']);
    expect(diff.every((x) => x.onlyLeft.isEmpty())).toBe(true);
  });

  it('external-range-spelling: v1.4.4 prints bare ranges where the engine prints [External]', async () => {
    const c = exampleCase(KNOWN_DIFFERENCES.find((d) => d.id === 'external-range-spelling')!);
    const run = await runNetpolAnalyzerOnObjects([c.objects]);
    expect(run.lines.some((l) => l.dst === '10.0.0.0-10.255.255.255')).toBe(true);
    expect(run.lines.some((l) => l.src.includes('[External]') || l.dst.includes('[External]'))).toBe(false);
    expect(formatConnlist(connlist(c.resources), 'txt')).toContain('10.0.0.0-10.255.255.255[External]');
  });
});
