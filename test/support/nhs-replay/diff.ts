/**
 * For diagnostics when NHS's sandbox would refuse a request: the JSON paths where our body differs
 * from the nearest of NHS's example request files for that operation.
 */
import { isDeepStrictEqual } from 'node:util';
import { contractFile, INDEX } from './contract.js';

/** `path: ours ≠ NHS's` lines (arrays compared by index, as NHS's sandbox does). */
export function jsonDiff(ours: unknown, theirs: unknown, at = '$'): string[] {
  if (isDeepStrictEqual(ours, theirs)) return [];
  const bothObjects =
    typeof ours === 'object' && ours !== null && typeof theirs === 'object' && theirs !== null;
  if (!bothObjects || Array.isArray(ours) !== Array.isArray(theirs))
    return [`${at}: ours ${JSON.stringify(ours)} ≠ NHS ${JSON.stringify(theirs)}`];
  const a = ours as Record<string, unknown>;
  const b = theirs as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => {
    const path = Array.isArray(ours) ? `${at}[${k}]` : `${at}.${k}`;
    if (!(k in b)) return [`${path}: ours ${JSON.stringify(a[k])}, NHS has none`];
    if (!(k in a)) return [`${path}: missing, NHS ${JSON.stringify(b[k])}`];
    return jsonDiff(a[k], b[k], path);
  });
}

/** The example request file of `operation` nearest to `body`, and how the body differs from it. */
export function nearestExample(
  operation: string,
  body: unknown,
): { file: string; differences: string[] } | undefined {
  const files = [
    ...new Set(
      INDEX.scenarios
        .filter((s) => s.operation === operation && s.requestBody !== null)
        .map((s) => s.requestBody as string),
    ),
  ].filter((f) => f.endsWith('.json'));
  const ranked = files
    .map((file) => ({
      file,
      differences: jsonDiff(body, JSON.parse(contractFile(file).toString('utf8'))),
    }))
    .sort((x, y) => x.differences.length - y.differences.length);
  return ranked[0];
}
