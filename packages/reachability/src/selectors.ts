/**
 * Kubernetes label selectors (metav1.LabelSelector) with the API server's validation and the
 * exact matching semantics of `LabelSelectorAsSelector`: matchLabels and matchExpressions are
 * ANDed; `In` needs the key with one of the values; `NotIn` matches when the key is absent or its
 * value is not listed; `Exists` / `DoesNotExist` test the key only; an empty selector matches all.
 */

/** Labels of an object. */
export type Labels = Readonly<Record<string, string>>;

/** A matchExpressions entry. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** A label selector as written in a manifest. */
export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** True when the selector has no requirement at all (and so matches every object). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** True when `labels` satisfy every requirement of `selector`. */
export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    switch (req.operator) {
      case 'In':
        if (!has || !(req.values ?? []).includes(labels[req.key]!)) return false;
        break;
      case 'NotIn':
        if (has && (req.values ?? []).includes(labels[req.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // unreachable for validated selectors; refuse to match anything unknown
        return false;
    }
  }
  return true;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Reads a selector from untrusted manifest data. Returns the selector and the problems the
 * API server would reject it for (unknown operator, `In`/`NotIn` without values,
 * `Exists`/`DoesNotExist` with values, non-string labels).
 */
export function readSelector(raw: unknown, where: string): { selector: LabelSelector; errors: string[] } {
  const errors: string[] = [];
  if (raw === null || raw === undefined) return { selector: {}, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { selector: {}, errors: [`${where}: a label selector must be an object`] };
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key !== 'matchLabels' && key !== 'matchExpressions') errors.push(`${where}: unknown selector field "${key}"`);
  }
  const matchLabels: Record<string, string> = {};
  if (obj.matchLabels !== undefined && obj.matchLabels !== null) {
    if (typeof obj.matchLabels !== 'object' || Array.isArray(obj.matchLabels)) {
      errors.push(`${where}.matchLabels: must be a map of strings`);
    } else {
      for (const [k, v] of Object.entries(obj.matchLabels as Record<string, unknown>)) {
        if (typeof v !== 'string') errors.push(`${where}.matchLabels.${k}: value must be a string`);
        else matchLabels[k] = v;
      }
    }
  }
  const matchExpressions: LabelSelectorRequirement[] = [];
  if (obj.matchExpressions !== undefined && obj.matchExpressions !== null) {
    if (!Array.isArray(obj.matchExpressions)) {
      errors.push(`${where}.matchExpressions: must be a list`);
    } else {
      obj.matchExpressions.forEach((item: unknown, i: number) => {
        const at = `${where}.matchExpressions[${i}]`;
        if (item === null || typeof item !== 'object') {
          errors.push(`${at}: must be an object`);
          return;
        }
        const { key, operator, values } = item as Record<string, unknown>;
        if (typeof key !== 'string' || key === '') errors.push(`${at}.key: required`);
        if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
          errors.push(`${at}.operator: "${String(operator)}" is not In, NotIn, Exists or DoesNotExist`);
          return;
        }
        const list = values === undefined || values === null ? [] : values;
        if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
          errors.push(`${at}.values: must be a list of strings`);
          return;
        }
        if ((operator === 'In' || operator === 'NotIn') && list.length === 0) {
          errors.push(`${at}.values: must be non-empty for ${operator}`);
        }
        if ((operator === 'Exists' || operator === 'DoesNotExist') && list.length > 0) {
          errors.push(`${at}.values: must be empty for ${operator}`);
        }
        if (typeof key === 'string') {
          matchExpressions.push({
            key,
            operator: operator as LabelSelectorRequirement['operator'],
            values: list as string[],
          });
        }
      });
    }
  }
  const selector: LabelSelector = {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
  return { selector, errors };
}

/** A canonical string of a selector, for keys and messages. */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const exprs = (selector.matchExpressions ?? []).map(
    (e) => `${e.key} ${e.operator} (${[...(e.values ?? [])].sort().join(',')})`,
  );
  return [...labels, ...exprs].join(',');
}

/** A canonical, injective string of a label map (usable as a map key). */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
