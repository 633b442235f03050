/**
 * Group commit: writes that arrive together share one transaction, and each caller's promise
 * settles only after that transaction commits. Callers in the same event-loop turn (or while the
 * flushes in flight are still committing) form one batch, so concurrency turns into batch size
 * and the fsync cost is shared (DESIGN.md invariant 1 stays true: nobody hears "stored" early).
 *
 * `maxInFlight` > 1 lets the next batch go while earlier ones wait: for a writer that commits in
 * order and answers each batch only once it is durable (SQLite's writer thread, decision 210),
 * a batch then waits for about one flush of the disk instead of the one in flight plus its own.
 * Each batch's promises still settle only from its own flush's answer.
 */
export type FlushFn<T, R> = (items: readonly T[]) => R[] | Promise<R[]>;

interface Pending<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Items per flush at most (default 1,000). */
  readonly maxBatch?: number;
  /** Flushes under way at once (default 1: the next batch waits for the previous answer). */
  readonly maxInFlight?: number;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly flush: FlushFn<T, R>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 1;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far is committed or failed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.scheduled) {
      await (this.inFlight.size > 0
        ? Promise.race(this.inFlight)
        : new Promise((r) => setImmediate(r)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight.size >= this.maxInFlight) return;
    this.scheduled = true;
    // The rest of this turn's callers join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) this.startBatch();
    });
  }

  private startBatch(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    const done = this.runBatch(batch).finally(() => {
      this.inFlight.delete(done);
      if (this.queue.length > 0) this.schedule();
    });
    this.inFlight.add(done);
  }

  private async runBatch(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        p.resolve(results[i] as R);
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
