/**
 * Pure readiness tracking for the `stable` completion rule: a file is ready once its size and
 * mtime have not changed for `stableMs` (a writer still appending keeps moving them).
 */
export interface Seen {
  readonly size: number;
  readonly mtimeMs: number;
  readonly since: number;
}

export function observe(
  previous: Seen | undefined,
  size: number,
  mtimeMs: number,
  now: number,
): Seen {
  if (previous && previous.size === size && previous.mtimeMs === mtimeMs) return previous;
  return { size, mtimeMs, since: now };
}

export const isStable = (seen: Seen, now: number, stableMs: number): boolean =>
  now - seen.since >= stableMs;
