/**
 * Group commit: writes that arrive together share one transaction, and each caller's promise
 * settles only after that transaction commits. Callers in the same event-loop turn (or while a
 * previous flush is still committing) form one batch, so concurrency turns into batch size and
 * the fsync cost is shared (DESIGN.md invariant 1 stays true: nobody hears "stored" early).
 */
export type FlushFn<T, R> = (items: readonly T[]) => R[] | Promise<R[]>;

interface Pending<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly flush: FlushFn<T, R>,
    private readonly maxBatch = 1000,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far is committed or failed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing !== null || this.scheduled) {
      await (this.flushing ?? new Promise((r) => setImmediate(r)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing !== null) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.runBatches().finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async runBatches(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
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
}
