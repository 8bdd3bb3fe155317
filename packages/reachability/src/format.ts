/**
 * Connlist output in netpol-analyzer's formats: `txt` (`src => dst : conns` per line), `json`
 * (`[{src, dst, conn}]`, two-space indent), `md` (a `| src | dst | conn |` table) and `csv`.
 * Entries whose pods disagree add the connections some pod pairs have in `txt`/`md`/`csv` as
 * ` (some pods only: ...)` and in `json` as a `partialConn` field.
 */
import type { ConnlistEntry } from './connlist.ts';

/** The supported output formats. */
export type ConnlistFormat = 'txt' | 'json' | 'md' | 'csv';

function connText(entry: ConnlistEntry): string {
  const base = entry.conns.toString();
  return entry.partial === undefined ? base : `${base} (some pods only: ${entry.partial.toString()})`;
}

/** Formats connlist entries (already sorted by `connlist`). */
export function formatConnlist(entries: readonly ConnlistEntry[], format: ConnlistFormat = 'txt'): string {
  switch (format) {
    case 'txt':
      return entries.map((e) => `${e.src.name} => ${e.dst.name} : ${connText(e)}\n`).join('');
    case 'json':
      return JSON.stringify(
        entries.map((e) => ({
          src: e.src.name,
          dst: e.dst.name,
          conn: e.conns.toString(),
          ...(e.partial === undefined ? {} : { partialConn: e.partial.toString() }),
        })),
        null,
        2,
      );
    case 'md':
      return ['| src | dst | conn |', '|-----|-----|------|', ...entries.map((e) => `| ${e.src.name} | ${e.dst.name} | ${connText(e)} |`)]
        .map((line) => `${line}\n`)
        .join('');
    case 'csv':
      return ['src,dst,conn', ...entries.map((e) => `${e.src.name},${e.dst.name},${csvField(connText(e))}`)]
        .map((line) => `${line}\n`)
        .join('');
    default:
      throw new Error(`unknown connlist format ${String(format)}`);
  }
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
