/** One difference between an expected and an actual JSON value, by JSON path. */
export interface JsonDifference {
  /** `$.parameter[3].valueCoding.code`; `$` is the whole value. */
  readonly path: string;
  /** Absent (undefined) when the actual value has a field the expected one lacks. */
  readonly expected?: unknown;
  /** Absent (undefined) when a field was removed. */
  readonly actual?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const step = (path: string, key: string | number): string =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$-]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;

/**
 * Pure: where two JSON values differ, one entry per differing leaf, field or list item, so a
 * removed field is one line (a line diff of the pretty-printed values made it ~40). Lists are
 * compared item by item; a longer or shorter list adds or removes items at the end.
 */
export function structuralDiff(expected: unknown, actual: unknown, path = '$'): JsonDifference[] {
  if (Object.is(expected, actual)) return [];
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((k) => {
      const p = step(path, k);
      if (!(k in actual)) return [{ path: p, expected: expected[k] }];
      if (!(k in expected)) return [{ path: p, actual: actual[k] }];
      return structuralDiff(expected[k], actual[k], p);
    });
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out: JsonDifference[] = [];
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const p = step(path, i);
      if (i >= actual.length) out.push({ path: p, expected: expected[i] as unknown });
      else if (i >= expected.length) out.push({ path: p, actual: actual[i] as unknown });
      else out.push(...structuralDiff(expected[i], actual[i], p));
    }
    return out;
  }
  return [{ path, expected, actual }];
}

const show = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};

/** One line per difference: `$.a.b: expected "x", got "y"` / `removed` / `added`. */
export function formatDiff(diffs: readonly JsonDifference[], max = 30): string {
  const lines = diffs.slice(0, max).map((d) => {
    if (!('actual' in d)) return `  ${d.path}: removed (expected ${show(d.expected)})`;
    if (!('expected' in d)) return `  ${d.path}: added ${show(d.actual)}`;
    return `  ${d.path}: expected ${show(d.expected)}, got ${show(d.actual)}`;
  });
  if (diffs.length > max) lines.push(`  … ${diffs.length - max} more`);
  return lines.join('\n');
}
