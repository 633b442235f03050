/**
 * Client-side quota shared by every channel of one application: e-RS allows 600 requests/min
 * (spike arrest above 720). Calls are spaced evenly, so a backlog drains steadily instead of in
 * bursts that trip the spike arrest. `reserve` is pure; `QuotaLimiter` holds the clock.
 */
export function reserve(
  nextFree: number,
  now: number,
  intervalMs: number,
): { at: number; nextFree: number } {
  const at = Math.max(now, nextFree);
  return { at, nextFree: at + intervalMs };
}

/**
 * A slot waited for ahead of its call (`QuotaLimiter.reserve`): the engine marks the call in flight
 * only once it holds one, then the call goes out with it (decision 180, "in flight only when it
 * can go out"). Used once: a second call of the same send waits for a slot of its own.
 */
export interface QuotaSlot {
  used: boolean;
}

/**
 * A slot line shared by every process of the application: the PostgreSQL store's `ers_quota` row
 * (decision 205), so N engine instances together keep one quota instead of N.
 */
export interface SharedQuotaLine {
  /** Takes the line's next slot, `intervalMs` after the one before; resolves to ms from now. */
  takeErsQuotaSlot(intervalMs: number): Promise<number>;
}

export interface QuotaLimiterOptions {
  /** Take slots from this line instead of this process's own (undefined: SQLite, one process). */
  readonly shared?: SharedQuotaLine | undefined;
  /**
   * Told once when the shared line fails (slots then come from this process's line) and once
   * when it answers again, so an outage logs two lines, not one per call.
   */
  readonly onSharedLine?: ((state: 'down' | 'up', error?: unknown) => void) | undefined;
}

export class QuotaLimiter {
  /** The time of the next slot to hand out. */
  private nextFree = 0;
  /** When the last call was let out: a slot used late never goes closer than the interval to it. */
  private lastOut = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  /** The shared line failed at its last use: the next success says it is back. */
  private sharedDown = false;

  constructor(
    requestsPerMinute: number,
    private readonly clock: () => number = Date.now,
    private readonly options: QuotaLimiterOptions = {},
  ) {
    this.intervalMs = 60_000 / requestsPerMinute;
  }

  /** Waits for the next slot without letting a call out: `acquire(signal, slot)` then does. */
  async reserve(signal?: AbortSignal): Promise<QuotaSlot> {
    const at =
      this.options.shared === undefined
        ? this.localSlot()
        : await this.sharedSlot(this.options.shared);
    await this.waitUntil(at, signal);
    return { used: false };
  }

  private localSlot(): number {
    const slot = reserve(this.nextFree, this.clock(), this.intervalMs);
    this.nextFree = slot.nextFree;
    return slot.at;
  }

  /**
   * A slot of the shared line, in this process's clock (the line answers a wait, not a time, so
   * clocks that differ between machines do not matter). When the database cannot answer, the
   * slot comes from this process's line: the engine cannot mark a call in flight without the
   * database either, so only calls already past that point go out at this process's rate, and
   * failing them instead would turn a database blip into failed e-RS calls (decision 205).
   */
  private async sharedSlot(shared: SharedQuotaLine): Promise<number> {
    try {
      const wait = await shared.takeErsQuotaSlot(this.intervalMs);
      if (this.sharedDown) {
        this.sharedDown = false;
        this.options.onSharedLine?.('up');
      }
      return this.clock() + wait;
    } catch (error) {
      if (!this.sharedDown) {
        this.sharedDown = true;
        this.options.onSharedLine?.('down', error);
      }
      return this.localSlot();
    }
  }

  /**
   * Lets one call out: with the slot reserved for it, or after waiting for a new one. A reserved
   * slot is used a little after its time (the engine's commit comes between), so a call also keeps
   * the interval after the one before it; that wait is at most the lag of an earlier slot's use.
   */
  async acquire(signal?: AbortSignal, reserved?: QuotaSlot): Promise<void> {
    const slot = reserved === undefined || reserved.used ? await this.reserve(signal) : reserved;
    slot.used = true;
    const at = Math.max(this.clock(), this.lastOut + this.intervalMs);
    this.lastOut = at;
    await this.waitUntil(at, signal);
  }

  private async waitUntil(at: number, signal: AbortSignal | undefined): Promise<void> {
    const wait = at - this.clock();
    // Timers have a 1 ms resolution: a shorter wait (a quota far above the call rate, as the
    // bench's unlimited one) would cost a timer turn per call and wait a whole millisecond
    // (decision 200). The slot is reserved either way, so calls stay spaced on average.
    if (wait < 1) return;
    // A signal aborted before the wait began (a call that reached its slot after shutdown began)
    // fires no event: without this check it would hold the stop for its whole interval.
    if (signal?.aborted === true) throw new Error('aborted while waiting for the e-RS quota');
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Error('aborted while waiting for the e-RS quota'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
