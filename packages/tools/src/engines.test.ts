import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { TOOLS } from './registry.ts';
import { locateTool, resolveTool } from './resolve.ts';
import { requireTools } from './testing.ts';
import { sameVersion } from './version.ts';

/**
 * The real engines: each pinned tool resolves and answers its version command (or, for tools
 * without one, its probe) for real. A missing tool is an error under CI; elsewhere the test is
 * skipped with the reason printed, naming the command that installs it.
 */
describe('pinned engines, for real', () => {
  it.for(TOOLS.map((tool) => [tool.name, tool] as const))('%s resolves and runs at its pinned version', async ([name, tool], ctx) => {
    const reason = await requireTools([name]);
    if (reason !== undefined) {
      console.log(`${name}: ${reason}`);
      ctx.skip(reason);
    }
    const path = await resolveTool(name);
    const status = await locateTool(tool);
    expect(status.path).toBe(path);
    if (tool.check.kind === 'command') {
      const result = await execa(path, [...tool.check.args], { all: true, stdin: 'ignore', timeout: 60_000 });
      const version = tool.check.pattern.exec(result.all)?.[1];
      expect(version, result.all).toBeDefined();
      expect(sameVersion(version ?? '', tool.version)).toBe(true);
    } else {
      expect(status).toMatchObject({ source: 'cache', verifiedBy: 'stamp', foundVersion: tool.version });
      const result = await execa(path, [...tool.check.probe.args], { all: true, reject: false, stdin: 'ignore', timeout: 60_000 });
      expect(result.all).toMatch(tool.check.probe.pattern);
    }
  });
});
