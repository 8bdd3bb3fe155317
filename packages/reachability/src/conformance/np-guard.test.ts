import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connlist, formatConnlist, loadManifests } from '../index.ts';
import { availability } from './availability.ts';

/**
 * Cases whose expected output contains lines this package does not produce by design, with
 * the predicate for those lines. Must equal the table in CONFORMANCE.md.
 */
const EXCLUDED: Readonly<Record<string, (line: string) => boolean>> = {
  'acs-security-demos': (line) => line.startsWith('{ingress-controller} => '),
};

/**
 * Cases whose host-network pods make the default (`intersection`) reading list fewer
 * connections than netpol-analyzer, which treats host-network pods as ordinary pods
 * (`as-pods`). Must equal the list in CONFORMANCE.md.
 */
const HOST_NETWORK_CASES = ['multiple_topology_resources_1', 'semanticDiff-same-topologies-new1', 'semanticDiff-same-topologies-old1'];

const data = availability('netpol-np-guard');

function documentedExclusions(): string[] {
  const doc = readFileSync(new URL('../../CONFORMANCE.md', import.meta.url), 'utf8');
  const start = doc.indexOf('<!-- excluded-cases:start -->');
  const end = doc.indexOf('<!-- excluded-cases:end -->');
  if (start < 0 || end < start) throw new Error('CONFORMANCE.md has no excluded-cases table');
  return doc
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| case') && !line.startsWith('| ---'))
    .map((line) => line.split('|')[1]!.trim())
    .sort();
}

function documentedHostNetworkCases(): string[] {
  const doc = readFileSync(new URL('../../CONFORMANCE.md', import.meta.url), 'utf8');
  const start = doc.indexOf('<!-- host-network-cases:start -->');
  const end = doc.indexOf('<!-- host-network-cases:end -->');
  if (start < 0 || end < start) throw new Error('CONFORMANCE.md has no host-network-cases list');
  return [...doc.slice(start, end).matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!).sort();
}

function lines(text: string): Set<string> {
  return new Set(text.split('\n').filter((line) => line.trim() !== ''));
}

function diff(expected: Set<string>, actual: Set<string>): string {
  const missing = [...expected].filter((l) => !actual.has(l)).sort();
  const extra = [...actual].filter((l) => !expected.has(l)).sort();
  return [...missing.map((l) => `- ${l}`), ...extra.map((l) => `+ ${l}`)].join('\n');
}

describe('netpol-np-guard conformance (netpol-analyzer connlists)', () => {
  it('documents exactly the excluded cases and the host-network cases', () => {
    expect(documentedExclusions()).toEqual(Object.keys(EXCLUDED).sort());
    expect(documentedHostNetworkCases()).toEqual([...HOST_NETWORK_CASES].sort());
  });

  if (!data.run) {
    if (data.mustFail) {
      it('has the conformance data (required under CI)', () => {
        throw new Error(data.reason);
      });
    } else {
      console.log(`SKIPPED netpol-np-guard conformance: ${data.reason}`);
      it.skip(`netpol-np-guard cases (skipped: ${data.reason})`, () => {});
    }
    return;
  }

  const cases = readdirSync(data.dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  it('finds every excluded case in the data', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const name of Object.keys(EXCLUDED)) expect(cases).toContain(name);
  });

  for (const name of cases) {
    it(name, () => {
      const expected = lines(readFileSync(join(data.dir, name, 'expected-connlist.txt'), 'utf8'));
      const resources = loadManifests(join(data.dir, name, 'manifests'));
      // netpol-analyzer's reading of host-network pods
      const actual = lines(formatConnlist(connlist(resources, { hostNetwork: 'as-pods' }), 'txt'));
      // the default reading never lists more than netpol-analyzer here, and lists less only where host-network pods are
      const strict = lines(formatConnlist(connlist(resources), 'txt'));
      const extra = [...strict].filter((l) => !actual.has(l));
      expect(extra, `the default reading lists connections the as-pods reading does not:\n${extra.join('\n')}`).toEqual([]);
      expect(strict.size < actual.size, `${name}: host-network pods change the default reading`).toBe(HOST_NETWORK_CASES.includes(name));
      const excluded = EXCLUDED[name];
      if (excluded === undefined) {
        const d = diff(expected, actual);
        expect(d, `connlist differs from expected-connlist.txt (- missing, + extra):\n${d}`).toBe('');
        return;
      }
      // everything outside the excluded feature must match exactly
      const kept = new Set([...expected].filter((l) => !excluded(l)));
      expect([...actual].filter((l) => excluded(l))).toEqual([]);
      const d = diff(kept, actual);
      expect(d, `connlist differs outside the excluded lines:\n${d}`).toBe('');
      // and the exclusion must still be needed
      expect(kept.size, `${name} no longer needs its exclusion; remove it from CONFORMANCE.md`).toBeLessThan(expected.size);
    });
  }
});
