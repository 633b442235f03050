/**
 * Group commit for destination writes: the sends that arrive while a group is being written wait
 * and go together in the next one, as appends share the store's commits. A worker's batch of
 * messages reaches the destination in the same few event-loop turns (their TRANSFORMED writes
 * commit together), so the first group of a batch starts on the next turn, not at the first send,
 * and takes every send made by then (decision 195).
 */

/** What a flush says for each entry it was given, in the same order. */
export type Settled<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

export interface GroupLimits<E> {
  /** Entries in one group at most. */
  readonly maxEntries: number;
  /** Bytes in one group at most (a group always takes at least one entry). */
  readonly maxBytes: number;
  readonly sizeOf: (entry: E) => number;
  /** Groups being written at once. */
  readonly concurrency: number;
}

interface Waiting<E, R> {
  readonly entry: E;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Pure: how many of the waiting entries the next group takes. */
export function groupSize<E>(waiting: readonly E[], limits: GroupLimits<E>): number {
  let bytes = 0;
  let n = 0;
  for (const entry of waiting) {
    if (n >= limits.maxEntries) break;
    bytes += limits.sizeOf(entry);
    if (n > 0 && bytes > limits.maxBytes) break;
    n++;
  }
  return n;
}

export class GroupQueue<E, R> {
  private waiting: Waiting<E, R>[] = [];
  private writing = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (entries: readonly E[]) => Promise<readonly Settled<R>[]>,
    private readonly limits: GroupLimits<E>,
  ) {}

  /** Resolves once the group holding `entry` is written (durably: the flush decides). */
  add(entry: E): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing >= this.limits.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.writing < this.limits.concurrency && this.waiting.length > 0) {
      const n = groupSize(
        this.waiting.map((w) => w.entry),
        this.limits,
      );
      const group = this.waiting.splice(0, n);
      this.writing++;
      void this.write(group).finally(() => {
        this.writing--;
        // What came while this group was written goes at once: it has waited a write already.
        this.pump();
      });
    }
  }

  private async write(group: readonly Waiting<E, R>[]): Promise<void> {
    let settled: readonly Settled<R>[];
    try {
      settled = await this.flush(group.map((w) => w.entry));
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    group.forEach((w, i) => {
      const s = settled[i];
      if (s === undefined) w.reject(new Error('the group write gave no result for an entry'));
      else if (s.ok) w.resolve(s.value);
      else w.reject(s.error);
    });
  }
}
