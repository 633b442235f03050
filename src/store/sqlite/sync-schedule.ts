/**
 * When the writer thread may answer (decision 210). The writer commits with `synchronous =
 * NORMAL` (no fsync inside the commit) and makes commits durable with its own `fdatasync` of the
 * `-wal` file, run off its loop. An fdatasync returns once everything written to the file before
 * the call is on disk, so a commit is durable once a sync that STARTED after that commit has
 * FINISHED. This is the bookkeeping for that rule, pure and without I/O: the writer reports
 * commits, sync starts and sync ends, and gets back the replies it may now send.
 *
 * Every reply waits for a sync covering every commit made before it was produced, not only its
 * own: a claim returns rows other requests committed, a duplicate's answer points at an earlier
 * copy, and nothing may act on a row a power cut could still take back.
 */
export class SyncSchedule<R> {
  /** Commits made so far (numbered 1, 2, …). */
  private committed = 0;
  /** Every commit up to this one is on disk. */
  private durable = 0;
  /** The coverage (commits made before it started) of each sync in flight. */
  private readonly inFlight: number[] = [];
  /** Replies in the order produced, each with the commit it needs durable. */
  private readonly held: { readonly need: number; readonly reply: R }[] = [];

  constructor(private readonly maxInFlight: number) {
    if (maxInFlight < 1) throw new RangeError('maxInFlight must be at least 1');
  }

  /** A transaction committed (its frames are in the WAL, not yet synced). */
  commit(): void {
    this.committed++;
  }

  /** A reply produced now; returns what may be sent at once (nothing was committed unsynced). */
  reply(reply: R): R[] {
    this.held.push({ need: this.committed, reply });
    return this.releasable();
  }

  /** Whether a sync should start: commits no started sync covers, and room for one more. */
  wantsSync(): boolean {
    return this.committed > this.coveredByStarted() && this.inFlight.length < this.maxInFlight;
  }

  /** A sync starts now; returns its coverage, to hand back to `finished`. */
  started(): number {
    this.inFlight.push(this.committed);
    return this.committed;
  }

  /** A sync that covered `coverage` commits finished; returns the replies it releases. */
  finished(coverage: number): R[] {
    const at = this.inFlight.indexOf(coverage);
    if (at < 0) throw new RangeError(`no sync in flight covers ${coverage}`);
    this.inFlight.splice(at, 1);
    if (coverage > this.durable) this.durable = coverage;
    return this.releasable();
  }

  /** A sync failed: nothing held may be answered as stored; returns every held reply. */
  failAll(): R[] {
    return this.held.splice(0).map((h) => h.reply);
  }

  /** Nothing held and no sync in flight (the writer may close). */
  idle(): boolean {
    return this.held.length === 0 && this.inFlight.length === 0;
  }

  state(): { committed: number; durable: number; inFlight: number; held: number } {
    return {
      committed: this.committed,
      durable: this.durable,
      inFlight: this.inFlight.length,
      held: this.held.length,
    };
  }

  private coveredByStarted(): number {
    return this.inFlight.reduce((max, c) => (c > max ? c : max), this.durable);
  }

  /** Held replies are in production order and their needs never decrease: release a prefix. */
  private releasable(): R[] {
    let n = 0;
    while (n < this.held.length && (this.held[n] as { need: number }).need <= this.durable) n++;
    return this.held.splice(0, n).map((h) => h.reply);
  }
}
