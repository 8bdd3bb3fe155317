import { describe, expect, it } from 'vitest';
import { junitXml } from './junit.ts';

describe('junitXml', () => {
  it('groups cases by suite in the order they come, with counts and escaped text', () => {
    const xml = junitXml('ztp <verify>', [
      { suite: 'staging', name: 'a & b' },
      { suite: 'production', name: 'p1', failure: 'declared deny, bundle says "allow"\nby x' },
      { suite: 'staging', name: 's2', failure: 'no' },
    ]);
    expect(xml).toContain('<testsuites name="ztp &lt;verify&gt;" tests="3" failures="2">');
    const staging = xml.indexOf('<testsuite name="staging" tests="2" failures="1">');
    const production = xml.indexOf('<testsuite name="production" tests="1" failures="1">');
    expect(staging).toBeGreaterThan(-1);
    expect(production).toBeGreaterThan(staging);
    // the second staging case sits in the first suite, before production's
    expect(xml.indexOf('name="s2"')).toBeGreaterThan(staging);
    expect(xml.indexOf('name="s2"')).toBeLessThan(production);
    expect(xml).toContain('name="a &amp; b"');
    expect(xml).toContain('<failure message="declared deny, bundle says &quot;allow&quot;">');
  });

  it('writes every case of a suite with very many (a proof that fails everywhere)', () => {
    // grouping copied the suite's list for every case: 200,000 failures did not finish in a minute
    const cases = Array.from({ length: 100_000 }, (_, i) => ({ suite: i % 2 ? 'staging' : 'production', name: `c${i}`, failure: 'differs' }));
    const xml = junitXml('ztp verify', cases);
    expect(xml.match(/<testcase /g)).toHaveLength(100_000);
    expect(xml).toContain('<testsuite name="production" tests="50000" failures="50000">');
    expect(xml.indexOf('name="c99999"')).toBeGreaterThan(xml.indexOf('<testsuite name="staging"'));
  });
});
