/**
 * Judging one analyzer's answer about one case against @ztp/reachability, with the known
 * differences: the analyzer must agree exactly with the engine read the way the analyzer
 * documentedly reads the input; everything else is a problem. Pure.
 */
import type { CrossCheckCase } from './case.ts';
import { compareConnectivity, formatDisagreements } from './compare.ts';
import type { Disagreement } from './compare.ts';
import type { Connectivity } from './connectivity.ts';
import { differencesOf } from './differences.ts';
import type { AnalyzerName, KnownDifference } from './differences.ts';
import { DEFAULT_READING, ztpConnectivity } from './ztp.ts';
import type { ZtpReading } from './ztp.ts';

/** An analyzer's answer about one case, in the common model. */
export interface AnalyzerAnswer {
  readonly connectivity: Connectivity;
  /** Pseudo-peer lines the analyzer printed (`{ingress-controller} => ...`), not compared. */
  readonly setAsideLines?: readonly string[];
  /** How it spelled external ranges (netpol-analyzer). */
  readonly externalSpellings?: ReadonlySet<'suffixed' | 'bare'>;
}

/** The verdict of the cross-check for one analyzer and one case. */
export interface CaseVerdict {
  readonly analyzer: AnalyzerName;
  readonly case: string;
  /** `agree`: no unaccounted difference; `disagree`: see `problems`; `not-compared`: see `applied`. */
  readonly outcome: 'agree' | 'disagree' | 'not-compared';
  /** The known differences that apply to the case. */
  readonly applied: readonly string[];
  /** Every difference not accounted for, one readable paragraph each. Empty unless `disagree`. */
  readonly problems: readonly string[];
  /** Disagreements with the engine under the analyzer's reading (part of `problems`). */
  readonly disagreements: readonly Disagreement[];
  /** How many allowances the analyzer listed (to show that a case was not empty). */
  readonly allowances: number;
  /** Where the engine's default reading differs from the analyzer, by known difference (accounted for). */
  readonly accounted: readonly { readonly id: string; readonly disagreements: readonly Disagreement[] }[];
}

/** The differences of `analyzer` in `list` that apply to `c`. */
export function applicableDifferences(analyzer: AnalyzerName, c: Pick<CrossCheckCase, 'objects' | 'resources'>, list: readonly KnownDifference[]): KnownDifference[] {
  return differencesOf(analyzer, list).filter((d) => d.applies(c));
}

/** The engine reading `analyzer` must match on `c`. */
export function readingFor(differences: readonly KnownDifference[]): ZtpReading {
  let reading: ZtpReading = DEFAULT_READING;
  for (const d of differences) if (d.handling.kind === 'ztp-reading') reading = { ...reading, ...d.handling.reading };
  return reading;
}

/** The verdict for a case the analyzer was not given, because of `differences` (`not-compared` ones). */
export function notCompared(analyzer: AnalyzerName, c: Pick<CrossCheckCase, 'name'>, differences: readonly KnownDifference[]): CaseVerdict {
  return { analyzer, case: c.name, outcome: 'not-compared', applied: differences.map((d) => d.id), problems: [], disagreements: [], allowances: 0, accounted: [] };
}

/** The verdict for a case the analyzer failed on (it refused the input, or crashed). */
export function analyzerFailed(analyzer: AnalyzerName, c: Pick<CrossCheckCase, 'name'>, applied: readonly KnownDifference[], message: string): CaseVerdict {
  return {
    analyzer,
    case: c.name,
    outcome: 'disagree',
    applied: applied.map((d) => d.id),
    problems: [`${analyzer} failed on ${c.name}, and no known difference says it refuses this input:\n${message}`],
    disagreements: [],
    allowances: 0,
    accounted: [],
  };
}

/** Judges `answer` (the analyzer's view of case `c`) against @ztp/reachability. */
export function judgeAnswer(analyzer: AnalyzerName, c: CrossCheckCase, answer: AnalyzerAnswer, list: readonly KnownDifference[]): CaseVerdict {
  const applied = applicableDifferences(analyzer, c, list);
  const blocking = applied.filter((d) => d.handling.kind === 'not-compared');
  if (blocking.length > 0) return notCompared(analyzer, c, blocking);
  const problems: string[] = [];
  const reading = readingFor(applied);
  const expected = ztpConnectivity(c.resources, reading);
  const disagreements = compareConnectivity(expected, answer.connectivity);
  if (disagreements.length > 0) {
    const how = applied.filter((d) => d.handling.kind === 'ztp-reading').map((d) => d.id);
    const engineAllowsMore = disagreements.some((d) => !d.onlyLeft.isEmpty());
    problems.push(
      `${analyzer} and @ztp/reachability (${how.length > 0 ? `read as in ${how.join(', ')}` : 'default reading'}) disagree on ${c.name}` +
        `${engineAllowsMore ? ` (@ztp/reachability allows connections ${analyzer} denies: a possible wrong "allowed")` : ''}:\n${formatDisagreements(disagreements, '@ztp/reachability', analyzer)}`,
    );
  }
  const accounted: { id: string; disagreements: Disagreement[] }[] = [];
  const byDefault = ztpConnectivity(c.resources, DEFAULT_READING);
  for (const d of applied) {
    if (d.handling.kind !== 'ztp-reading') continue;
    const alone = ztpConnectivity(c.resources, { ...DEFAULT_READING, ...d.handling.reading });
    const diff = compareConnectivity(byDefault, alone);
    accounted.push({ id: d.id, disagreements: diff });
    const wrongWay = diff.filter((x) => (d.handling.kind === 'ztp-reading' && d.handling.defaultAllows === 'less' ? !x.onlyLeft.isEmpty() : !x.onlyRight.isEmpty()));
    if (wrongWay.length > 0) {
      problems.push(`${d.id}: the engine's default reading should allow ${d.handling.defaultAllows} than its ${d.id} reading on ${c.name}, but:\n${formatDisagreements(wrongWay, 'default reading', `${d.id} reading`)}`);
    }
  }
  const setAside = answer.setAsideLines ?? [];
  if (setAside.length > 0 && !applied.some((d) => d.handling.kind === 'set-aside-lines')) {
    problems.push(`${analyzer} printed pseudo-peer lines on ${c.name}, and no known difference applies:\n${setAside.join('\n')}`);
  }
  if (answer.externalSpellings?.has('bare') === true && !applied.some((d) => d.handling.kind === 'spelling')) {
    problems.push(`${analyzer} printed external ranges without the [External] suffix on ${c.name}, and no known difference allows it`);
  }
  return {
    analyzer,
    case: c.name,
    outcome: problems.length > 0 ? 'disagree' : 'agree',
    applied: applied.map((d) => d.id),
    problems,
    disagreements,
    allowances: answer.connectivity.allowances().length,
    accounted,
  };
}
