/** e-RS answers that mean "not with these credentials" (401, 403) or "slow down" (429). */
export const REFUSED_STATUSES: readonly number[] = [401, 403, 429];

export interface ErsStreak {
  /** The newest audit row read (epoch ms); the next check reads after it. */
  readonly cursor: number;
  /** Refused calls in a row up to the newest one read. */
  readonly streak: number;
  /** Their statuses, newest last (at most 50 kept). */
  readonly statuses: readonly number[];
}

/** Pure: carries the streak over newly read calls (oldest first); any other answer ends it. */
export function advanceStreak(
  was: ErsStreak,
  calls: readonly { readonly at: number; readonly status: number | undefined }[],
): ErsStreak {
  let { streak, cursor } = was;
  let statuses = [...was.statuses];
  for (const c of calls) {
    cursor = Math.max(cursor, c.at);
    if (c.status !== undefined && REFUSED_STATUSES.includes(c.status)) {
      streak += 1;
      statuses.push(c.status);
      if (statuses.length > 50) statuses = statuses.slice(-50);
    } else {
      streak = 0;
      statuses = [];
    }
  }
  return { cursor, streak, statuses };
}
