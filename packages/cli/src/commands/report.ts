import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileEnvironments, loadGitOpsSettings } from '@ztp/compiler';
import { renderReport } from '@ztp/report';
import type { NamedBundle } from '@ztp/verify';
import type { Command } from '../command.ts';
import { loadAllEnvironments, rootOrUndefined } from '../environments.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { sideBundles } from './diff.ts';

export const REPORT_HELP = `Usage: ztp report --base <ref|folder> [--head <ref|folder>] [--out FILE] [--max-length N] [--root DIR]

The markdown review report of a change, for a pull-request comment: a summary first (per
environment: connections opened and closed, declared flows added and removed, admission changes,
objects changed, whether the head bundle passes 'ztp verify'), then per environment a collapsible
section with the connectivity delta and the object diff. It stays under GitHub's 65,536-character
comment limit by summarising when needed, and says so. The head defaults to the working tree,
compiled in memory. Exit 0 even when a proof fails: the report shows it, 'ztp verify' fails the job.
`;

export async function runReport(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { base: { type: 'string' }, head: { type: 'string' }, out: { type: 'string' }, 'max-length': { type: 'string' }, root: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`ztp report takes no arguments besides options (got ${positionals.join(' ')})`);
  if (values.base === undefined) throw new UsageError('--base <ref|folder> is required');
  const maxLength = values['max-length'] === undefined ? undefined : Number(values['max-length']);
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1000)) throw new UsageError('--max-length must be a whole number of at least 1000');
  const root = rootOrUndefined(io.cwd, values.root);
  const temps: string[] = [];
  try {
    const base: NamedBundle[] = sideBundles(values.base, io, root, temps);
    let head: NamedBundle[];
    if (values.head !== undefined) head = sideBundles(values.head, io, root, temps);
    else {
      if (root === undefined) throw new UsageError('without --head, ztp report compiles the working tree: run it inside the policy repository or pass --root');
      const { all } = await loadAllEnvironments(io.cwd, root);
      head = [...compileEnvironments(all, root, loadGitOpsSettings(root), all).bundles];
    }
    const markdown = renderReport(
      { base, head },
      { baseLabel: values.base, headLabel: values.head ?? 'working tree', ...(maxLength === undefined ? {} : { maxLength }), fullReport: `the full report: \`ztp report --base ${values.base} --max-length 10000000\`` },
    );
    if (values.out !== undefined) writeFileSync(resolve(io.cwd, values.out), markdown);
    else io.out(markdown);
    return EXIT.ok;
  } finally {
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  }
}

export const reportCommand: Command = { name: 'report', summary: 'the markdown review report of a change (--base <ref|folder>)', help: REPORT_HELP, run: runReport };
