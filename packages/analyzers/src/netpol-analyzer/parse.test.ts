import { isCI } from '@ztp/tools';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceData } from '../sources/location.ts';
import { npGuardCaseNames } from '../sources/np-guard.ts';
import { INGRESS_CONTROLLER, netpolAnalyzerAnswer, parseConnlistJson, parseConnlistTxt } from './parse.ts';

const JSON_OUTPUT = `[
  { "src": "0.0.0.0-255.255.255.255", "dst": "hello-world/workload-b[Deployment]", "conn": "All Connections" },
  { "src": "hello-world/workload-b[Deployment]", "dst": "hello-world/workload-a[Deployment]", "conn": "TCP 8050" },
  { "src": "{ingress-controller}", "dst": "hello-world/workload-a[Deployment]", "conn": "TCP 8080" }
]`;
const W = ['hello-world/workload-a[Deployment]', 'hello-world/workload-b[Deployment]'];

describe('netpol-analyzer output', () => {
  it('reads json output into the common model, setting ingress-controller lines aside', () => {
    const a = netpolAnalyzerAnswer(parseConnlistJson(JSON_OUTPUT), W);
    expect(a.connectivity.toString()).toBe(
      ['0.0.0.0-255.255.255.255 => hello-world/workload-b[Deployment] : All Connections', 'hello-world/workload-b[Deployment] => hello-world/workload-a[Deployment] : TCP 8050'].join('\n'),
    );
    expect(a.ingressControllerLines).toEqual([{ src: INGRESS_CONTROLLER, dst: 'hello-world/workload-a[Deployment]', conn: 'TCP 8080' }]);
    expect([...a.externalSpellings]).toEqual(['bare']);
    expect(parseConnlistJson('')).toEqual([]);
  });

  it('reads txt output, with or without the [External] suffix, to the same model', () => {
    const bare = parseConnlistTxt('0.0.0.0-9.255.255.255 => ns/a[Pod] : UDP 53\n');
    const suffixed = parseConnlistTxt('0.0.0.0-9.255.255.255[External] => ns/a[Pod] : UDP 53\n');
    const x = netpolAnalyzerAnswer(bare, ['ns/a[Pod]']);
    const y = netpolAnalyzerAnswer(suffixed, ['ns/a[Pod]']);
    expect(x.connectivity.toString()).toBe(y.connectivity.toString());
    expect([...y.externalSpellings]).toEqual(['suffixed']);
  });

  it('refuses what it cannot read, and workloads outside the input', () => {
    expect(() => parseConnlistJson('{"src": "a"}')).toThrow(/not an array/);
    expect(() => parseConnlistJson('[{"src": "a", "dst": "b"}]')).toThrow(/not \{src, dst, conn\}/);
    expect(() => parseConnlistTxt('a -> b')).toThrow(/unreadable/);
    expect(() => netpolAnalyzerAnswer([{ src: 'nonsense', dst: 'ns/a[Pod]', conn: 'All Connections' }], ['ns/a[Pod]'])).toThrow(/unreadable netpol-analyzer peer/);
    expect(() => netpolAnalyzerAnswer([{ src: 'ns/x[Pod]', dst: 'ns/a[Pod]', conn: 'All Connections' }], ['ns/a[Pod]'])).toThrow(/unknown workload ns\/x/);
  });

  const data = conformanceData('netpol-np-guard');
  // CI must have the shared data; elsewhere the skip says why.
  if (!data.present && isCI()) throw new Error(`${data.reason}; CI must have it`);
  if (!data.present) console.log(`SKIPPED reading the np-guard connlists: ${data.reason}`);
  it.runIf(data.present)('reads every expected connlist of the np-guard conformance data', () => {
    let lines = 0;
    for (const name of npGuardCaseNames(data.dir)) {
      const file = join(data.dir, name, 'expected-connlist.txt');
      if (!existsSync(file)) continue;
      const parsed = parseConnlistTxt(readFileSync(file, 'utf8'));
      const workloads = new Set(parsed.flatMap((l) => [l.src, l.dst]).filter((p) => p.endsWith(']') && !p.endsWith('[External]') && p.includes('/')));
      const answer = netpolAnalyzerAnswer(parsed, workloads);
      expect(answer.connectivity.pairs().length + answer.ingressControllerLines.length, name).toBe(parsed.length);
      lines += parsed.length;
    }
    expect(lines).toBeGreaterThan(1000);
  });
  if (!data.present) console.log(`SKIPPED reading np-guard expected connlists: ${data.reason}`);
});
